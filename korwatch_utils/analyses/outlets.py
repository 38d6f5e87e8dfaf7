"""How each outlet covers the actors: attention, voices and stance per outlet and period, with 95 % intervals.

Every figure is a count from the entity, stance and quote tables, split by
the outlet of each article (`text.outlets.outlet_name`) and the period of its
reference date; summed over outlets and periods the counts are those tables'
(tests check it). Shares carry Wilson score intervals: for attention the unit
is a mention, so the interval is as wide as if mentions were independent; an
outlet that names an actor many times in few articles gets a narrower
interval than an article bootstrap would give, which is why every row also
carries its articles, and `few_articles` flags an outlet and period with fewer
than MIN_ARTICLES articles.

Comparing two outlets is fair only over the periods both covered:
`compare_outlets` pools each outlet's counts over those periods alone, and
marks a difference as clear when its Newcombe interval (from the two Wilson
intervals) leaves out zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from korwatch_utils.analyses.trends import period_of
from korwatch_utils.text.outlets import NO_OUTLET, outlet_aliases, outlet_key, outlet_name

MIN_ARTICLES = 5  # an outlet and period with fewer articles is flagged: too few to compare
Z95 = 1.959964
UNDATED = "(undated)"
OUTLET_FREQUENCIES = ("week", "month", "all")
ATTENTION_COLUMNS = ["outlet", "period", "entity", "type", "mentions", "outlet_mentions", "share", "share_low",
                     "share_high", "articles", "outlet_articles", "few_articles"]
VOICE_COLUMNS = ["outlet", "period", "speaker", "statements", "outlet_statements", "share", "share_low",
                 "share_high", "direct", "direct_share", "direct_low", "direct_high", "few_articles"]
STANCE_COLUMNS = ["outlet", "period", "speaker", "target", "negative", "positive", "negative_share", "negative_low",
                  "negative_high", "few_articles"]
SUMMARY_COLUMNS = ["outlet", "period", "articles", "mentions", "statements", "few_articles"]
COMPARE_COLUMNS = ["entity", "shared_periods", "mentions_a", "share_a", "mentions_b", "share_b", "difference",
                   "difference_low", "difference_high", "clear"]


def wilson(hits, total, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of hits / total, element-wise (0 to 1 where total is 0)."""
    hits, total = np.asarray(hits, dtype=float), np.asarray(total, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, hits / total, 0.0)
        centre = (share + z * z / (2 * total)) / (1 + z * z / total)
        half = z * np.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    low = np.where(total > 0, np.clip(centre - half, 0, 1), 0.0)
    high = np.where(total > 0, np.clip(centre + half, 0, 1), 1.0)
    return low, high


def article_outlets(articles: pd.DataFrame, references: pd.DataFrame, *, freq: str = "month",
                    aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """doc_id, outlet, period for every article: the outlet's one name (NO_OUTLET where none is named; two
    spellings the table does not know are one outlet under the commoner), the period of its reference date
    (UNDATED where it has none; "all" with freq="all")."""
    if freq not in OUTLET_FREQUENCIES:
        raise ValueError(f"frequency must be one of {', '.join(OUTLET_FREQUENCIES)}, not {freq!r}")
    aliases = outlet_aliases() if aliases is None else aliases
    names = [outlet_name(outlet, url, aliases) for outlet, url in zip(articles["outlet"], articles["url"])]
    keys = pd.Series([outlet_key(name) for name in names])
    counts = pd.DataFrame({"key": keys, "name": names}).value_counts().reset_index(name="n")
    spelling = {key: group.sort_values(["n", "name"], ascending=[False, True])["name"].iloc[0]
                for key, group in counts.groupby("key")}
    dated = dict(zip(references["doc_id"], references["reference"]))
    periods = ["all" if freq == "all" else period_of(dated[doc], freq) if dated.get(doc) else UNDATED
               for doc in articles["doc_id"]]
    return pd.DataFrame({"doc_id": articles["doc_id"].to_numpy(),
                         "outlet": [spelling[key] if key else NO_OUTLET for key in keys],
                         "period": periods})


def _with_articles(frame: pd.DataFrame, outlets: pd.DataFrame) -> pd.DataFrame:
    return frame.merge(outlets, on="doc_id", how="inner")


def _flag(table: pd.DataFrame, outlets: pd.DataFrame) -> pd.DataFrame:
    """Adds outlet_articles and few_articles (fewer than MIN_ARTICLES articles in the outlet and period)."""
    sizes = outlets.groupby(["outlet", "period"]).size().rename("outlet_articles").reset_index()
    table = table.merge(sizes, on=["outlet", "period"], how="left")
    return table.assign(few_articles=table["outlet_articles"] < MIN_ARTICLES)


def outlet_summary(outlets: pd.DataFrame, entities: pd.DataFrame, cues: pd.DataFrame) -> pd.DataFrame:
    """outlet, period, articles, mentions (named), statements (stance rows), few_articles; entities is
    `entities.entity_table` (mentions per article and entity)."""
    table = outlets.groupby(["outlet", "period"]).size().rename("articles").reset_index()
    counted = (_with_articles(entities[["doc_id", "mentions"]], outlets), _with_articles(cues[["doc_id"]], outlets))
    for name, frame in zip(("mentions", "statements"), counted):
        counts = (frame.groupby(["outlet", "period"])["mentions"].sum() if name == "mentions" else
                  frame.groupby(["outlet", "period"]).size()).rename(name)
        table = table.merge(counts.reset_index(), on=["outlet", "period"], how="left")
    table = table.fillna({"mentions": 0, "statements": 0}).astype({"mentions": "int64", "statements": "int64"})
    table = table.assign(few_articles=table["articles"] < MIN_ARTICLES)
    return table.sort_values(["outlet", "period"], ignore_index=True)[SUMMARY_COLUMNS]


def outlet_attention(outlets: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, period and entity: mentions, the outlet's named mentions in that period, the entity's share of
    them with its interval, and the articles that name it; entities is `entities.entity_table`."""
    named = _with_articles(entities[["doc_id", "entity", "type", "mentions"]], outlets)
    table = named.groupby(["outlet", "period", "entity", "type"]).agg(
        mentions=("mentions", "sum"), articles=("doc_id", "nunique")).reset_index()
    totals = named.groupby(["outlet", "period"])["mentions"].sum().rename("outlet_mentions").reset_index()
    table = table.merge(totals, on=["outlet", "period"])
    low, high = wilson(table["mentions"], table["outlet_mentions"])
    table = table.assign(share=table["mentions"] / table["outlet_mentions"], share_low=low, share_high=high)
    table = _flag(table, outlets)
    return table.sort_values(["outlet", "period", "mentions", "entity"], ascending=[True, True, False, True],
                             ignore_index=True)[ATTENTION_COLUMNS]


def outlet_voices(outlets: pd.DataFrame, cues: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, period and speaker: statements (stance rows with that speaker), their share of the outlet's
    statements with a speaker, and how many are direct quotes, with that share; intervals for both."""
    spoken = _with_articles(cues.loc[cues["speaker"] != "", ["doc_id", "speaker", "kind"]], outlets)
    spoken = spoken.assign(direct=(spoken["kind"] == "direct").astype(int))  # summed, not counted per group in Python
    table = spoken.groupby(["outlet", "period", "speaker"]).agg(
        statements=("doc_id", "size"), direct=("direct", "sum")).reset_index()
    totals = spoken.groupby(["outlet", "period"]).size().rename("outlet_statements").reset_index()
    table = table.merge(totals, on=["outlet", "period"])
    low, high = wilson(table["statements"], table["outlet_statements"])
    direct_low, direct_high = wilson(table["direct"], table["statements"])
    table = table.assign(share=table["statements"] / table["outlet_statements"], share_low=low, share_high=high,
                         direct_share=table["direct"] / table["statements"], direct_low=direct_low,
                         direct_high=direct_high)
    table = _flag(table, outlets)
    return table.sort_values(["outlet", "period", "statements", "speaker"], ascending=[True, True, False, True],
                             ignore_index=True)[VOICE_COLUMNS]


def outlet_stance(outlets: pd.DataFrame, cues: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, period, speaker and target: negative and positive statements and the negative share of the
    two, with its interval (neutral rows left out: they lean neither way)."""
    known = cues[(cues["speaker"] != "") & (cues["target"] != "") & cues["polarity"].isin(["negative", "positive"])]
    leaning = _with_articles(known[["doc_id", "speaker", "target", "polarity"]], outlets)
    table = (leaning.groupby(["outlet", "period", "speaker", "target", "polarity"]).size().unstack(fill_value=0)
             .reindex(columns=["negative", "positive"], fill_value=0).reset_index().rename_axis(columns=None))
    table = table.astype({"negative": "int64", "positive": "int64"})
    both = table["negative"] + table["positive"]
    low, high = wilson(table["negative"], both)
    table = table.assign(negative_share=table["negative"] / both.where(both > 0), negative_low=low,
                         negative_high=high)
    table = _flag(table, outlets)
    return table.sort_values(["outlet", "period", "speaker", "target"], ignore_index=True)[STANCE_COLUMNS]


def shared_periods(outlets: pd.DataFrame, a: str, b: str) -> list[str]:
    """The dated periods in which both outlets have articles."""
    dated = outlets[outlets["period"] != UNDATED]
    covered = [set(dated.loc[dated["outlet"] == name, "period"]) for name in (a, b)]
    return sorted(covered[0] & covered[1])


def compare_outlets(attention: pd.DataFrame, outlets: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Each entity's share of attention in outlet a minus outlet b, over the periods both covered only, with a
    95 % Newcombe interval; clear: the interval leaves out zero. Empty when no period is shared."""
    periods = shared_periods(outlets, a, b)
    chosen = attention[attention["period"].isin(periods)]
    pooled = {}
    for name in (a, b):
        rows = chosen[chosen["outlet"] == name]
        totals = rows.drop_duplicates("period")["outlet_mentions"].sum()
        pooled[name] = (rows.groupby("entity")["mentions"].sum(), int(totals))
    entities = sorted(set(pooled[a][0].index) | set(pooled[b][0].index))
    if not periods or not entities:
        return pd.DataFrame(columns=COMPARE_COLUMNS)
    hits_a = pooled[a][0].reindex(entities, fill_value=0).to_numpy()
    hits_b = pooled[b][0].reindex(entities, fill_value=0).to_numpy()
    total_a, total_b = pooled[a][1], pooled[b][1]
    share_a, share_b = hits_a / max(total_a, 1), hits_b / max(total_b, 1)
    low_a, high_a = wilson(hits_a, np.full(len(entities), total_a))
    low_b, high_b = wilson(hits_b, np.full(len(entities), total_b))
    difference = share_a - share_b
    # Newcombe (1998), method 10: the difference's interval from each proportion's Wilson interval.
    low = difference - np.sqrt((share_a - low_a) ** 2 + (high_b - share_b) ** 2)
    high = difference + np.sqrt((high_a - share_a) ** 2 + (share_b - low_b) ** 2)
    table = pd.DataFrame({"entity": entities, "shared_periods": len(periods), "mentions_a": hits_a,
                          "share_a": share_a, "mentions_b": hits_b, "share_b": share_b, "difference": difference,
                          "difference_low": low, "difference_high": high, "clear": (low > 0) | (high < 0)})
    order = table["difference"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)[COMPARE_COLUMNS]


def busiest_outlets(outlets: pd.DataFrame, count: int = 2) -> list[str]:
    """The outlets with the most articles (ties: alphabetical), named outlets before NO_OUTLET."""
    sizes = outlets.groupby("outlet").size().reset_index(name="articles")
    sizes = sizes.assign(unnamed=sizes["outlet"] == NO_OUTLET)
    return list(sizes.sort_values(["unnamed", "articles", "outlet"], ascending=[True, False, True])["outlet"][:count])
