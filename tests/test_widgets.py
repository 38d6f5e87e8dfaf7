"""Widgets and HTML views, driven from code without a browser."""

import ipywidgets as widgets
import pytest
import pandas as pd

from korwatch_utils import clean, load_articles
from korwatch_utils.nlp.ner import MENTION_COLUMNS
from korwatch_utils.views.plots import timeline_chart
from korwatch_utils.views.render import article_diff_html
from korwatch_utils.analyses.stance import stance_cues
from korwatch_utils.analyses.timeline import timeline
from korwatch_utils.analyses.attribution import attribute
from korwatch_utils.views.widgets import CueExplorer, EntityExplorer, TimelineExplorer, article_viewer


def test_picking_an_article_redraws_the_pane(seeds_cleaned):
    viewer = article_viewer(seeds_cleaned)
    picker, pane = viewer.children
    assert isinstance(picker, widgets.Dropdown) and picker.value == "000_123b081560ab25d8"
    assert "Ren Hao" in pane.value and "byline" in pane.value
    picker.value = "004_4a20ed6e27fda8e6"
    assert "Wonderful web site" in pane.value and "Ren Hao" not in pane.value


def test_article_text_is_escaped(tmp_path):
    hostile = "<script>alert('x')</script> Putin &amp; Kim bertemu di Pyongyang pada hari Rabu. <b>tebal</b>\n"
    (tmp_path / "h.txt").write_text("Judul <i>miring</i>\n" + hostile + "[iklan_1]\n", encoding="utf-8")
    cleaned = clean(load_articles(tmp_path).articles)
    html = article_diff_html("h", cleaned)
    assert "<script>" not in html and "<b>tebal" not in html and "<i>miring" not in html
    assert "&lt;script&gt;" in html and "&amp;amp;" in html


def _bar_labels(explorer) -> list[str]:
    return [label.get_text() for label in explorer.figure.axes[0].get_yticklabels()][::-1]


def test_entity_explorer_filters_redraw_table_and_chart(seeds_mentions):
    explorer = EntityExplorer(seeds_mentions, top_n=10)
    everything = explorer.totals
    assert set(everything.type) == {"PER", "ORG", "LOC"}
    assert _bar_labels(explorer) == list(everything.entity.head(10))

    explorer.types.value = ("PER",)
    assert set(explorer.totals.type) == {"PER"} and "Vladimir Putin" in explorer.totals.entity.values
    assert _bar_labels(explorer) == list(explorer.totals.entity.head(10))
    assert "Korea Utara" not in explorer.table.value and "Vladimir Putin" in explorer.table.value

    explorer.min_mentions.value = 10
    assert set(explorer.totals.entity) == {"Vladimir Putin", "Kim Jong Un"}

    explorer.types.value = ("PER", "ORG", "LOC")
    explorer.min_mentions.value = 1
    explorer.articles.value = ("002_0e14fa672863eebd",)
    assert explorer.totals.articles.max() == 1 and "Yoon Suk Yeol" in explorer.totals.entity.values
    assert "Adrienne Watson" not in explorer.totals.entity.values  # only in seed 003

    explorer.search.value = "yun"
    assert explorer.totals.entity.tolist() == []  # canonical name is Yoon Suk Yeol
    explorer.merge.value = False
    assert set(explorer.totals.entity) == {"Yun Suk Yeol", "Yun"}  # names as written
    assert "none match" not in explorer.figure.axes[0].get_title()


def test_entity_explorer_table_escapes_names():
    hostile = pd.DataFrame([["a", 0, 0, 20, "<script>x</script>", "PER", "<script>x</script>", ""]],
                           columns=MENTION_COLUMNS)
    explorer = EntityExplorer(hostile)
    assert "<script>" not in explorer.table.value and "&lt;script&gt;" in explorer.table.value


def test_cue_explorer_filters_table_and_sentences(seeds_cleaned, seeds_annotations, seeds_mentions):
    cues = attribute(stance_cues(seeds_cleaned.articles, seeds_mentions, seeds_annotations.sentences),
                     seeds_cleaned.articles, seeds_mentions, seeds_annotations.sentences, min_confidence=0.0)
    explorer = CueExplorer(cues)
    assert len(explorer.cues) == len(cues) and "Washington" in explorer.speakers.options
    explorer.speakers.value = ("Washington",)
    assert set(explorer.cues.speaker) == {"Washington"} and "menuduh" in explorer.sentences.value
    assert "Gedung Putih" not in explorer.table.value
    explorer.speakers.value = ()
    explorer.categories.value = ("warn",)
    assert set(explorer.cues.category) == {"warn"} and len(explorer.cues) >= 3
    warned = explorer.cues.loc[explorer.cues.target != "", "target"].iloc[0]
    explorer.targets.value = (warned,)
    assert set(explorer.cues.target) == {warned} and set(explorer.cues.category) == {"warn"}
    assert f'<span class="kw-cue">{explorer.cues.cue.iloc[0]}</span>' in explorer.sentences.value
    explorer.targets.value, explorer.categories.value = (), ()
    explorer.kinds.value = ("indirect",)
    assert set(explorer.cues.kind) == {"indirect"} and len(explorer.cues) < len(cues)
    explorer.kinds.value = ()
    explorer.min_confidence.value = 0.8
    assert len(explorer.cues) == (cues.confidence >= 0.8).sum() and "confidence" in explorer.table.value


def test_timeline_explorer_filters_entities_and_dates(seeds_cleaned, seeds_annotations, seeds_mentions):
    cues = stance_cues(seeds_cleaned.articles, seeds_mentions, seeds_annotations.sentences)
    events = timeline(seeds_cleaned.articles, seeds_mentions, cues, seeds_annotations.sentences)
    explorer = TimelineExplorer(events)
    assert len(explorer.figure.axes) >= 3  # the axis breaks: 1961, 2000, 2018 and 2022-2024 get their own panels
    assert (events.date == "").any() and len(explorer.events) == len(events)  # undated too, until dates are chosen
    explorer.entities.value = ("Kim Jong Un",)
    assert len(explorer.events) and all("Kim Jong Un" in names for names in explorer.events.entities)
    explorer.entities.value = ()
    june = [day for day in explorer.dates.options if "2024-06-01" <= day <= "2024-06-30"]
    explorer.dates.value = (june[0], june[-1])
    assert explorer.events.date.min() >= june[0] and explorer.events.date.max() <= june[-1]
    assert len(explorer.figure.axes) == 1  # one cluster of dates left, one panel
    assert "1961" not in explorer.table.value and "19 dan 20 Juni" in explorer.table.value


def test_timeline_explorer_table_shows_its_first_rows_and_says_how_many_events_there_are(
        seeds_cleaned, seeds_annotations, seeds_mentions):
    cues = stance_cues(seeds_cleaned.articles, seeds_mentions, seeds_annotations.sentences)
    events = timeline(seeds_cleaned.articles, seeds_mentions, cues, seeds_annotations.sentences)
    whole = TimelineExplorer(events)
    assert len(whole.events) > 3
    assert "shown</p>" not in whole.table.value and whole.table.value.count("</tr>") == 1 + len(whole.events)
    explorer = TimelineExplorer(events, limit=3)
    assert explorer.table.value.count("</tr>") == 1 + 3  # the header and three events
    assert f"{len(whole.events):,} events; the first 3 shown" in explorer.table.value
    assert explorer.events.equals(whole.events)  # only the table is cut, not what the explorer selected


def test_timeline_chart_draws_marks_that_fall_on_one_another_once(seeds_cleaned, seeds_annotations, seeds_mentions):
    cues = stance_cues(seeds_cleaned.articles, seeds_mentions, seeds_annotations.sentences)
    events = timeline(seeds_cleaned.articles, seeds_mentions, cues, seeds_annotations.sentences)
    dated = events[events.date != ""]

    def marks(figure):
        return sum(len(c.get_offsets()) for ax in figure.axes for c in ax.collections if c.get_gid() in ("dated", "ambiguous"))

    assert marks(timeline_chart(pd.concat([dated, dated, dated], ignore_index=True))) == marks(timeline_chart(dated))


def test_timeline_chart_of_many_articles_puts_each_event_on_the_row_of_its_first_common_entity():
    events = pd.DataFrame({"doc_id": [f"a{i}" for i in range(30)], "date": ["2024-06-01"] * 30, "end": [""] * 30,
                           "planned": [False] * 30, "ambiguous": [False] * 30,
                           "entities": [["Seoul", "Pyongyang"] if i % 3 else ["Pyongyang"] for i in range(30)]})
    figure = timeline_chart(events, max_rows=1)  # 30 articles: rows are entities, here the one named most
    assert [label.get_text() for label in figure.axes[0].get_yticklabels()] == ["Pyongyang"]
    nobody = timeline_chart(events.assign(entities=[[] for _ in range(30)]), max_rows=1)
    assert nobody.axes[0].get_title() == "no dated event names an entity"


def test_trends_explorer_filters_entities_type_frequency_and_periods(seeds_cleaned, seeds_annotations, seeds_mentions):
    from korwatch_utils.analyses.timeline import reference_dates
    from korwatch_utils.views.widgets import TrendsExplorer

    cues = stance_cues(seeds_cleaned.articles, seeds_mentions, seeds_annotations.sentences)
    explorer = TrendsExplorer(seeds_mentions, cues, reference_dates(seeds_cleaned.articles))
    everything = explorer.table.copy()
    assert len(everything) and set(everything.period) == {"2024-06", "2024-10"}
    explorer.kind.value = "PER"
    assert set(explorer.table.type) == {"PER"} and len(explorer.table) < len(everything)
    explorer.kind.value = ""
    explorer.entities.value = ("Korea Utara",)
    assert set(explorer.table.entity) == {"Korea Utara"}
    explorer.freq.value = "week"
    assert all("-W" in period for period in explorer.table.period) and explorer.periods.options[0].startswith("2024-W")
    explorer.periods.index = (0, 0)
    assert set(explorer.table.period) == {explorer.periods.options[0]}


def test_trends_explorer_over_articles_with_no_date_shows_an_empty_table(seeds_cleaned, seeds_mentions):
    from korwatch_utils.analyses.timeline import reference_dates
    from korwatch_utils.views.widgets import TrendsExplorer

    undated = reference_dates(seeds_cleaned.articles).assign(reference="")
    no_cues = pd.DataFrame(columns=["doc_id", "speaker", "target", "polarity"], dtype=str)
    explorer = TrendsExplorer(seeds_mentions, no_cues, undated)
    assert explorer.table.empty


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory, seeds_dir):
    from korwatch_utils.storage.store import Store

    store = Store(tmp_path_factory.mktemp("store") / "k.duckdb")
    store.sync(seeds_dir, progress=False, workers=1)
    return store


def test_explorers_over_a_store_show_what_they_show_over_its_tables(seeds_store):
    """The store-backed explorers (each change a database query) give the rows of the in-memory ones."""
    from korwatch_utils.views.widgets import TrendsExplorer

    tables = seeds_store.tables()
    pairs = [(EntityExplorer(store=seeds_store), EntityExplorer(tables.mentions))]
    for explorer in (explorer for pair in pairs for explorer in pair):
        explorer.types.value = ("PER", "LOC")
        explorer.articles.value = explorer.articles.options[1:3]
        explorer.search.value = "kor"
    by_store, in_memory = pairs[0]
    assert len(by_store.totals) and by_store.articles.options == in_memory.articles.options
    pd.testing.assert_frame_equal(by_store.totals, in_memory.totals, check_dtype=False)
    trends_by_store = TrendsExplorer(store=seeds_store)
    trends_in_memory = TrendsExplorer(tables.mentions, tables.cues, tables.references)
    assert trends_by_store.entities.options == trends_in_memory.entities.options
    for explorer in (trends_by_store, trends_in_memory):
        explorer.freq.value = "week"
        explorer.kind.value = "LOC"
    assert len(trends_by_store.table)
    pd.testing.assert_frame_equal(trends_by_store.table, trends_in_memory.table, check_dtype=False)


def test_outlet_explorer_redraws_for_outlets_entity_frequency_and_the_compared_pair(seeds_store):
    from korwatch_utils.analyses.entities import entity_table
    from korwatch_utils.views.widgets import OutletExplorer

    tables = seeds_store.tables()
    explorer = OutletExplorer(seeds_store.cleaned().articles, tables.references, entity_table(tables.mentions),
                              tables.cues)
    assert {"NTD", "Media Indonesia", "(no outlet)"} <= set(explorer.outlets.options)
    assert set(explorer.table.entity) == {explorer.entity.value} and len(explorer.table)
    explorer.entity.value = "Vladimir Putin"
    assert set(explorer.table.entity) == {"Vladimir Putin"}
    explorer.outlets.value = ("NTD",)
    assert set(explorer.table.outlet) == {"NTD"} and "Vladimir Putin" in explorer.pane.value
    explorer.freq.value = "week"
    assert all("-W" in period or period.startswith("(") for period in explorer.table.period)
    explorer.first.value, explorer.second.value = "NTD", "(no outlet)"
    assert explorer.comparison.empty or (explorer.comparison.shared_periods > 0).all()
