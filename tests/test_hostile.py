"""Hostile and broken input: random and adversarial text never crashes the loader, cleaner, date finder or
stance finder, never loses body text, stays linear in size, and is escaped in every HTML view."""

import os
import re
import time

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from korwatch_utils import clean, load_articles
from korwatch_utils.analyses.analysis import analyse
from korwatch_utils.nlp.ner import MENTION_COLUMNS
from korwatch_utils.views.render import article_diff_html, cue_sentences_html, table_html
from korwatch_utils.analyses.stance import stance_cues
from korwatch_utils.storage.store import Store
from korwatch_utils.analyses.timeline import find_dates

# Words of ordinary news body text: no boilerplate rule can match a paragraph made of them.
BODY_WORDS = ("Presiden pemerintah menyatakan bahwa kerja sama ekonomi kedua negara akan ditingkatkan tahun depan "
              "sementara para menteri bertemu di ibu kota untuk membahas perdagangan pertanian dan energi").split()
HOSTILE = ["<script>alert('x')</script>", "&amp; &lt;b&gt;", "\u202eRTL\u202c", "zero\u200bwidth\u200d",
           "emoji 🇰🇷🚀", "한국어 북한", "Москва", "\x00", "\ufeff", "((((((((((((((((", "\"\"\"\"\"\"", "...... ......"]

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
paragraph = st.lists(st.sampled_from(BODY_WORDS), min_size=8, max_size=30).map(lambda words: " ".join(words) + ".")
hostile_text = st.lists(st.one_of(st.text(max_size=200), st.sampled_from(HOSTILE), paragraph), max_size=12).map(
    "\n".join)


def _articles(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts, "published": [""] * len(texts)})


@SETTINGS
@given(st.binary(max_size=3000))
def test_loader_reports_any_bytes(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "x.txt").write_bytes(data)
    result = load_articles(folder)
    assert len(result.report) == 1 and result.report.status.iloc[0] in {"loaded", "skipped"}


@SETTINGS
@given(hostile_text)
def test_cleaner_never_raises_on_anything(text):
    cleaned = clean(_articles_raw([text]))
    assert len(cleaned.articles) == 1


@SETTINGS
@given(st.lists(paragraph, min_size=1, max_size=8), st.lists(st.sampled_from(HOSTILE), max_size=4))
def test_cleaner_keeps_every_body_paragraph(paragraphs, noise):
    text = "\n\n".join(["Judul Berita Hari Ini", *noise, *paragraphs])
    cleaned = clean(_articles_raw([text])).articles.text.iloc[0]
    for body in paragraphs[1:]:  # the first paragraph may read as a lead; every later one must survive whole
        assert body in cleaned


@SETTINGS
@given(hostile_text)
def test_date_finder_never_raises_and_spans_fit(text):
    dates = find_dates(_articles([text]))
    for row in dates.itertuples(index=False):
        assert 0 <= row.start_char < row.end_char <= len(text)
        assert row.date == "" or (len(row.date) == 10 and row.date[4] == "-")


@SETTINGS
@given(hostile_text, st.lists(st.tuples(st.integers(0, 400), st.integers(1, 30)), max_size=5))
def test_stance_finder_never_raises(text, spans):
    rows = [["d0", 0, start, min(len(text), start + size), text[start:start + size], "PER", text[start:start + size], ""]
            for start, size in sorted(spans) if start < len(text)]
    mentions = pd.DataFrame(rows, columns=MENTION_COLUMNS).drop_duplicates("start_char")
    mentions = mentions[mentions.start_char >= mentions.end_char.shift(fill_value=0)]  # no overlaps, as the tagger gives
    sentences = pd.DataFrame([["d0", 0, 0, len(text), text]], columns=["doc_id", "sent_id", "start_char", "end_char", "text"])
    cues = stance_cues(_articles([text]), mentions, sentences)
    assert all(text[s:e] == cue for s, e, cue in zip(cues.start_char, cues.end_char, cues.cue))


def _articles_raw(texts: list[str]) -> pd.DataFrame:
    """An articles table as load_articles gives it, for texts that never touched a disk."""
    frame = load_articles([]).articles
    rows = [{**{column: "" for column in frame.columns}, "doc_id": f"d{i}", "raw_text": text, "text": text,
             "n_chars": len(text), "published_source": "unknown"} for i, text in enumerate(texts)]
    return pd.DataFrame(rows, columns=frame.columns).astype({"n_chars": "int64"})


def _seconds(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


@pytest.mark.slow
@pytest.mark.parametrize("step", ["clean", "dates", "stance"])
def test_work_grows_linearly_with_input_size(seeds_cleaned, step):
    """A 4x bigger article must cost about 4x, not 16x: no regex that backtracks catastrophically.

    The input mixes real body text with the adversarial shapes that trip regexes
    (long runs of brackets, quotes, dots, digits and slashes, a line with no breaks).
    """
    body = "\n\n".join(seeds_cleaned.articles.text)
    nasty = ("(" * 300 + '"' * 300 + "." * 300 + "1/" * 300 + " Baca juga" * 50 + " 12 Juni " * 50
             + " Rusia mengecam Korea Utara," * 300 + " rapat digelar hari Senin, 13/6," * 300)  # one endless sentence
    unit = body + "\n\n" + nasty + "\n\n" + body.replace("\n", " ")  # about 30 kB

    def run(text):
        if step == "clean":
            clean(_articles_raw([text]))
        elif step == "dates":
            # one line (a page whose breaks were lost); a new text each time: scan() caches by text
            find_dates(_articles([text.replace("\n", " ") + f" {len(text)}"]))
        else:  # one sentence, with the actors the tagger would find: a cue must not read every mention
            sentences = pd.DataFrame([["d0", 0, 0, len(text), text]],
                                     columns=["doc_id", "sent_id", "start_char", "end_char", "text"])
            mentions = pd.DataFrame([["d0", 0, m.start(), m.end(), m.group(), "LOC", m.group(), ""]
                                     for m in re.finditer(r"Rusia|Korea Utara|Korea Selatan|Amerika Serikat", text)],
                                    columns=MENTION_COLUMNS)
            stance_cues(_articles([text]), mentions, sentences)

    small, large = unit * 4, unit * 16  # ~120 kB and ~480 kB
    run(unit)  # warm caches and lazy imports
    ratio = min(_seconds(run, large) for _ in range(2)) / max(min(_seconds(run, small) for _ in range(2)), 1e-3)
    assert ratio < 9, f"{step}: 4x the input took {ratio:.1f}x the time"


HOSTILE_ARTICLE = ("Judul <script>alert('judul')</script>\n\n"
                   "Presiden Rusia Vladimir Putin mengecam <b>NATO</b> &amp; \u202eRTL\u202c di Pyongyang "
                   "pada Kamis (13 Juni). <script>alert('x')</script> 🇰🇷 한국어 zero\u200bwidth.\n\n"
                   "Korea Utara membantah <img src=x onerror=alert(1)> tuduhan itu pada hari Jumat.\n")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "a.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    cleaned = clean(load_articles(folder).articles)
    return folder, cleaned, analyse(cleaned.articles)


def _assert_escaped(html: str) -> None:
    for raw in ("<script", "<img src=x", "<b>NATO"):
        assert raw not in html, f"unescaped {raw!r}"


def test_every_html_view_escapes_article_text(hostile_run):
    from korwatch_utils.analyses.entities import entity_totals, entity_table
    from korwatch_utils.views.report import html_report
    from korwatch_utils.views.widgets import CueExplorer, EntityExplorer, TimelineExplorer, article_viewer

    folder, cleaned, analysis = hostile_run
    views = {
        "article viewer": article_diff_html("a", cleaned),
        "viewer widget": article_viewer(cleaned).children[1].value,
        "table": table_html(cleaned.articles[["title", "text"]]),
        "cue sentences": cue_sentences_html(analysis.cues),
        "entity explorer": EntityExplorer(analysis.mentions).table.value,
        "cue explorer": CueExplorer(analysis.cues).sentences.value,
        "timeline explorer": TimelineExplorer(analysis.events).table.value,
        "report": html_report(str(folder), load_articles(folder).report, cleaned, analysis),
        "totals": table_html(entity_totals(entity_table(analysis.mentions))),
    }
    for name, html in views.items():
        _assert_escaped(html)
    assert "&lt;script&gt;" in views["article viewer"] and "&lt;script&gt;" in views["report"]
    assert "한국어" in views["article viewer"] and "🇰🇷" in views["article viewer"]
    assert len(analysis.cues) and "&lt;b&gt;" in views["cue sentences"]


def test_a_folder_of_broken_things_still_runs(tmp_path, seeds_dir, monkeypatch):
    """A run over a folder with an unreadable file, a directory named like an article, a symlink loop and a
    file that vanishes mid-run completes, and the load report says what happened to each."""
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text((seeds_dir / "003_2cf6b44c30c56885.txt").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (folder / "locked.txt").write_text("Rahasia", encoding="utf-8")
    (folder / "folder.txt").mkdir()  # a directory named like an article: walked, its files are articles
    (folder / "folder.txt" / "inside.txt").write_text("Menteri Luar Negeri Rusia Sergei Lavrov tiba di Seoul.",
                                                     encoding="utf-8")
    os.symlink(folder, folder / "loop")
    (folder / "vanishing.txt").write_text("Sebentar lagi hilang.", encoding="utf-8")

    from korwatch_utils.input import articles

    real_read = articles.Path.read_bytes

    def flaky_read(path):  # noqa: the signature of Path.read_bytes
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied")  # root ignores chmod, so refuse here
        if path.name == "vanishing.txt":
            path.unlink()
        return real_read(path)

    monkeypatch.setattr(articles.Path, "read_bytes", flaky_read)
    store = Store(tmp_path / "k.duckdb")
    report = store.sync(folder, progress=False)
    assert sorted(report.new) == ["good", "inside"]
    reasons = store.table("load_report").set_index("path")
    by_name = {os.path.basename(path): (row.status, row.reason) for path, row in reasons.iterrows()}
    assert by_name["good.txt"][0] == "loaded"
    assert by_name["locked.txt"][0] == "skipped" and "ermission" in by_name["locked.txt"][1]
    assert by_name["inside.txt"][0] == "loaded"
    assert by_name["loop"][0] == "skipped"
    assert by_name["vanishing.txt"] == ("skipped", "file vanished before it could be read")
    assert len(store.tables().mentions)
