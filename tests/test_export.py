"""Event export: the mapping file covers every category from the codebooks, and exported events follow it."""

import io
import re
import json

import pandas as pd
import pytest

from korwatch_utils.cli import main
from korwatch_utils.analyses.export import EVENT_FIELDS, coded_events, event_codes, event_type
from korwatch_utils.analyses.stance import CATEGORIES

PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "unmapped"}


def test_the_mapping_covers_every_category_once_with_a_note():
    codes = event_codes()
    assert sorted(codes.category) == sorted(CATEGORIES) and codes.category.is_unique
    assert set(codes.plover_event) <= PLOVER_TYPES and (codes.note.str.len() > 20).all()
    cameo = codes[codes.cameo_code != ""]
    assert cameo.cameo_code.str.fullmatch(r"\d{3,4}").all()
    assert codes.set_index("category").loc["hedge", ["plover_event", "cameo_code"]].tolist() == ["unmapped", ""]


@pytest.mark.parametrize("category", CATEGORIES)
def test_event_types_follow_the_mapping(category):
    row = event_codes().set_index("category").loc[category]
    assert event_type(category, "plover") == row.plover_event
    assert event_type(category, "cameo") == (row.cameo_code[:2] if row.cameo_code else "unmapped")


def test_coded_events_take_the_sentence_date_else_the_reference_and_code_countries():
    cues = pd.DataFrame([
        ["a", 0, "Korut", "mengecam", "condemn", "negative", "Korea Selatan", "", "s0", 10],
        ["a", 1, "", "dikabarkan", "claim", "neutral", "", "", "s1", 40],
        ["a", 2, "Rusia", "mendukung", "support", "positive", "", "", "s2", 70],
    ], columns=["doc_id", "sent_id", "speaker", "cue", "category", "polarity", "target", "quote", "sentence",
                "start_char"])
    events = pd.DataFrame([["a", 0, "2024-06-19", False]], columns=["doc_id", "sent_id", "date", "ambiguous"])
    references = pd.DataFrame([["a", "2024-06-20", True]], columns=["doc_id", "reference", "ambiguous"])
    articles = pd.DataFrame([["a", "", "https://www.antaranews.com/a"]], columns=["doc_id", "outlet", "url"])
    coded = coded_events(cues, events, references, articles, "plover")
    assert list(coded.columns) == EVENT_FIELDS and len(coded) == 2  # the cue with neither actor is left out
    first, second = coded.to_dict("records")
    assert (first["date"], first["date_ambiguous"], first["event_type"]) == ("2024-06-19", False, "ACCUSE")
    assert (first["source_code"], first["target_code"], first["url"]) == ("PRK", "KOR", "https://www.antaranews.com/a")
    assert first["outlet"] == "Antara"  # from the URL's host
    assert (second["date"], second["date_ambiguous"], second["event_id"]) == ("2024-06-20", True, "a:70")


def test_cli_events_export_writes_valid_json_lines(capsys, seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path))
    assert main(["events-export", str(seeds_dir), "--format", "cameo"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and all(list(event) == EVENT_FIELDS for event in lines)
    assert all(event["event_type"] == event_type(event["category"], "cameo") for event in lines)
    assert main(["events-export", str(seeds_dir), "--csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert len(table) == len(lines) and set(table.event_type) <= {*event_codes().plover_event}


def test_the_report_shows_attention_over_time(seeds_cleaned, tmp_path, monkeypatch):
    from korwatch_utils.analyses.analysis import analyse
    from korwatch_utils.input.articles import load_articles
    from korwatch_utils.views.report import html_report

    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path))
    analysis = analyse(seeds_cleaned.articles)
    page = html_report("seeds", load_articles(tmp_path).report, seeds_cleaned, analysis)
    section = page[page.index("<h2>Attention over time</h2>"):]
    assert "<img" in section[:2000] and "2024-06" in section


def test_the_report_says_in_words_and_a_titled_table_what_was_loaded(seeds_cleaned, tmp_path, monkeypatch, capsys):
    from korwatch_utils.analyses.analysis import analyse
    from korwatch_utils.input.articles import load_articles
    from korwatch_utils.views.report import html_report

    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Presiden Rusia Vladimir Putin tiba di Pyongyang.", encoding="utf-8")
    (folder / "b.pdf").write_bytes(b"%PDF-1.4")
    (folder / "metadata.csv").write_text("file,published\na.txt,kemarin dulu <b>\n", encoding="utf-8")
    load_report = load_articles(folder).report
    page = html_report(str(folder), load_report, seeds_cleaned, analyse(seeds_cleaned.articles))
    section = page[page.index("<h2>What was loaded</h2>"):page.index("<h2>Articles</h2>")]
    assert "1 file loaded as articles; 1 skipped (reasons below); 1 metadata value could not be used" in section
    assert "<h3>Files skipped, metadata not used, articles cleaning noted</h3>" in section
    assert "unsupported file type" in section and "kemarin dulu &lt;b&gt;" in section and "{'" not in page
    assert page.count("<table") == page.count("<h3>")  # every table has a title
    assert not re.search(r"(?:src|href)=.?https?:|<link|<script|@import", page)  # nothing to fetch: works offline
    # `korwatch report` writes the same rows.
    assert main(["report", str(folder)]) == 0
    written = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert sorted(written[["status", "field", "value"]].values.tolist()) == sorted(
        load_report[["status", "field", "value"]].values.tolist())


def test_the_report_has_an_outlets_section_with_escaped_names(tmp_path, monkeypatch):
    from korwatch_utils.analyses.analysis import analyse
    from korwatch_utils.input.articles import load_articles
    from korwatch_utils.text.cleaning import clean
    from korwatch_utils.views.report import html_report

    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Presiden Rusia Vladimir Putin tiba di Pyongyang pada Selasa malam.\n",
                                  encoding="utf-8")
    (folder / "b.txt").write_text("Korea Selatan mengecam kunjungan Putin ke Pyongyang.\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("file,outlet,url\na.txt,<b>Warta</b>,\nb.txt,,https://www.antaranews.com/x\n",
                                         encoding="utf-8")
    loaded = load_articles(folder)
    cleaned = clean(loaded.articles)
    page = html_report(str(folder), loaded.report, cleaned, analyse(cleaned.articles))
    section = page[page.index("<h2>Outlets</h2>"):page.index("<h2>Timeline</h2>")]
    assert "Antara" in section and "&lt;b&gt;Warta&lt;/b&gt;" in section and "<b>Warta" not in section
    assert "<img" in section and "few_articles" in section


def test_the_report_of_articles_that_name_no_entity_says_so_without_failing(seeds_cleaned, tmp_path, monkeypatch):
    from korwatch_utils.analyses.analysis import analyse
    from korwatch_utils.input.articles import load_articles
    from korwatch_utils.views.report import html_report

    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path))
    analysis = analyse(seeds_cleaned.articles)
    nameless = analysis._replace(mentions=analysis.mentions.iloc[:0], cues=analysis.cues.iloc[:0])
    page = html_report("seeds", load_articles(tmp_path).report, seeds_cleaned, nameless)
    assert "<h2>Attention over time</h2>" in page and page.endswith("</html>")


def test_events_export_names_outlets_as_the_outlets_command_does_with_the_folders_table(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "berita"
    folder.mkdir()
    (folder / "a.txt").write_text("Presiden Korea Selatan Yoon Suk Yeol mengecam Korea Utara atas peluncuran rudal "
                                  "itu pada Selasa.\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("file,published,outlet\na.txt,2024-06-18,KMP\n", encoding="utf-8")
    (folder / "outlets.csv").write_text("alias,outlet\nKMP,Kompas.com\n", encoding="utf-8")
    assert main(["events-export", str(folder), "--csv", "--workers", "1"]) == 0
    events = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert len(events) and set(events.outlet) == {"Kompas.com"}
    assert main(["outlets", str(folder), "--freq", "all"]) == 0
    assert set(pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False).outlet) == {"Kompas.com"}
