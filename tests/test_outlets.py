"""Outlets: one name per outlet, figures that add up to the entity, stance and quote tables, intervals checked
against known answers, and a fair comparison over shared periods."""

import io
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from korwatch_utils.analyses.attribution import quotes
from korwatch_utils.analyses.entities import entity_table, filter_entities
from korwatch_utils.analyses.outlets import (
    MIN_ARTICLES, NO_OUTLET, UNDATED, article_outlets, busiest_outlets, compare_outlets, outlet_attention, outlet_stance,
    outlet_summary, outlet_voices, wilson,
)
from korwatch_utils.analyses.stance import stance_matrix
from korwatch_utils.cli import main
from korwatch_utils.text.outlets import outlet_name


def _articles(rows):
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "url"])


def _references(doc_ids, day="2024-06-19"):
    return pd.DataFrame({"doc_id": doc_ids, "reference": day, "ambiguous": False})


def test_spellings_hosts_and_credits_of_one_outlet_are_one_row():
    assert {outlet_name("Kompas com", ""), outlet_name("", "https://internasional.kompas.com/read/1"),
            outlet_name("KOMPAS.COM", ""), outlet_name("", "https://www.kompas.com/a")} == {"Kompas.com"}
    articles = _articles([("a", "Warta Timur", ""), ("b", "warta  timur", ""), ("c", "WARTA TIMUR", ""),
                          ("d", "warta timur", ""), ("e", "", "https://news.detik.com/x"), ("f", "", "")])
    found = article_outlets(articles, _references(list("abcdef")), freq="all")
    assert found.set_index("doc_id")["outlet"].to_dict() == {
        "a": "warta timur", "b": "warta timur", "c": "warta timur", "d": "warta timur", "e": "detikcom",
        "f": NO_OUTLET}  # an outlet the table does not know goes by its commonest spelling


def test_an_analysts_outlets_file_names_an_outlet(tmp_path):
    from korwatch_utils.text.outlets import outlet_aliases

    (tmp_path / "outlets.csv").write_text("alias,outlet\nwartatimur.id,Warta Timur\n", encoding="utf-8")
    aliases = outlet_aliases(tmp_path / "outlets.csv")
    assert outlet_name("", "https://berita.wartatimur.id/1", aliases) == "Warta Timur"
    assert outlet_name("Antara News", "", aliases) == "Antara"  # the shipped table still holds


def test_wilson_intervals_match_known_answers():
    low, high = wilson([5, 0, 10], [10, 10, 10])
    assert np.allclose(low, [0.2366, 0.0, 0.7225], atol=5e-5)
    assert np.allclose(high, [0.7634, 0.2775, 1.0], atol=5e-5)


def test_the_difference_of_two_outlets_has_newcombes_interval_over_shared_periods_only():
    """Newcombe (1998), example (a): 56/70 against 48/80, difference 0.2000, 95 % interval 0.0524 to 0.3339. The
    counts of a period only one outlet covered are left out."""
    outlets = pd.DataFrame({"doc_id": ["a1", "a2", "b1", "b2"], "outlet": ["A", "A", "B", "B"],
                            "period": ["2024-05", "2024-06", "2024-06", "2024-07"]})
    attention = pd.DataFrame({
        "outlet": ["A", "A", "A", "B", "B", "B"], "period": ["2024-06", "2024-06", "2024-05", "2024-06", "2024-06",
                                                             "2024-07"],
        "entity": ["Rusia", "Korea Utara", "Rusia", "Rusia", "Korea Utara", "Rusia"],
        "mentions": [56, 14, 500, 48, 32, 900], "outlet_mentions": [70, 70, 500, 80, 80, 900]})
    table = compare_outlets(attention, outlets, "A", "B").set_index("entity")
    assert table.loc["Rusia", ["mentions_a", "mentions_b", "shared_periods"]].tolist() == [56, 48, 1]
    assert table.loc["Rusia", "difference"] == pytest.approx(0.2)
    assert table.loc["Rusia", "difference_low"] == pytest.approx(0.0524, abs=5e-4)
    assert table.loc["Rusia", "difference_high"] == pytest.approx(0.3339, abs=5e-4)
    assert table.loc["Rusia", "clear"] and table.loc["Korea Utara", "clear"]
    outlets.loc[outlets.doc_id == "b1", "period"] = "2024-08"  # no period in common any more
    assert compare_outlets(attention, outlets, "A", "B").empty


INDOSUM = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "articles" / "indosum-dev"


@pytest.fixture(scope="module", params=["seeds", pytest.param("news", marks=pytest.mark.slow)])
def folder_tables(request, tmp_path_factory, seeds_dir):
    """The seeds, and 40 IndoSum news articles given outlets through metadata.csv and URLs."""
    from korwatch_utils.storage.store import Store

    folder = seeds_dir
    if request.param == "news":
        folder = tmp_path_factory.mktemp("news")
        files = sorted(INDOSUM.glob("*.txt"))[:40]
        if not files:
            pytest.skip(f"no IndoSum articles at {INDOSUM}")
        rows = []
        for number, path in enumerate(files):
            shutil.copy(path, folder / path.name)
            outlet, url = [("Kompas com", ""), ("", "https://news.detik.com/x"), ("ANTARA News", ""), ("", "")][number % 4]
            rows.append({"file": path.name, "outlet": outlet, "url": url})
        pd.DataFrame(rows).to_csv(folder / "metadata.csv", index=False)
    store = Store(tmp_path_factory.mktemp("store") / "k.duckdb")
    store.sync(folder, progress=False, workers=1)
    return store.cleaned().articles, store.tables()


@pytest.mark.parametrize("freq", ["month", "week", "all"])
def test_every_outlet_figure_adds_up_to_the_entity_stance_and_quote_tables(folder_tables, freq):
    articles, tables = folder_tables
    outlets = article_outlets(articles, tables.references, freq=freq)
    entities = entity_table(tables.mentions)
    attention = outlet_attention(outlets, entities)
    totals = filter_entities(tables.mentions).groupby("entity")["mentions"].sum()
    assert attention.groupby("entity")["mentions"].sum().sort_index().equals(totals.sort_index())
    assert (attention.share.between(attention.share_low, attention.share_high)).all()
    shares = attention.groupby(["outlet", "period"])["share"].sum()
    assert np.allclose(shares, 1.0)
    voices = outlet_voices(outlets, tables.cues)
    spoken = tables.cues[tables.cues.speaker != ""]
    assert voices.groupby("speaker")["statements"].sum().sort_index().equals(spoken.groupby("speaker").size().sort_index())
    assert voices["direct"].sum() == (spoken.kind == "direct").sum()
    said = quotes(tables.cues, articles)
    assert voices["direct"].sum() == ((said.kind == "direct") & (said.speaker != "")).sum()  # the quote table's
    stance = outlet_stance(outlets, tables.cues).groupby(["speaker", "target"])[["negative", "positive"]].sum()
    matrix = stance_matrix(tables.cues).set_index(["speaker", "target"])[["negative", "positive"]]
    matrix = matrix[(matrix.negative + matrix.positive) > 0]
    assert stance.sort_index().equals(matrix.sort_index())
    summary = outlet_summary(outlets, entities, tables.cues)
    assert summary.articles.sum() == len(articles) and summary.statements.sum() == len(tables.cues)
    assert summary.mentions.sum() == totals.sum()
    assert summary.few_articles.tolist() == (summary.articles < MIN_ARTICLES).tolist()


def test_outlets_on_a_folder_without_outlet_information_says_so_in_one_line(tmp_path, capsys):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Presiden Rusia Vladimir Putin tiba di Pyongyang pada Selasa malam.\n",
                                  encoding="utf-8")
    (folder / "b.txt").write_text("Korea Selatan mengecam kunjungan Putin ke Pyongyang.\n", encoding="utf-8")
    assert main(["outlets", str(folder), "--workers", "1", "--table", "attention", "--freq", "all"]) == 0
    out, err = capsys.readouterr()
    said = [line for line in err.splitlines() if not line.startswith("store ")]
    assert said == [f"no article names its outlet (metadata, URL or dateline credit): counted under '{NO_OUTLET}'"]
    rows = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert set(rows.outlet) == {NO_OUTLET} and "Vladimir Putin" in set(rows.entity)
    assert main(["outlets", str(folder), "--compare", "Kompas.com", "Antara"]) == 2
    assert "no outlet 'Kompas.com', 'Antara'" in capsys.readouterr().err
    assert main(["outlets", str(folder), "--outlets", str(tmp_path / "typo.csv")]) == 2
    assert capsys.readouterr().err == f"korwatch: error: --outlets {tmp_path / 'typo.csv'}: no such file\n"


def test_undated_articles_keep_their_outlet_under_an_undated_period():
    found = article_outlets(_articles([("a", "Antara", ""), ("b", "Antara", "")]),
                            pd.DataFrame({"doc_id": ["a", "b"], "reference": ["2024-06-19", ""],
                                          "ambiguous": [False, False]}))
    assert found.period.tolist() == ["2024-06", UNDATED]


def test_the_busiest_outlets_are_named_ones_with_most_articles_ties_alphabetical():
    outlets = pd.DataFrame({"doc_id": list("abcdefg"), "period": "all",
                            "outlet": [NO_OUTLET, NO_OUTLET, NO_OUTLET, "Tempo", "Antara", "Antara", "Kompas.com"]})
    assert busiest_outlets(outlets) == ["Antara", "Kompas.com"]
    assert busiest_outlets(outlets, 4) == ["Antara", "Kompas.com", "Tempo", NO_OUTLET]
