"""Stance cues as coded events, in the types political-event tools read (PLOVER, or CAMEO root codes).

One event per stance cue with a speaker or a target. The mapping from korwatch's
categories to PLOVER and CAMEO is data/event_codes.csv, with a note per row from
the codebooks; a category with no fit is exported as "unmapped", never forced.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from korwatch_utils.analyses.countries import country_code
from korwatch_utils.data import read_csv
from korwatch_utils.analyses.outlets import article_outlets
from korwatch_utils.text.outlets import NO_OUTLET

EVENT_FIELDS = ["event_id", "date", "date_ambiguous", "event_type", "category", "source_actor", "source_code",
                "target_actor", "target_code", "doc_id", "outlet", "url", "sentence", "quote"]
FORMATS = ("plover", "cameo")
UNMAPPED = "unmapped"


@lru_cache(maxsize=1)
def event_codes() -> pd.DataFrame:
    """data/event_codes.csv: category, plover_event, plover_mode, cameo_code, cameo_name, note."""
    return read_csv("event_codes.csv", commented=True)


def event_type(category: str, fmt: str) -> str:
    """The PLOVER event type, or the CAMEO root code (its first two digits), of a korwatch category."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    plover, cameo = _types_by_category()[category]
    if fmt == "plover":
        return plover or UNMAPPED
    return cameo[:2] if cameo else UNMAPPED


@lru_cache(maxsize=1)
def _types_by_category() -> dict[str, tuple[str, str]]:
    codes = event_codes()
    return dict(zip(codes["category"], zip(codes["plover_event"], codes["cameo_code"])))


def coded_events(cues: pd.DataFrame, events: pd.DataFrame, references: pd.DataFrame, articles: pd.DataFrame,
                 fmt: str = "plover", *, aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per cue with a speaker or a target, in EVENT_FIELDS.

    date is the cue sentence's own date from the timeline, else the article's
    reference date ('' when neither); outlet is the article's as `outlets.article_outlets` names it with
    the outlet aliases given (default the shipped table; '' when it names none); date_ambiguous says it rests on an
    ambiguous reference. Actors keep korwatch's canonical names; their codes
    are ISO 3166-1 alpha-3 where the actor is a country.
    """
    chosen = cues[(cues["speaker"] != "") | (cues["target"] != "")]
    dated = {(row.doc_id, row.sent_id): (row.date, bool(row.ambiguous))
             for row in events.itertuples(index=False) if row.date}
    reference = {row.doc_id: (row.reference, bool(row.ambiguous)) for row in references.itertuples(index=False)}
    urls = dict(zip(articles["doc_id"], articles["url"]))
    named = article_outlets(articles, references, freq="all", aliases=aliases)
    outlets = {doc: "" if outlet == NO_OUTLET else outlet for doc, outlet in zip(named["doc_id"], named["outlet"])}
    rows = []
    for cue in chosen.itertuples(index=False):
        day, ambiguous = dated.get((cue.doc_id, cue.sent_id)) or reference.get(cue.doc_id, ("", False))
        rows.append([f"{cue.doc_id}:{cue.start_char}", day, bool(ambiguous and day), event_type(cue.category, fmt),
                     cue.category, cue.speaker, country_code(cue.speaker), cue.target, country_code(cue.target),
                     cue.doc_id, outlets.get(cue.doc_id, ""), urls.get(cue.doc_id, ""), cue.sentence, cue.quote])
    return pd.DataFrame(rows, columns=EVENT_FIELDS)
