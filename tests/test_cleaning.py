"""Cleaning: each rule family, normalisation, language flags and analyst rules."""

import io

import pandas as pd
import pytest

from korwatch_utils.cli import main
from korwatch_utils.text.lines import load_line_model
from korwatch_utils.input.articles import ARTICLE_COLUMNS, load_articles
from korwatch_utils.text.cleaning import (
    clean, cleaning_report, detect_language, fix_mojibake, foreign_paragraphs, load_rules, normalize, normalize_quotes,
    normalize_whitespace, removed_by_rule, size_summary, split_dateline,
)

LEAD = "Kementerian Luar Negeri Korea Selatan mendesak penarikan segera pasukan Korea Utara dari Rusia."
TAIL = "Presiden Yoon Suk Yeol mengecam pengerahan itu sebagai ancaman terhadap keamanan global."


def clean_text(tmp_path, text, **kwargs):
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    return clean(load_articles(tmp_path).articles, **kwargs)


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Baca juga: Korut Luncurkan Dua Rudal Nuklir dalam Simulasi Perang", "related_link"),
        ("BACA JUGA: Rusia Cap Jurnalis Pemenang Nobel", "related_link"),
        ("Berita terkait: Kim Jong Un kunjungi Vladivostok", "related_link"),
        ("[iklan_2]", "ad_placeholder"),
        ("ADVERTISEMENT", "ad_placeholder"),
        ("SCROLL TO CONTINUE WITH CONTENT", "ad_placeholder"),
        ("Sumber: https://example.com/berita/123.html", "source_line"),
        ("Foto: ANTARA/Aditya Pradana", "credit_line"),
        ("Cek berita dan artikel yg lain di Google News dan ikuti WhatsApp channel mediaindonesia.com", "promotion"),
        ("Dapatkan update berita pilihan setiap hari dari Kompas.com. Mari bergabung di Grup Telegram", "promotion"),
        ("Download aplikasi Detikcom sekarang", "promotion"),
        ("Editor : Thalatie Yani", "editor_line"),
        ("Pewarta: Fulan Fulani", "editor_line"),
        ("Ren Hao – NTD", "byline"),
        ("visitaaponce.com", "site_name"),
        ("www.cnnindonesia.com", "site_name"),
        ("Bagikan", "share_buttons"),
    ],
)
def test_boilerplate_line_is_removed_and_body_kept(tmp_path, line, rule):
    cleaned = clean_text(tmp_path, f"{LEAD}\n\n{line}\n\n{TAIL}\n")
    assert list(cleaned.removed.rule) == [rule]
    assert list(cleaned.removed.line_no) == [3]
    assert cleaned.articles.loc[0, "text"] == f"{LEAD}\n\n{TAIL}"


@pytest.mark.parametrize(
    "marker, rule",
    [
        ("Komentar (0)", "comment_section"),
        ("Comments", "comment_section"),
        ("3 Komentar", "comment_section"),
        ("Tinggalkan Balasan", "comment_section"),
        ("Leave a Reply", "comment_section"),
        ("Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *", "comment_section"),
        ("Your email address will not be published.", "comment_section"),
        ("Terkini Lainnya", "section_label"),
        ("Tautan Sahabat", "section_label"),
        ("Berita Terkait", "section_label"),
    ],
)
def test_marker_removes_everything_after_it(tmp_path, marker, rule):
    text = f"{LEAD}\n\n{marker}\n\nBudi\n\nMantap beritanya, terima kasih atas informasinya ya min!\n\nLink: a.com"
    cleaned = clean_text(tmp_path, text)
    assert cleaned.articles.loc[0, "text"] == LEAD
    assert set(cleaned.removed.rule) == {rule}
    assert list(cleaned.removed.line_no) == [3, 5, 7, 9]


@pytest.mark.parametrize("stamp", ["July 22, 2024 @ 7:15 pm", "22 Juli 2024 pukul 19.15", "2 jam lalu"])
def test_spam_comment_with_author_and_timestamp_is_removed(tmp_path, stamp):
    text = f"{LEAD}\n{TAIL}\npxhs\n{stamp}\nWonderful web site Lots of useful info here thanks to your effort\n"
    cleaned = clean_text(tmp_path, text)
    assert cleaned.articles.loc[0, "text"] == f"{LEAD}\n\n{TAIL}"
    assert list(cleaned.removed.rule) == ["comment"] * 3


def test_timestamp_before_any_body_is_not_a_comment_section(tmp_path):
    cleaned = clean_text(tmp_path, f"22 Juli 2024 pukul 19.15\n{LEAD}\n{TAIL}\n")
    assert cleaned.articles.loc[0, "text"] == f"{LEAD}\n\n{TAIL}"
    assert list(cleaned.removed.line_no) == [1]


@pytest.mark.parametrize(
    "line, kept, fragment, rule",
    [
        (f"{LEAD} (Hui)", LEAD, "(Hui)", "inline_credit"),
        (f"{LEAD} (AFP/Cah)", LEAD, "(AFP/Cah)", "inline_credit"),
        (f"{LEAD[:-1]} [iklan_1] sore ini.", f"{LEAD[:-1]} sore ini.", "[iklan_1]", "ad_placeholder"),
        ("Putin dan Kim dalam pertemuan di Amur. (Sumber: Sputnik) |", "Putin dan Kim dalam pertemuan di Amur.",
         "(Sumber: Sputnik) |", "photo_credit"),
    ],
)
def test_inline_fragments_are_cut_and_recorded(tmp_path, line, kept, fragment, rule):
    cleaned = clean_text(tmp_path, f"{TAIL}\n{line}\n")
    assert cleaned.articles.loc[0, "text"] == f"{TAIL}\n\n{kept}"
    assert cleaned.removed[["line_no", "text", "rule"]].values.tolist() == [[2, fragment, rule]]


def test_parenthesised_names_in_body_are_not_credits_to_the_rules(tmp_path):
    body = "Korea Selatan menyatakan keprihatinan atas pakta itu. (Korea Utara)\nPasukan dikirim ke Kursk (Rusia)"
    (tmp_path / "a.txt").write_text(f"{LEAD}\n{body}\n", encoding="utf-8")
    # The rules' decision (the classifier may read a short line closing on a bracketed name as a caption).
    cleaned = clean(load_articles(tmp_path).articles, line_model=None)
    assert cleaned.removed.empty


def test_title_moves_to_metadata_and_repeats_go(tmp_path):
    title = "Korea Selatan Murka Rusia dan Korea Utara Jalin Pakta Pertahanan"
    cleaned = clean_text(tmp_path, f"{title}\n\n{title.upper()}\n\n{LEAD}\n\n{TAIL}")
    assert cleaned.articles.loc[0, "title"] == title
    assert list(cleaned.removed.rule) == ["title", "repeated_title"]
    assert cleaned.articles.loc[0, "text"] == f"{LEAD}\n\n{TAIL}"


def test_first_sentence_is_not_taken_for_a_title(tmp_path):
    cleaned = clean_text(tmp_path, f"{LEAD}\n{TAIL}\n")
    assert cleaned.articles.loc[0, "title"] == ""
    assert cleaned.removed.empty


def test_source_url_becomes_metadata(tmp_path):
    cleaned = clean_text(tmp_path, f"{LEAD}\nSumber: https://contoh.id/berita-1.html\n")
    assert cleaned.articles.loc[0, "url"] == "https://contoh.id/berita-1.html"


def test_mojibake_is_repaired_without_changing_words():
    assert fix_mojibake("Korea Selatan donâ€™t") == "Korea Selatan don’t"
    assert fix_mojibake("CafÃ© di Seoul") == "Café di Seoul"
    assert fix_mojibake(LEAD) == LEAD
    assert fix_mojibake("Kim Jong-un, ‘kebangkitan’") == "Kim Jong-un, ‘kebangkitan’"


def test_quotes_and_whitespace_are_normalised():
    assert normalize_quotes("“Seoul” ‘kuat’") == "\"Seoul\" 'kuat'"
    assert normalize_whitespace("\u00a0 Presiden\u200b  Rusia\t Putin \n  baris ") == "Presiden Rusia Putin\nbaris"
    assert normalize("â€œSeoulâ€\x9d") == '"Seoul"'


def test_language_flags_paragraphs_but_keeps_body(tmp_path):
    english = "The foreign ministry said the troops must be withdrawn immediately from Russia."
    cleaned = clean_text(tmp_path, f"{LEAD}\n{english}\n{TAIL}\n")
    assert english in cleaned.articles.loc[0, "text"]  # flagged, not removed
    flagged = foreign_paragraphs(cleaned.paragraphs)
    assert flagged[["line_no", "lang", "rule"]].values.tolist() == [[2, "en", ""]]
    assert cleaned.articles.loc[0, "lang"] == "id"


@pytest.mark.parametrize(
    "text, lang",
    [
        (LEAD, "id"),
        ("Kementerian Luar Negeri Korea Selatan pada 14 Juni mengeluarkan pernyataan bahwa Kim Jong Un dan Putin "
         "akan kembali bertemu.", "id"),
        ("Kerajaan Malaysia akan melaksanakan dasar baharu bagi membantu rakyat yang terjejas akibat banjir.", "ms"),
        ("North Korea denied sending troops to Russia, calling the reports groundless rumours.", "en"),
        ("Kim Jong Un", ""),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_analyst_rules_extend_the_shipped_ones(tmp_path):
    rules = tmp_path / "mysite.csv"
    rules.write_text("rule,action,pattern,description\nmysite_footer,line,^Follow @mysite\\b,footer\n", encoding="utf-8")
    cleaned = clean_text(tmp_path, f"{LEAD}\nFollow @mysite on X\n", rules=load_rules(rules))
    assert list(cleaned.removed.rule) == ["mysite_footer"]


@pytest.mark.parametrize(
    "row, message",
    [("x,delete,^a$,", "action must be one of"), ("x,line,(unclosed,", "bad pattern for rule 'x'")],
)
def test_bad_rules_file_says_where(tmp_path, row, message):
    rules = tmp_path / "bad.csv"
    rules.write_text(f"rule,action,pattern,description\n{row}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_rules(rules)


def test_a_rules_file_without_its_columns_or_a_folder_is_refused_by_name(tmp_path):
    rules = tmp_path / "bad.csv"
    rules.write_text("rule,action,regex\nx,line,^a$\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no pattern column"):
        load_rules(rules)
    with pytest.raises(ValueError, match="is a folder"):
        load_rules(tmp_path)


def test_an_edited_rules_file_is_read_again(tmp_path):
    rules = tmp_path / "mine.csv"
    rules.write_text("rule,action,pattern,description\nmine,line,^AAA,\n", encoding="utf-8")
    assert load_rules(rules)[-1].pattern.pattern == "^AAA"
    rules.write_text("rule,action,pattern,description\nmine,line,^BBBB,\n", encoding="utf-8")
    assert load_rules(rules)[-1].pattern.pattern == "^BBBB"


def test_summaries(seeds_cleaned):
    sizes = size_summary(seeds_cleaned)
    assert (sizes.chars_clean < sizes.chars_loaded).all()
    assert (sizes.kept_pct > 80).all()
    by_rule = removed_by_rule(seeds_cleaned.removed)
    assert by_rule.removals.sum() == len(seeds_cleaned.removed)
    assert by_rule.removals.is_monotonic_decreasing


def test_raw_text_is_untouched(seeds_dir, seeds_cleaned):
    for row in seeds_cleaned.articles.itertuples():
        raw = (seeds_dir / f"{row.doc_id}.txt").read_text(encoding="utf-8")
        assert row.raw_text == raw


def test_empty_table_cleans_to_empty_tables():
    cleaned = clean(pd.DataFrame(columns=ARTICLE_COLUMNS))
    assert cleaned.articles.empty and cleaned.removed.empty and cleaned.paragraphs.empty
    assert isinstance(removed_by_rule(cleaned.removed), pd.DataFrame)


def test_line_removed_whole_is_recorded_once_even_after_an_inline_cut(tmp_path):
    cleaned = clean_text(tmp_path, f"Putin Tiba di Pyongyang [iklan_1]\n\n{LEAD}\n\n{TAIL}\n")
    assert cleaned.removed[["line_no", "rule"]].values.tolist() == [[1, "title"]]
    assert cleaned.articles.loc[0, "title"] == "Putin Tiba di Pyongyang"


@pytest.mark.parametrize("line, place, outlet, rest", [
    ("Jakarta, CNN Indonesia -- Presiden Joko Widodo tiba.", "Jakarta", "CNN Indonesia", "Presiden Joko Widodo tiba."),
    ("London (ANTARA News) - Inggris mengecam Rusia.", "London", "ANTARA News", "Inggris mengecam Rusia."),
    ("SEOUL: Korea Selatan menyatakan keprihatinan.", "SEOUL", "", "Korea Selatan menyatakan keprihatinan."),
    ("BANGLADESH– Pemerintah Bangladesh memanggil duta besar.", "BANGLADESH", "", "Pemerintah Bangladesh memanggil duta besar."),
    ("Suara.com-Presiden Amerika Serikat Donald Trump tiba.", "", "Suara.com", "Presiden Amerika Serikat Donald Trump tiba."),
    ("Rimanews-Amerika Serikat mengirim tentara.", "", "Rimanews", "Amerika Serikat mengirim tentara."),
    ("(Antara) - Korea Utara menembakkan rudal.", "", "Antara", "Korea Utara menembakkan rudal."),
    ("TEMPO.CO, Jakarta - Presiden tiba di Seoul.", "Jakarta", "TEMPO.CO", "Presiden tiba di Seoul."),
    ("KABUL - Taliban mengaku bertanggung jawab.", "KABUL", "", "Taliban mengaku bertanggung jawab."),
])
def test_each_dateline_form_is_split_off(line, place, outlet, rest):
    assert split_dateline(line)[:3] == (rest, place, outlet)


@pytest.mark.parametrize("line", ["Presiden Joko Widodo (Jokowi) mengatakan bahwa Korut mengancam.",
                                  "AS-Korsel sepakat menggelar latihan bersama.", "KPK-Polri bekerja sama.",
                                  "Presiden Barcelona, Josep Maria Bartomeu mengatakan.", "Al-Qaeda menyerang pangkalan."])
def test_a_first_sentence_without_a_dateline_is_left_whole(line):
    assert split_dateline(line) == (line, "", "", "")


def test_the_dateline_goes_to_its_columns_and_out_of_the_text_while_a_source_in_the_body_stays(tmp_path):
    (tmp_path / "a.txt").write_text("Jakarta, CNN Indonesia -- Korea Utara menembakkan rudal, seperti dikutip "
                                    "Reuters.\n\nSeoul mengecam uji coba itu.\n", encoding="utf-8")
    cleaned = clean(load_articles(tmp_path).articles)
    article = cleaned.articles.iloc[0]
    assert (article.dateline, article.outlet) == ("Jakarta", "CNN Indonesia")
    assert article.text.startswith("Korea Utara menembakkan") and "dikutip Reuters" in article.text
    assert cleaned.removed.loc[cleaned.removed.rule == "dateline", "text"].tolist() == ["Jakarta, CNN Indonesia --"]


def _page(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_cleaning_that_would_gut_an_article_keeps_it_whole_and_the_report_says_so(tmp_path):
    """A page laid out as title, date line, body: a rule reading the date line as a comment thread's
    timestamp would take everything after it (the rules alone here; the classifier may rescue lines itself)."""
    body = ("Pemerintah Korea Selatan menyatakan keprihatinan atas uji coba rudal terbaru Korea Utara pada Senin.\n"
            "Kementerian Luar Negeri di Seoul memanggil duta besar dan meminta penjelasan resmi hari itu juga.\n"
            "Para analis menilai langkah tersebut akan memperburuk ketegangan di Semenanjung Korea tahun ini.\n")
    rules = tmp_path / "rules.csv"
    rules.write_text("rule,action,pattern,description\ntimestamp,rest,^Senin 12:30$,a date line read as a thread\n",
                     encoding="utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    _page(folder, "a.txt", "Korea Selatan Protes Uji Coba Rudal\nSenin 12:30\n" + body)
    cleaned = clean(load_articles(folder).articles, rules=load_rules(rules), line_model=None)
    article = cleaned.articles.iloc[0]
    assert all(line in article.text for line in body.strip().split("\n"))
    assert article.cleaning_note.startswith("removals undone: ")
    row = cleaning_report(cleaned.articles)
    assert list(row.status) == ["removals undone"] and list(row.doc_id) == ["a"] and "timestamp" in row.reason.iloc[0]
    gutted_without_guard = clean(load_articles(folder).articles, rules=load_rules(rules), line_model=None)
    assert "timestamp" not in set(gutted_without_guard.removed.rule)  # the guard undid the removals


def test_a_rule_that_would_gut_an_article_is_set_aside_and_the_other_rules_still_remove_their_lines(tmp_path):
    """Setting aside only the rule that took the prose: a related headline after the date line is still removed
    by its own rule, where undoing every removal would have left it in the story."""
    body = ("Pemerintah Korea Selatan menyatakan keprihatinan atas uji coba rudal terbaru Korea Utara pada Senin.\n"
            "Baca juga: Rusia Kirim Bantuan Militer ke Pyongyang\n"
            "Kementerian Luar Negeri di Seoul memanggil duta besar dan meminta penjelasan resmi hari itu juga.\n")
    rules = tmp_path / "rules.csv"
    rules.write_text("rule,action,pattern,description\ntimestamp,rest,^Senin 12:30$,a date line read as a thread\n"
                     "related_link,line,^Baca juga,related headlines\n", encoding="utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    _page(folder, "a.txt", "Korea Selatan Protes Uji Coba Rudal\nSenin 12:30\n" + body)
    cleaned = clean(load_articles(folder).articles, rules=load_rules(rules), line_model=None)
    article = cleaned.articles.iloc[0]
    assert "memanggil duta besar" in article.text and "keprihatinan" in article.text
    assert "Baca juga" not in article.text
    assert cleaned.removed.loc[cleaned.removed.rule == "related_link", "line_no"].tolist() == [4]
    assert "timestamp" not in set(cleaned.removed.rule)
    assert article.cleaning_note.startswith("removals undone: ") and "timestamp was set aside" in article.cleaning_note


def test_a_removal_by_the_line_classifier_carries_its_score_and_rule(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    byline = "Willy Haryono \u2022 29 July 2025 11:55"  # no rule names this shape
    _page(folder, "a.txt", f"Putin Tiba di Pyongyang\n{byline}\n"
          "Presiden Rusia Vladimir Putin tiba di Pyongyang pada Selasa malam untuk kunjungan dua hari.\n"
          "Kunjungan itu yang pertama dalam 24 tahun, kata kantor berita Korea Utara KCNA.\n")
    cleaned = clean(load_articles(folder).articles)
    removed = cleaned.removed.set_index("line_no")
    assert removed.loc[2, "rule"] == "model" and removed.loc[2, "score"] >= load_line_model().threshold
    assert "Haryono" not in cleaned.articles.text.iloc[0] and "Kunjungan itu" in cleaned.articles.text.iloc[0]
    by_rule = removed_by_rule(cleaned.removed).set_index("rule")
    assert by_rule.loc["model", "mean_score"] == round(removed.loc[2, "score"], 3)
    rules_only = clean(load_articles(folder).articles, line_model=None)
    assert "Haryono" in rules_only.articles.text.iloc[0]


def test_without_the_classifier_the_rules_decide_alone(seeds_cleaned, seeds_dir):
    rules_only = clean(load_articles(seeds_dir).articles, line_model=None)
    assert set(rules_only.removed.rule) - {"title", "repeated_title", "dateline"} <= {
        rule.rule for rule in load_rules()}
    assert "model" not in set(rules_only.removed.rule)


@pytest.mark.slow
@pytest.mark.parametrize("name, text, status", [
    ("huge.txt", "kata " * 900_000, "loaded"),  # one line of 4.5 MB
    ("boilerplate.txt", "Baca juga: Putin ke Pyongyang\nBagikan artikel ini\nLihat juga: Kim ke Moskow\n", "emptied"),
    ("english.txt", "Russian President Vladimir Putin arrived in Pyongyang on Tuesday for a two-day visit, the "
                    "first in twenty-four years, state media reported.\n", "other language"),
])
def test_hostile_pages_give_a_report_row_never_an_exception(tmp_path, capsys, name, text, status):
    folder = tmp_path / "articles"
    folder.mkdir()
    _page(folder, name, text)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    assert main(["report", str(folder)]) == 0
    report = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert status in set(report[report.doc_id == name[:-4]].status)
    assert report.set_index("doc_id").loc["empty", "status"] == "skipped"


def test_an_analyst_can_keep_what_a_rule_or_the_classifier_would_remove(tmp_path, capsys):
    folder = tmp_path / "articles"
    folder.mkdir()
    byline = "Willy Haryono \u2022 29 July 2025 11:55"
    _page(folder, "a.txt", f"Putin Tiba di Pyongyang\n{byline}\n"
          "Presiden Rusia Vladimir Putin tiba di Pyongyang pada Selasa malam untuk kunjungan dua hari.\n"
          "Baca juga: Kim Jong Un ke Moskow\n")
    assert main(["clean", str(folder)]) == 0
    default = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False).text.iloc[0]
    assert main(["clean", str(folder), "--keep", "model", "--keep", "related_link"]) == 0
    kept = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False).text.iloc[0]
    assert "Haryono" not in default and "Baca juga" not in default
    assert "Haryono" in kept and "Baca juga: Kim Jong Un ke Moskow" in kept


def test_keeping_a_rule_that_does_not_exist_is_one_line_and_status_2(tmp_path, capsys):
    _page(tmp_path, "a.txt", "Presiden Rusia Vladimir Putin tiba di Pyongyang pada Selasa malam.\n")
    assert main(["clean", str(tmp_path), "--keep", "modle"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--keep names no rule: modle" in err


FURNITURE = "Redaksi Warta Timur menerima tulisan opini pembaca lewat surel redaksi"
STORIES = [
    "Presiden Rusia Vladimir Putin tiba di Pyongyang pada Selasa malam untuk kunjungan dua hari.",
    "Korea Selatan memanggil duta besar Rusia setelah pakta pertahanan itu diteken di Pyongyang.",
    "Jepang menyatakan keprihatinan atas kerja sama militer Rusia dan Korea Utara pada Rabu.",
    "Amerika Serikat menyebut kunjungan Putin ke Pyongyang sebagai ancaman bagi kawasan.",
    "China meminta semua pihak menahan diri setelah Korea Utara meluncurkan rudal balistik pada Kamis.",
    "Uni Eropa menjatuhkan sanksi baru kepada pejabat Korea Utara yang mengirim amunisi ke Rusia.",
    "Menteri Luar Negeri Rusia Sergei Lavrov bertemu mitranya dari Korea Utara di Wonsan pada Sabtu.",
]


def site_folder(folder, pages: list[tuple[str, str, str]]):
    """A folder of pages, each (outlet, url, extra line after its story), with a metadata.csv naming them."""
    folder.mkdir(exist_ok=True)
    rows = []
    for n, (outlet, url, extra) in enumerate(pages):
        _page(folder, f"{n:03d}.txt", f"{STORIES[n % len(STORIES)]}\n{extra}\n")
        rows.append({"file": f"{n:03d}.txt", "outlet": outlet, "url": url})
    pd.DataFrame(rows).to_csv(folder / "metadata.csv", index=False)
    return load_articles(folder).articles


def _furniture_rules(cleaned) -> dict[str, str]:
    """doc_id -> the rule that removed FURNITURE from it ('' where it stayed)."""
    removed = cleaned.removed[cleaned.removed.text == FURNITURE].set_index("doc_id").rule
    return {doc: removed.get(doc, "") for doc in cleaned.articles.doc_id}


def test_a_line_in_three_articles_of_one_site_is_its_furniture_and_goes_with_its_reason(tmp_path):
    """The site is the metadata's outlet (case and spacing ignored), else the URL's host (without www.)."""
    articles = site_folder(tmp_path / "a", [("Warta Timur", "", FURNITURE), ("warta  timur", "", FURNITURE),
                                            ("WARTA TIMUR", "", FURNITURE),
                                            ("", "https://www.kabarbarat.id/a/1", FURNITURE),
                                            ("", "https://kabarbarat.id/a/2", FURNITURE),
                                            ("", "http://www.kabarbarat.id:8080/a/3", FURNITURE)])
    cleaned = clean(articles)
    assert set(_furniture_rules(cleaned).values()) == {"repeated"} and len(cleaned.articles) == 6
    assert all(story in text for story, text in zip(STORIES, cleaned.articles.text))
    assert "repeated" in set(removed_by_rule(cleaned.removed).rule)
    kept = clean(articles, keep=["repeated"])
    assert all(FURNITURE in text for text in kept.articles.text)  # nothing else removes the line


def test_a_line_in_two_articles_of_a_site_or_shared_across_sites_stays(tmp_path):
    articles = site_folder(tmp_path / "a", [("Warta Timur", "", FURNITURE), ("Warta Timur", "", FURNITURE),
                                            ("Kabar Barat", "", FURNITURE), ("Suara Utara", "", FURNITURE),
                                            ("", "", FURNITURE), ("", "", FURNITURE), ("", "", FURNITURE)])
    assert set(_furniture_rules(clean(articles)).values()) == {""}


def test_an_article_its_site_furniture_would_gut_keeps_its_text_as_the_last_resort(tmp_path):
    """Site furniture is no rule that can be set aside: when it takes most of an article's prose, every removal
    but the title's is undone, and the note says so rather than naming a rule set aside."""
    shared = ["Warga diminta tetap tenang dan mengikuti arahan petugas di lokasi kejadian.",
              "Petugas gabungan masih berjaga di sekitar perbatasan hingga malam ini."]
    folder = tmp_path / "a"
    folder.mkdir()
    for n, story in enumerate(["Seoul memanggil duta besar Korea Utara untuk dimintai penjelasan.",
                               "Tokyo mengirim nota protes resmi setelah rudal jatuh di laut.",
                               "Beijing meminta semua pihak menahan diri dan kembali berunding."]):
        _page(folder, f"{n}.txt", f"Berita Nomor {n}\n{story}\n" + "\n".join(shared) + "\n")
    pd.DataFrame({"file": ["0.txt", "1.txt", "2.txt"], "outlet": ["Warta Timur"] * 3}).to_csv(
        folder / "metadata.csv", index=False)
    cleaned = clean(load_articles(folder).articles, line_model=None)
    assert all(line in text for text in cleaned.articles.text for line in shared)
    assert all(note.startswith("removals undone: ") and "(by repeated)" in note
               and "every removal but the title's was undone" in note and "set aside" not in note
               for note in cleaned.articles.cleaning_note)


def test_a_long_paragraph_an_outlet_reuses_as_background_stays_in_each_story(tmp_path):
    background = ("Korea Utara telah melakukan enam kali uji coba nuklir sejak 2006 dan menjadi sasaran sanksi "
                  "Dewan Keamanan PBB yang melarang ekspor batu bara, tekstil dan makanan laut negara itu.")
    articles = site_folder(tmp_path / "a", [("Warta Timur", "", background)] * 3)
    cleaned = clean(articles)
    assert all(background in text for text in cleaned.articles.text)
    assert "repeated" not in set(cleaned.removed.rule)
