"""ipywidgets controls for the notebooks; callbacks only call package functions."""

from __future__ import annotations

import math
from functools import partial

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from korwatch_utils.analyses.attribution import KINDS
from korwatch_utils.analyses.entities import filter_entities
from korwatch_utils.nlp.ner import ENTITY_TYPES
from korwatch_utils.views.plots import (
    attention_chart, difference_chart, entity_bar_chart, share_over_time_chart, share_panels, timeline_chart,
)
from korwatch_utils.views.render import article_diff_html, cue_sentences_html, table_html
from korwatch_utils.analyses.outlets import article_outlets, compare_outlets, outlet_attention, outlet_voices
from korwatch_utils.analyses.stance import CATEGORIES, filter_cues
from korwatch_utils.analyses.timeline import filter_events
from korwatch_utils.analyses.trends import FREQUENCIES, trends
from korwatch_utils.storage import queries


def article_viewer(cleaned) -> widgets.VBox:
    """A picker of articles and an HTML pane showing the chosen one raw vs cleaned.

    Args:
        cleaned: the CleanResult from `korwatch_utils.text.cleaning.clean`.

    Returns:
        VBox(children=[Dropdown, HTML]); setting the dropdown's value redraws the pane.
    """
    doc_ids = list(cleaned.articles["doc_id"])
    picker = widgets.Dropdown(options=doc_ids, description="Article", layout=widgets.Layout(width="60%"))
    pane = widgets.HTML()

    def show(change=None) -> None:
        pane.value = article_diff_html(picker.value, cleaned) if picker.value is not None else ""

    picker.observe(show, names="value")
    show()
    return widgets.VBox([picker, pane])


class EntityExplorer:
    """Filter controls over the canonical mentions, redrawing a bar chart and a table on every change.

    Over a store (`store=`), each change is a query of the store's database (`storage.queries.entity_totals`),
    so an archive's mentions never come into memory; over a mentions table, `entities.filter_entities` (the
    two give the same rows).

    Attributes:
        types, min_mentions, articles, search, merge: the controls; set `.value` in code to drive them
            (no article selected: every article).
        totals: the table shown now (entity, type, mentions, articles).
        figure: the bar chart shown now.
        widget: the whole explorer, for `display()`.
    """

    def __init__(self, mentions=None, top_n: int = 20, *, store=None):
        if store is not None:
            self._totals = partial(queries.entity_totals, store, name_map=queries.names(store))
            named = store.sql("SELECT DISTINCT doc_id FROM mentions WHERE entity <> '' ORDER BY doc_id")
            doc_ids = list(named["doc_id"])
        else:
            self._totals = partial(filter_entities, mentions)
            doc_ids = sorted(mentions.loc[mentions["entity"] != "", "doc_id"].unique())
        self.top_n = top_n
        self.totals = self._totals()
        self.types = widgets.SelectMultiple(options=list(ENTITY_TYPES), value=list(ENTITY_TYPES),
                                            description="Types", rows=3)
        most = int(self.totals["mentions"].max()) if len(self.totals) else 1
        self.min_mentions = widgets.IntSlider(value=1, min=1, max=max(2, most), description="Min mentions",
                                              continuous_update=False)
        # Nothing selected counts every article: selecting 100,000 ids up front would take ipywidgets minutes.
        self.articles = widgets.SelectMultiple(options=doc_ids, value=(), description="Articles",
                                               rows=min(6, max(2, len(doc_ids))), layout=widgets.Layout(width="45%"))
        self.search = widgets.Text(value="", description="Name", placeholder="part of a name",
                                   continuous_update=False)
        self.merge = widgets.Checkbox(value=True, description="Merge aliases")
        self.chart = widgets.Output()
        self.table = widgets.HTML()
        self.figure = None
        for control in (self.types, self.min_mentions, self.articles, self.search, self.merge):
            control.observe(self.redraw, names="value")
        controls = widgets.HBox([widgets.VBox([self.types, self.min_mentions, self.search, self.merge]),
                                 self.articles])
        self.widget = widgets.VBox([controls, self.chart, self.table])
        self.redraw()

    def redraw(self, change=None) -> None:
        """Recompute the filtered totals and redraw the chart and the table."""
        self.totals = self._totals(types=self.types.value, min_mentions=self.min_mentions.value,
                                   doc_ids=self.articles.value or None,
                                   search=self.search.value, merge=self.merge.value)
        self.figure = entity_bar_chart(self.totals, self.top_n)
        self.chart.clear_output(wait=True)
        with self.chart:
            display(self.figure)
        plt.close(self.figure)  # shown through the Output only, not again by the inline backend
        self.table.value = table_html(self.totals.head(self.top_n))


class CueExplorer:
    """Who said what about whom: speaker, target, category, kind and minimum-confidence filters over the cues
    table, redrawing a table and the highlighted sentences.

    Attributes:
        speakers, targets, categories, kinds: SelectMultiple controls (nothing selected: all).
        min_confidence: FloatSlider; rows less likely right are hidden.
        cues: the cues shown now.
        table, sentences: HTML panes; widget: the whole explorer, for `display()`.
    """

    COLUMNS = ["doc_id", "sent_id", "speaker", "cue", "category", "polarity", "target", "kind", "confidence",
               "speaker_source"]

    def __init__(self, cues, limit: int = 30):
        self.all_cues = cues
        self.limit = limit

        def choices(column):
            counts = cues.loc[cues[column] != "", column].value_counts()
            return [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

        self.speakers = widgets.SelectMultiple(options=choices("speaker"), description="Speaker", rows=6)
        self.targets = widgets.SelectMultiple(options=choices("target"), description="Target", rows=6)
        self.categories = widgets.SelectMultiple(options=[c for c in CATEGORIES if c in set(cues["category"])],
                                                 description="Category", rows=6)
        self.kinds = widgets.SelectMultiple(options=[k for k in KINDS if k in set(cues["kind"])], description="Kind",
                                            rows=4)
        lowest = math.floor(float(cues["confidence"].min()) * 20) / 20 if len(cues) else 0.0  # a step at or below
        self.min_confidence = widgets.FloatSlider(value=lowest, min=0.0, max=1.0, step=0.05,
                                                  description="Confidence ≥", readout_format=".2f")
        self.table = widgets.HTML()
        self.sentences = widgets.HTML()
        self.cues = cues
        for control in (self.speakers, self.targets, self.categories, self.kinds, self.min_confidence):
            control.observe(self.redraw, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.speakers, self.targets, self.categories]),
                                    widgets.HBox([self.kinds, self.min_confidence]), self.table, self.sentences])
        self.redraw()

    def redraw(self, change=None) -> None:
        """Filter the cues and redraw both panes."""
        self.cues = filter_cues(self.all_cues, speakers=self.speakers.value, targets=self.targets.value,
                                categories=self.categories.value, kinds=self.kinds.value,
                                min_confidence=self.min_confidence.value)
        self.table.value = table_html(self.cues[self.COLUMNS].head(self.limit))
        self.sentences.value = cue_sentences_html(self.cues, self.limit)


class TimelineExplorer:
    """Entity and date-range filters over the events table, redrawing the timeline and the table.

    Attributes:
        entities: SelectMultiple of entities (nothing selected: all).
        dates: SelectionRangeSlider over the events' dates.
        hide_ambiguous: Checkbox hiding events dated against an ambiguous reference.
        events: the events shown now; figure: the timeline shown now.
        chart, table: the Output and HTML panes (the table's first `limit` rows); widget: the whole explorer,
            for `display()`.
    """

    COLUMNS = ["doc_id", "date", "end", "granularity", "expression", "resolved_by", "planned", "ambiguous", "entities",
               "stance"]

    def __init__(self, events, colour_by: str = "entity", limit: int = 300):
        self.all_events = events
        self.colour_by = colour_by
        self.limit = limit  # table rows shown: an archive's 257,000 events made 80 MB of HTML per redraw
        counts = pd.Series([name for names in events["entities"] for name in names], dtype=str).value_counts()
        self.entities = widgets.SelectMultiple(options=list(counts.index), description="Entities", rows=8)
        days = sorted(set(events.loc[events["date"] != "", "date"])) or [""]
        self.dates = widgets.SelectionRangeSlider(options=days, index=(0, len(days) - 1), description="Dates",
                                                  layout=widgets.Layout(width="70%"), continuous_update=False)
        self.hide_ambiguous = widgets.Checkbox(value=False, description="Hide dates with an ambiguous year")
        self.chart = widgets.Output()
        self.table = widgets.HTML()
        self.events = events
        self.figure = None
        for control in (self.entities, self.dates, self.hide_ambiguous):
            control.observe(self.redraw, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.entities, self.hide_ambiguous]), self.dates, self.chart,
                                    self.table])
        self.redraw()

    def redraw(self, change=None) -> None:
        """Filter the events and redraw the timeline and the table."""
        start, end = self.dates.value or ("", "")
        if self.dates.index == (0, len(self.dates.options) - 1):
            start, end = "", ""  # the whole range: no date filter, so undated events stay in view
        self.events = filter_events(self.all_events, entities=self.entities.value, start=start or None,
                                    end=end or None, hide_ambiguous=self.hide_ambiguous.value)
        self.figure = timeline_chart(self.events, self.colour_by)
        self.chart.clear_output(wait=True)
        with self.chart:
            display(self.figure)
        plt.close(self.figure)
        cut = len(self.events) > self.limit
        shown = f"<p>{len(self.events):,} events; the first {self.limit:,} shown</p>" if cut else ""
        self.table.value = shown + table_html(self.events[self.COLUMNS].head(self.limit))


class TrendsExplorer:
    """Entities, type, frequency and period range over the trend table, redrawing the chart and the table.

    The whole trend table of a frequency is computed once, by the store's database (`store=`,
    `storage.queries.trends`) or by `trends.trends` over the tables given; the controls pick its rows (the
    rows of an entity do not depend on which other entities are chosen).

    Attributes:
        entities: SelectMultiple of the most mentioned entities (nothing selected: the top ones of the type).
        kind: Dropdown of entity types ("" for all); freq: ToggleButtons week / month;
        periods: SelectionRangeSlider over the periods of the current frequency.
        table: the trend rows shown now; figure: the chart shown now; widget: the explorer, for `display()`.
    """

    def __init__(self, mentions=None, cues=None, references=None, top_n: int = 6, *, store=None):
        if store is not None:
            name_map = queries.names(store)
            self._trends = partial(queries.trends, store, name_map=name_map)
            totals = queries.entity_totals(store, name_map=name_map)
        else:
            self._trends = partial(trends, mentions, cues, references)
            totals = filter_entities(mentions)
        self._tables: dict[str, pd.DataFrame] = {}
        self.top_n = top_n
        self.entities = widgets.SelectMultiple(options=list(dict.fromkeys(totals["entity"].head(50))),
                                               description="Entities", rows=8)
        self.kind = widgets.Dropdown(options=[("all", ""), *[(kind, kind) for kind in ENTITY_TYPES]],
                                     description="Type")
        self.freq = widgets.ToggleButtons(options=list(FREQUENCIES), value="month", description="Per")
        self.periods = widgets.SelectionRangeSlider(options=[""], description="Periods", continuous_update=False,
                                                    layout=widgets.Layout(width="70%"))
        self.chart = widgets.Output()
        self.pane = widgets.HTML()
        self.table = None
        self.figure = None
        self._set_periods()
        for control in (self.entities, self.kind, self.periods):
            control.observe(self.redraw, names="value")
        self.freq.observe(self._new_frequency, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.entities, widgets.VBox([self.kind, self.freq])]),
                                    self.periods, self.chart, self.pane])
        self.redraw()

    def _table(self) -> pd.DataFrame:
        """The whole trend table of the chosen frequency (computed on first use)."""
        if self.freq.value not in self._tables:
            self._tables[self.freq.value] = self._trends(freq=self.freq.value).table
        return self._tables[self.freq.value]

    def _set_periods(self) -> None:
        options = sorted(set(self._table()["period"])) or [""]
        self.periods.options = options
        self.periods.index = (0, len(options) - 1)

    def _new_frequency(self, change=None) -> None:
        with self.periods.hold_trait_notifications():
            self._set_periods()
        self.redraw()

    def redraw(self, change=None) -> None:
        """The trend rows of the chosen entities, type, frequency and periods; redraw."""
        found = self._table()
        if self.kind.value:
            found = found[found["type"] == self.kind.value]
        if self.entities.value:
            found = found[found["entity"].isin(list(self.entities.value))]
        first, last = self.periods.value or ("", "")  # no dated article: no period to choose
        if first and last:
            found = found[(found["period"] >= first) & (found["period"] <= last)]
        self.table = found.reset_index(drop=True)
        self.figure = attention_chart(self.table, self.top_n)
        self.chart.clear_output(wait=True)
        with self.chart:
            display(self.figure)
        plt.close(self.figure)
        self.pane.value = table_html(self.table.head(100))


class OutletExplorer:
    """Outlets, an entity and weeks or months: the entity's share of each chosen outlet's attention over time
    with its 95 % band, the speakers each outlet quotes, and two outlets compared over the periods both covered.

    Attributes:
        outlets: SelectMultiple of outlets (nothing selected: every outlet); entity: Dropdown of the most mentioned
        entities; freq: ToggleButtons week / month; first, second: the outlets compared.
        table: the attention rows shown now (the entity in the chosen outlets); comparison: the comparison shown
        now; figure: the share-over-time chart shown now; widget: the explorer, for `display()`.
    """

    COLUMNS = ["entity", "outlet", "period", "mentions", "outlet_mentions", "share", "share_low", "share_high",
               "outlet_articles", "few_articles"]

    def __init__(self, articles, references, entities, cues, top_n: int = 8, aliases=None):
        self._articles, self._references, self._entities, self._cues = articles, references, entities, cues
        self._aliases, self.top_n = aliases, top_n
        self._tables: dict[str, tuple] = {}
        names = sorted(set(self._computed("all")[0]["outlet"]))
        top = self._entities.groupby("entity")["mentions"].sum().sort_values(ascending=False, kind="stable")
        self.outlets = widgets.SelectMultiple(options=names, value=(), description="Outlets", rows=min(6, len(names)))
        self.entity = widgets.Dropdown(options=list(top.index[:50]) or [""], description="Entity")
        self.freq = widgets.ToggleButtons(options=["week", "month"], value="month", description="Per")
        self.first = widgets.Dropdown(options=names, description="Compare")
        self.second = widgets.Dropdown(options=names, value=names[1] if len(names) > 1 else names[0],
                                       description="with")
        self.chart, self.voices_chart, self.compare_chart = widgets.Output(), widgets.Output(), widgets.Output()
        self.pane, self.compare_pane = widgets.HTML(), widgets.HTML()
        self.table = self.comparison = self.figure = None
        for control in (self.outlets, self.entity, self.freq, self.first, self.second):
            control.observe(self.redraw, names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.outlets, widgets.VBox([self.entity, self.freq])]), self.chart, self.pane,
            self.voices_chart, widgets.HBox([self.first, self.second]), self.compare_chart, self.compare_pane])
        self.redraw()

    def _computed(self, freq: str) -> tuple:
        """(outlets, attention, voices) at this frequency, computed on first use."""
        if freq not in self._tables:
            outlets = article_outlets(self._articles, self._references, freq=freq, aliases=self._aliases)
            self._tables[freq] = (outlets, outlet_attention(outlets, self._entities),
                                  outlet_voices(outlets, self._cues))
        return self._tables[freq]

    def _show(self, output, figure) -> None:
        output.clear_output(wait=True)
        with output:
            display(figure)
        plt.close(figure)

    def redraw(self, change=None) -> None:
        """The chosen entity's rows in the chosen outlets, the charts and the comparison; redraw."""
        outlets, attention, _ = self._computed(self.freq.value)
        chosen = list(self.outlets.value) or sorted(set(outlets["outlet"]))
        rows = attention[(attention["entity"] == self.entity.value) & attention["outlet"].isin(chosen)]
        self.table = rows[self.COLUMNS].reset_index(drop=True)
        self.figure = share_over_time_chart(attention, self.entity.value, chosen)
        self._show(self.chart, self.figure)
        self.pane.value = table_html(self.table.head(100))
        voices = self._computed("all")[2]  # who each outlet quotes, over all its articles
        self._show(self.voices_chart, share_panels(voices[voices["outlet"].isin(chosen)], "speaker", top_n=self.top_n,
                                                   title="share of statements"))
        self.comparison = compare_outlets(attention, outlets, self.first.value, self.second.value)
        self._show(self.compare_chart, difference_chart(self.comparison, self.first.value, self.second.value))
        self.compare_pane.value = table_html(self.comparison.head(self.top_n * 2))
