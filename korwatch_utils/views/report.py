"""One static HTML report of a run: key tables and figures, every piece of article text escaped."""

from __future__ import annotations

import base64
import io
from datetime import datetime, timezone
from html import escape

import matplotlib.pyplot as plt

from korwatch_utils.analyses.attribution import default_min_confidence

from korwatch_utils.text.cleaning import removed_by_rule, size_summary
from korwatch_utils.analyses.entities import cooccurrence, entity_table, entity_totals
from korwatch_utils.views.plots import (
    attention_chart, cooccurrence_heatmap, entity_bar_chart, share_panels, stance_heatmaps, timeline_chart,
)
from korwatch_utils.views.render import table_html
from korwatch_utils.analyses.outlets import (
    MIN_ARTICLES, article_outlets, outlet_attention, outlet_summary, outlet_voices,
)
from korwatch_utils.analyses.stance import stance_matrix
from korwatch_utils.analyses.trends import trends

# The page is one file with no outside resource (figures inline, no web fonts or scripts): it opens offline.
_STYLE = ("<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;font-size:14px}"
          "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:2px 6px;"
          "vertical-align:top}h2{border-bottom:1px solid #ccc;margin-top:2em}img{max-width:100%}</style>")


def _figure(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return f'<img alt="figure" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _rows(title: str, frame, limit: int = 200) -> str:
    """A titled, escaped HTML table of at most `limit` rows, saying how many more the CSV has."""
    note = f"<p>First {limit} of {len(frame)} rows; the CSV of the run has them all.</p>" if len(frame) > limit else ""
    return f"<h3>{escape(title)}</h3>{note}" + table_html(frame.head(limit))


def load_summary(load_report) -> str:
    """The load report in words: how many files became articles, how many were skipped, what metadata was unusable."""
    counts = load_report["status"].value_counts()
    loaded, skipped, problems, whole = (int(counts.get(status, 0))
                                        for status in ("loaded", "skipped", "metadata", "removals undone"))
    words = [f"{loaded} file{'s' if loaded != 1 else ''} loaded as articles",
             f"{skipped} skipped" + (" (reasons below)" if skipped else ""),
             f"{problems} metadata value{'s' if problems != 1 else ''} could not be used"
             + (" (listed below; the articles were loaded without them)" if problems else "")]
    if whole:
        words.append(f"{whole} article{'s' if whole != 1 else ''} whose removals were undone: cleaning would have "
                     "removed most of the prose (listed below)")
    for status, said in (("emptied", "left with no text: every line was boilerplate"),
                         ("other language", "not in Indonesian")):
        if counts.get(status, 0):
            words.append(f"{int(counts[status])} article{'s' if counts[status] != 1 else ''} {said} (listed below)")
    return "; ".join(words) + "."


def _load_section(load_report) -> str:
    notes = load_report[load_report["status"].isin(["skipped", "metadata", "removals undone", "emptied",
                                                    "other language"])]
    table = _rows("Files skipped, metadata not used, articles cleaning noted",
                  notes[["path", "status", "field", "value", "reason"]]) \
        if len(notes) else ""
    return f"<p>{escape(load_summary(load_report))}</p>{table}"


def _confidence_note() -> str:
    return (f"Rows the attributor finds at least {default_min_confidence():.2f} likely right (its default "
            "threshold; confidence is the probability that the row's sentence, category and speaker are right). "
            "The attention and stance charts count these rows.")


def _settle_note(references) -> str:
    ambiguous, unknown = int(references["ambiguous"].sum()), int((references["source"] == "unknown").sum())
    return escape(f"{len(references)} articles: {ambiguous} with an ambiguous reference date (their events are "
                  f"hatched in the timeline), {unknown} with none (dates without a year stay unresolved). A "
                  "published date in metadata.csv settles either.")


_OUTLETS_NOTE = ("Each article counts for its outlet (metadata, else the URL's host, else the dateline's credit; "
                 "'(no outlet)' where none is named). Shares carry 95 % Wilson intervals over mentions or "
                 "statements; an outlet with fewer than {few} articles is flagged (few_articles): too few to "
                 "compare. `korwatch outlets` writes these tables per week or month, and --compare A B the "
                 "difference of two outlets over the periods both covered.")


def html_report(source: str, load_report, cleaned, analysis, top_n: int = 20, pairs=None,
                outlet_aliases: dict[str, str] | None = None) -> str:
    """The report as one HTML page (figures inline as PNG), for sharing a run without Jupyter.

    Args:
        source: the input folder, for the heading.
        load_report: the load report; cleaned: the CleanResult; analysis: `analysis.Analysis`.
        pairs: `cooccurrence(analysis.mentions)` when the caller has it already.
        outlet_aliases: the outlet alias table (`text.outlets.outlet_aliases`; default the shipped one).
    """
    table = entity_table(analysis.mentions)
    totals = entity_totals(table)
    pairs = cooccurrence(analysis.mentions) if pairs is None else pairs
    matrix = stance_matrix(analysis.cues)
    attention = trends(analysis.mentions, analysis.cues, analysis.references)
    events = analysis.events
    outlets = article_outlets(cleaned.articles, analysis.references, freq="all", aliases=outlet_aliases)
    by_outlet = outlet_attention(outlets, table)
    sections = [
        ("What was loaded", _load_section(load_report)),
        ("Articles", _rows("Size of each article before and after cleaning", size_summary(cleaned))),
        ("What cleaning removed, by rule", _rows("Removals by rule", removed_by_rule(cleaned.removed))),
        ("Most mentioned entities", _figure(entity_bar_chart(totals, top_n))
         + _rows(f"The {top_n} most mentioned entities", totals, top_n)),
        ("Who appears with whom", _figure(cooccurrence_heatmap(pairs, list(totals.entity.head(min(top_n, 15)))))
         + _rows("Pairs named in one sentence", pairs, top_n)),
        ("Stance: speaker x target", _figure(stance_heatmaps(matrix))
         + _rows("Stance cues by speaker and target", matrix, top_n * 2)),
        ("Stance statements", f"<p>{escape(_confidence_note())}</p>" + _rows("Every stance statement", analysis.cues[
            ["doc_id", "speaker", "cue", "category", "polarity", "target", "kind", "confidence", "sentence"]])),
        ("Reference dates", f"<p>{_settle_note(analysis.references)}</p>"
         + _rows("Each article's reference date", analysis.references)),
        ("Attention over time", _figure(attention_chart(attention.table))
         + _rows("Mentions and stance cues per period", attention.table)),
        ("Outlets", f"<p>{escape(_OUTLETS_NOTE.format(few=MIN_ARTICLES))}</p>"
         + _rows("Articles, mentions and statements per outlet", outlet_summary(outlets, table, analysis.cues))
         + _figure(share_panels(by_outlet, "entity"))
         + _rows("Each entity's share of each outlet's attention", by_outlet, top_n * 2)
         + _rows("The speakers each outlet quotes", outlet_voices(outlets, analysis.cues), top_n * 2)),
        ("Timeline", _figure(timeline_chart(events)) + _rows("Dated sentences", events[
            ["doc_id", "date", "end", "expression", "resolved_by", "planned", "entities", "stance", "sentence"]])),
    ]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(f"<h2>{escape(title)}</h2>{content}" for title, content in sections)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>korwatch report</title>{_STYLE}</head>"
            f"<body><h1>korwatch report: {escape(str(source))}</h1><p>{stamp}</p>{body}</body></html>")
