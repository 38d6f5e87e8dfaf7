"""Loading: formats, encodings, metadata sidecars and every skip reason."""

from pathlib import Path

import pytest

from korwatch_utils.input.articles import decode_bytes, load_articles

BODY = "Presiden Rusia Vladimir Putin tiba di Pyongyang pada Rabu untuk bertemu Kim Jong Un.\n"


def _status(report, name):
    row = report.loc[report["path"].str.endswith(name)]
    assert len(row) == 1, f"{name} should appear once in the report"
    return row.iloc[0]["status"], row.iloc[0]["reason"]


def test_seeds_load_with_sidecar_metadata_and_source_url(seeds_dir):
    articles, report = load_articles(seeds_dir)
    assert list(articles["doc_id"]) == sorted(p.stem for p in seeds_dir.glob("*.txt"))
    assert set(report.loc[report.status == "loaded", "doc_id"]) == set(articles.doc_id)
    by_id = articles.set_index("doc_id")
    assert by_id.loc["000_123b081560ab25d8", "outlet"] == "NTD"
    assert by_id.loc["002_0e14fa672863eebd", "title"].startswith("Korea Selatan Murka")
    # 001 has no url in metadata.csv: its "Sumber: URL" line fills it.
    assert by_id.loc["001_7df7abb8e9f6bdba", "url"].startswith("https://baoquocte.vn/")
    # No seed has a publication date in its metadata, and none is invented.
    assert (articles["published"] == "").all()
    assert (articles["published_source"] == "unknown").all()


def test_only_a_line_that_is_just_a_source_url_gives_the_articles_url(tmp_path):
    (tmp_path / "a.txt").write_text(BODY + "Komentar (1)\nSumber: https://blog.example/2019/01/02/hoaks lihat ini\n",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text(BODY + "\n  \n\t\nSumber: https://berita.example/2024/putin |\n", encoding="utf-8")
    urls = load_articles(tmp_path).articles.set_index("doc_id")["url"]
    assert urls["a"] == "" and urls["b"] == "https://berita.example/2024/putin"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "cp1252", "latin-1"])
def test_encodings_are_decoded(tmp_path, encoding):
    text = "Café “Korea” — Menteri berkata: kerja sama dengan Rusia akan ditinjau."
    if encoding == "latin-1":
        text = text.replace("“", '"').replace("”", '"').replace("—", "-")
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    (tmp_path / "a.txt").write_bytes(data)
    articles, _ = load_articles(tmp_path)
    assert articles.loc[0, "text"] == text


def test_undecodable_bytes_never_crash():
    text, encoding = decode_bytes(b"Berita \x81\x8d\x90 dari Seoul")
    assert encoding == "latin-1"
    assert text.startswith("Berita ") and text.endswith(" dari Seoul")


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n \t", "empty file"),
        ("nul.txt", b"abc\x00\x00\x01def" * 10, "binary file"),
        ("scan.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (PDF)"),
        ("notes.pdf", b"%PDF-1.7", "unsupported file type '.pdf'"),
        ("data.json", b"{}", "unsupported file type '.json'"),
    ],
)
def test_bad_files_are_skipped_with_reason(tmp_path, name, data, reason):
    (tmp_path / "good.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / name).write_bytes(data)
    articles, report = load_articles(tmp_path)
    assert list(articles.doc_id) == ["good"]
    status, why = _status(report, name)
    assert status == "skipped" and reason in why


def test_too_large_file_is_skipped(tmp_path):
    (tmp_path / "big.txt").write_text(BODY * 100, encoding="utf-8")
    articles, report = load_articles(tmp_path, max_bytes=1000)
    assert articles.empty
    status, why = _status(report, "big.txt")
    assert status == "skipped" and "too large" in why


def test_exact_duplicate_is_skipped_even_in_another_encoding(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(BODY.replace("\n", "\r\n").encode("utf-16"))
    articles, report = load_articles(tmp_path)
    assert list(articles.doc_id) == ["a"]
    assert _status(report, "b.txt") == ("skipped", "duplicate of a (same text)")


def test_folder_named_like_an_article_is_reported(tmp_path):
    (tmp_path / "good.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "odd.txt").mkdir()
    (tmp_path / "odd.txt" / "inner.txt").write_text(BODY + "Lagi.", encoding="utf-8")
    articles, report = load_articles(tmp_path)
    assert set(articles.doc_id) == {"good", "inner"}  # the folder is walked, its files loaded


def test_unreadable_and_vanished_files_are_reported(tmp_path, monkeypatch):
    for name in ("good.txt", "locked.txt", "gone.txt"):
        (tmp_path / name).write_text(BODY + name, encoding="utf-8")
    real_read = Path.read_bytes

    def flaky_read(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        if self.name == "gone.txt":
            raise FileNotFoundError(2, "No such file")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", flaky_read)
    articles, report = load_articles(tmp_path)
    assert list(articles.doc_id) == ["good"]
    assert _status(report, "locked.txt") == ("skipped", "unreadable: Permission denied")
    assert _status(report, "gone.txt") == ("skipped", "file vanished before it could be read")


def test_broken_symlink_is_reported(tmp_path):
    (tmp_path / "good.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    _, report = load_articles(tmp_path)
    status, why = _status(report, "dangling.txt")
    assert status == "skipped" and "broken symbolic link" in why


def test_symlink_loop_is_not_followed(tmp_path):
    (tmp_path / "good.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    articles, report = load_articles(tmp_path)
    assert list(articles.doc_id) == ["good"]
    status, why = _status(report, "loop")
    assert status == "skipped" and "symbolic link to a folder" in why


def test_file_list_and_single_file(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.md"
    a.write_text(BODY, encoding="utf-8")
    b.write_text("# Judul\n\nBaca [laporan](https://x.id/a) **penting** ini.\n", encoding="utf-8")
    assert list(load_articles(a).articles.doc_id) == ["a"]
    articles, _ = load_articles([a, b])
    assert list(articles.doc_id) == ["a", "b"]
    assert articles.loc[1, "text"] == "Judul\n\nBaca laporan penting ini.\n"


def test_same_stem_gets_distinct_doc_ids(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "a.md").write_text(BODY + "Tambahan.", encoding="utf-8")
    assert sorted(load_articles(tmp_path).articles.doc_id) == ["a", "a.txt"]


def test_missing_path_raises():
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        load_articles("/nonexistent/korwatch")


def test_html_uses_trafilatura_text_and_metadata(tmp_path):
    html = (
        "<html><head><title>Putin ke Pyongyang</title>"
        "<meta property='og:url' content='https://contoh.id/putin'>"
        "<meta property='article:published_time' content='2024-06-18'></head>"
        "<body><nav>Beranda | Politik</nav><article><h1>Putin ke Pyongyang</h1>"
        "<p>Presiden Rusia Vladimir Putin tiba di Pyongyang pada Selasa malam untuk kunjungan kenegaraan.</p>"
        "<p>Kim Jong Un menyambutnya di bandara, menurut kantor berita KCNA.</p></article></body></html>"
    )
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    articles, _ = load_articles(tmp_path)
    row = articles.iloc[0]
    assert "Kim Jong Un menyambutnya" in row.text and "Beranda" not in row.text
    assert (row.title, row.url, row.published, row.published_source) == (
        "Putin ke Pyongyang", "https://contoh.id/putin", "2024-06-18", "html")


def test_sidecar_wins_and_text_fills_gaps(tmp_path):
    (tmp_path / "a.txt").write_text(BODY + "Sumber: https://sumber.id/a\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(BODY + "Lain.\nSumber: https://sumber.id/b\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "file,published,outlet,url,title\na.txt,2024-06-19,Antara,https://antara.id/a,Judul A\nb.txt,,,,\n"
        "ghost.txt,,,,\n", encoding="utf-8")
    articles, report = load_articles(tmp_path)
    a, b = articles.set_index("doc_id").loc["a"], articles.set_index("doc_id").loc["b"]
    assert (a.url, a.published, a.published_source, a.outlet) == ("https://antara.id/a", "2024-06-19", "metadata", "Antara")
    assert (b.url, b.published_source) == ("https://sumber.id/b", "unknown")
    ghost = report[(report.status == "metadata") & (report.value == "ghost.txt")]
    assert list(ghost.field) == ["file"] and "names no file" in ghost.reason.iloc[0]


def test_every_unusable_metadata_value_is_a_report_row_and_every_article_loads(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(BODY + name, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "file,published,outlet,section\n"
        "a.txt,not-a-date,Antara,Dunia\n"
        "b.txt,2024-06-19,Kompas,Dunia\n"
        "b.txt,2024-06-20,Tempo,Dunia\n"
        "ghost.txt,2024-06-19,,\n", encoding="utf-8")
    articles, report = load_articles(tmp_path)
    assert sorted(articles.doc_id) == ["a", "b", "c"]
    problems = report[report.status == "metadata"].set_index("field")
    assert sorted(zip(problems.index, problems.value)) == [
        ("file", "b.txt"), ("file", "ghost.txt"), ("published", "not-a-date"), ("section", "")]
    assert "not a date" in problems.loc["published", "reason"] and "line 2" in problems.loc["published", "reason"]
    assert "unknown column" in problems.loc["section", "reason"]
    duplicate = problems[problems.value == "b.txt"].reason.iloc[0]
    assert "duplicate" in duplicate and "line 3 is used" in duplicate
    by_id = articles.set_index("doc_id")
    assert (by_id.loc["a", "published"], by_id.loc["a", "outlet"]) == ("", "Antara")  # the rest of the row is used
    assert (by_id.loc["b", "published"], by_id.loc["b", "outlet"]) == ("2024-06-19", "Kompas")  # the first row wins


def test_a_file_given_alone_still_gets_its_folders_metadata(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,outlet\na.txt,Antara\n", encoding="utf-8")
    articles, _ = load_articles([tmp_path / "a.txt"])
    assert articles.outlet.tolist() == ["Antara"]


def test_an_empty_metadata_csv_is_no_rows_and_no_problem(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("", encoding="utf-8")
    articles, report = load_articles(tmp_path)
    assert list(articles.doc_id) == ["a"] and (report.status == "metadata").sum() == 0
    assert _status(report, "metadata.csv") == ("sidecar", "metadata file is empty")


def test_a_metadata_row_with_extra_fields_or_a_folder_in_its_name_is_reported_not_used(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "b.txt", "sub/c.txt"):
        (tmp_path / name).write_text(BODY + name, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,published,outlet,url,title\n"
                                           "a.txt,2024-06-13,Kompas,https://kompas.com/a,Korea, Rusia sepakat\n"
                                           "./b.txt,2024-06-14,Antara,,\n"
                                           "sub/c.txt,2024-06-15,Tempo,,\n", encoding="utf-8")
    articles, report = load_articles(tmp_path)
    problems = report[report.status == "metadata"].set_index("value")["reason"]
    assert "more field(s) than the header" in problems["a.txt"] and "line 2" in problems["a.txt"]
    assert "with a folder" in problems["./b.txt"] and "with a folder" in problems["sub/c.txt"]
    assert (articles.title == "").all() and (articles.published == "").all() and len(articles) == 3
