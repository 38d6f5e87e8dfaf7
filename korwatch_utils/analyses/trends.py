"""Attention over time: mentions of each entity, and the stance cues about it, per week or month.

Each article counts in the period of its reference date (`timeline.reference_dates`):
an article whose date is unknown is left out and counted; one whose date is
ambiguous is kept and counted apart (or dropped with `exclude_ambiguous`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

import pandas as pd

TREND_COLUMNS = ["period", "entity", "type", "mentions", "articles", "negative", "positive", "ambiguous_articles"]
FREQUENCIES = ("week", "month")


class Trends(NamedTuple):
    """The trend table and the articles it could not place in time."""

    table: pd.DataFrame
    undated: int
    ambiguous: int


def period_of(day: str, freq: str) -> str:
    """The period an ISO day falls in: ISO week "2024-W25" or month "2024-06"."""
    when = date.fromisoformat(day)
    if freq == "week":
        year, week, _ = when.isocalendar()
        return f"{year}-W{week:02d}"
    if freq == "month":
        return f"{when.year}-{when.month:02d}"
    raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}, not {freq!r}")


def periods_between(first: str, last: str) -> list[str]:
    """Every period from first to last, both included ("2024-W52", "2025-W01" ...; "2024-11", "2024-12" ...)."""
    if "-W" in first:
        monday = date.fromisocalendar(int(first[:4]), int(first[6:]), 1)
        end = date.fromisocalendar(int(last[:4]), int(last[6:]), 1)
        weeks = []
        while monday <= end:
            weeks.append(period_of(monday.isoformat(), "week"))
            monday += timedelta(weeks=1)
        return weeks
    return [str(period) for period in pd.period_range(first, last, freq="M")]


def trends(mentions: pd.DataFrame, cues: pd.DataFrame, references: pd.DataFrame, *, freq: str = "month",
           types=None, entities=None, exclude_ambiguous: bool = False) -> Trends:
    """Mentions, articles and negative / positive cues per period and entity.

    Args:
        mentions: canonical mentions; cues: the cues table; references: `timeline.reference_dates`.
        freq: "week" (ISO weeks) or "month".
        types, entities: keep only these entity types / names (default all).
        exclude_ambiguous: leave out articles whose reference date is ambiguous.

    Returns:
        Trends(table, undated, ambiguous): table has period, entity, type, mentions, articles, negative,
        positive (cues with the entity as speaker or target), ambiguous_articles; undated counts the
        articles left out for want of a date, ambiguous those with an ambiguous one.
    """
    dated = references[references["reference"] != ""]
    ambiguous_total = int(dated["ambiguous"].sum())
    if exclude_ambiguous:
        dated = dated[~dated["ambiguous"]]
    periods = {doc: period_of(day, freq) for doc, day in zip(dated["doc_id"], dated["reference"])}
    ambiguous_docs = set(dated.loc[dated["ambiguous"], "doc_id"])
    named = mentions[(mentions["entity"] != "") & mentions["doc_id"].isin(periods)]
    if types:
        named = named[named["type"].isin(list(types))]
    if entities:
        named = named[named["entity"].isin(list(entities))]
    # astype(str): with no rows, map gives floats, and the merge below refuses float against str keys
    named = named.assign(period=named["doc_id"].map(periods).astype(str),
                         ambiguous=named["doc_id"].isin(ambiguous_docs))
    table = named.groupby(["period", "entity", "type"], sort=False).agg(
        mentions=("doc_id", "size"), articles=("doc_id", "nunique"),
        ambiguous_articles=("doc_id", lambda docs: docs[docs.isin(ambiguous_docs)].nunique())).reset_index()
    numbered = cues.assign(cue=range(len(cues)))
    roles = pd.concat([numbered[["cue", "doc_id", "speaker", "polarity"]].rename(columns={"speaker": "entity"}),
                       numbered[["cue", "doc_id", "target", "polarity"]].rename(columns={"target": "entity"})])
    # a cue counts once for an entity, speaker or target
    roles = roles[(roles["entity"] != "") & roles["doc_id"].isin(periods)].drop_duplicates(["cue", "entity"])
    roles = roles.assign(period=roles["doc_id"].map(periods).astype(str))
    counts = roles.groupby(["period", "entity", "polarity"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=["negative", "positive"], fill_value=0).reset_index()
    table = table.merge(counts, on=["period", "entity"], how="left").fillna({"negative": 0, "positive": 0})
    table = table.astype({"negative": "int64", "positive": "int64"})
    table = table.sort_values(["period", "mentions", "entity"], ascending=[True, False, True], ignore_index=True)
    all_docs = set(references["doc_id"])
    return Trends(table[TREND_COLUMNS], len(all_docs - set(references.loc[references["reference"] != "", "doc_id"])),
                  ambiguous_total)


def pair_balance(cues: pd.DataFrame, references: pd.DataFrame, speaker: str, target: str, *,
                 freq: str = "month") -> pd.DataFrame:
    """Negative and positive cues from one speaker towards one target per period: period, negative, positive.

    Cues count in the period of their article's reference date; undated articles are left out.
    """
    dated = dict(zip(references["doc_id"], references["reference"]))
    chosen = cues[(cues["speaker"] == speaker) & (cues["target"] == target)]
    chosen = chosen[[bool(dated.get(doc)) for doc in chosen["doc_id"]]]  # a list: an empty mask still selects rows
    if chosen.empty:
        return pd.DataFrame({"period": pd.Series(dtype=str), "negative": pd.Series(dtype="int64"),
                             "positive": pd.Series(dtype="int64")})
    chosen = chosen.assign(period=[period_of(dated[doc], freq) for doc in chosen["doc_id"]])
    counts = chosen.groupby(["period", "polarity"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=["negative", "positive"], fill_value=0).reset_index()
    return counts.rename_axis(columns=None).sort_values("period", ignore_index=True)


def top_pair(cues: pd.DataFrame, references: pd.DataFrame | None = None) -> tuple[str, str] | None:
    """The speaker and target with the most cues between them (ties: alphabetical), or None.

    With `references`, only cues of dated articles count (the ones a balance over time can show).
    """
    known = cues[(cues["speaker"] != "") & (cues["target"] != "")]
    if references is not None:
        known = known[known["doc_id"].isin(set(references.loc[references["reference"] != "", "doc_id"]))]
    if known.empty:
        return None
    counts = known.groupby(["speaker", "target"]).size().reset_index(name="cues")
    best = counts.sort_values(["cues", "speaker", "target"], ascending=[False, True, True]).iloc[0]
    return best["speaker"], best["target"]
