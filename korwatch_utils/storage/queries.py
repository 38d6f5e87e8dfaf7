"""Aggregates computed by the store's database: entity totals, the stance matrix, trends and the events.

Each equals the `analyses` function of the same name over `Store.tables()`
(tests compare them on the seeds and test folders), but DuckDB groups the
stored rows and only the aggregate comes back to Python: a command on an
archive of 100,000 articles reads counts, not millions of mentions.

Names are harmonised as `analysis.harmonise` does, by the same rule
(`entities.name_choices`), fed the count of each stored spelling and type
instead of every mention; the resulting map of stored spelling -> entity,
type, code is joined in the database.
"""

from __future__ import annotations

import pandas as pd

from korwatch_utils.analyses.countries import add_country_codes
from korwatch_utils.analyses.entities import TOTAL_COLUMNS, fold, name_choices
from korwatch_utils.analyses.timeline import stance_labels
from korwatch_utils.analyses.trends import TREND_COLUMNS, Trends, period_of
from korwatch_utils.storage.store import Store

POLARITIES = ("negative", "neutral", "positive")


def names(store: Store) -> pd.DataFrame:
    """stored, entity, type, code: every spelling stored in mentions, cues' speakers and targets, with the
    corpus-wide entity, type and country code it is read as."""
    counts = store.sql("SELECT entity, type, count(*) AS n FROM mentions WHERE entity <> '' "
                       "GROUP BY entity, type ORDER BY entity, type")
    spelling, kinds = name_choices(counts)
    stored = store.sql("SELECT DISTINCT entity AS name FROM mentions WHERE entity <> '' UNION "
                       "SELECT speaker FROM cues WHERE speaker <> '' UNION SELECT target FROM cues WHERE target <> ''")
    entities = [spelling.get((None, fold(name)), name) for name in stored["name"]]
    table = pd.DataFrame({"stored": stored["name"].astype(str), "entity": entities,
                          "type": [kinds.get((None, entity), "") for entity in entities]})
    return add_country_codes(table)


def _mentions_sql(merge: bool = True) -> str:
    """Harmonised named mentions (doc_id, sent_id, start_char, entity, type, ambiguous unset), over view `names`;
    merge=False counts the text as written under the entity's type."""
    entity = "n.entity" if merge else "m.text"
    return (f"SELECT m.doc_id, m.sent_id, m.start_char, m.end_char, {entity} AS entity, n.type AS type "
            "FROM mentions m JOIN names n ON m.entity = n.stored WHERE m.entity <> ''")


def _cues_sql() -> str:
    """Cues with harmonised speaker and target (view `names`)."""
    return ("SELECT c.*, c.rowid AS cue_row, coalesce(s.entity, c.speaker) AS speaker_name, coalesce(t.entity, c.target) AS target_name "
            "FROM cues c LEFT JOIN names s ON c.speaker = s.stored LEFT JOIN names t ON c.target = t.stored")


def entity_totals(store: Store, *, types=None, min_mentions: int = 1, doc_ids=None, search: str = "",
                  merge: bool = True) -> pd.DataFrame:
    """`entities.filter_entities` over the stored mentions: entity, type, code, mentions, articles."""
    name_map = names(store)
    where, params = [], []
    if types:
        where.append("type IN (SELECT UNNEST(?))")
        params.append(list(types))
    if doc_ids:
        where.append("doc_id IN (SELECT UNNEST(?))")
        params.append(list(doc_ids))
    if search.strip():
        pool = (name_map["entity"] if merge else
                store.sql("SELECT DISTINCT text FROM mentions WHERE entity <> ''")["text"]).drop_duplicates()
        wanted = fold(search)
        where.append("entity IN (SELECT UNNEST(?))")
        params.append([name for name in pool if wanted in fold(name)])
    totals = store.sql(
        f"SELECT entity, type, count(*) AS mentions, count(DISTINCT doc_id) AS articles, min(doc_id) AS first "
        f"FROM ({_mentions_sql(merge)}) WHERE {' AND '.join(where) or 'true'} GROUP BY entity, type "
        f"HAVING count(*) >= ? ORDER BY mentions DESC, articles DESC, entity, first, type",
        [*params, min_mentions], names=name_map)
    return add_country_codes(totals.astype({"mentions": "int64", "articles": "int64"}))[TOTAL_COLUMNS]


def stance_matrix(store: Store, *, min_confidence: float | None = None) -> pd.DataFrame:
    """`stance.stance_matrix` over the stored cues: speaker, target, negative, neutral, positive, total."""
    counts = ", ".join(f"count(*) FILTER (WHERE polarity = '{p}') AS {p}" for p in POLARITIES)
    matrix = store.sql(
        f"SELECT speaker_name AS speaker, target_name AS target, {counts} FROM ({_cues_sql()}) "
        "WHERE speaker_name <> '' AND target_name <> '' AND confidence >= ? GROUP BY speaker_name, target_name",
        [-1.0 if min_confidence is None else min_confidence], names=names(store))
    matrix = matrix.astype({p: "int64" for p in POLARITIES})
    matrix["total"] = matrix[list(POLARITIES)].sum(axis=1)
    matrix = matrix[matrix["total"] > 0]
    return matrix.sort_values(["total", "speaker", "target"], ascending=[False, True, True], ignore_index=True)


def trends(store: Store, *, freq: str = "month", types=None, entities=None, exclude_ambiguous: bool = False,
           min_confidence: float | None = None) -> Trends:
    """`trends.trends` over the stored tables: mentions, articles and negative / positive cues per period and
    entity."""
    references = store.sql("SELECT doc_id, reference, ambiguous FROM \"references\"")
    dated = references[references["reference"] != ""]
    ambiguous_total = int(dated["ambiguous"].sum())
    if exclude_ambiguous:
        dated = dated[~dated["ambiguous"]]
    days = dated["reference"].drop_duplicates()
    periods = pd.DataFrame({"doc_id": dated["doc_id"], "ambiguous": dated["ambiguous"].astype(bool),
                            "period": dated["reference"].map(dict(zip(days, (period_of(d, freq) for d in days))))})
    where, params = [], []
    for column, allowed in (("type", types), ("entity", entities)):
        if allowed:
            where.append(f"m.{column} IN (SELECT UNNEST(?))")
            params.append(list(allowed))
    table = store.sql(
        f"SELECT p.period, m.entity, m.type, count(*) AS mentions, count(DISTINCT m.doc_id) AS articles, "
        f"count(DISTINCT m.doc_id) FILTER (WHERE p.ambiguous) AS ambiguous_articles, "
        f"min(m.doc_id || ':' || lpad(m.start_char::VARCHAR, 12, '0')) AS first "
        f"FROM ({_mentions_sql()}) m JOIN periods p USING (doc_id) WHERE {' AND '.join(where) or 'true'} "
        f"GROUP BY p.period, m.entity, m.type", params, names=names(store), periods=periods)
    roles = store.sql(
        f"WITH c AS ({_cues_sql()} WHERE c.confidence >= ?), "
        "r AS (SELECT cue_row, doc_id, speaker_name AS entity, polarity FROM c "
        "      UNION SELECT cue_row, doc_id, target_name, polarity FROM c) "
        "SELECT p.period, r.entity, count(*) FILTER (WHERE r.polarity = 'negative') AS negative, "
        "count(*) FILTER (WHERE r.polarity = 'positive') AS positive "
        "FROM r JOIN periods p USING (doc_id) WHERE r.entity <> '' GROUP BY p.period, r.entity",
        [-1.0 if min_confidence is None else min_confidence], names=names(store), periods=periods)
    table = table.merge(roles, on=["period", "entity"], how="left").fillna({"negative": 0, "positive": 0})
    table = table.astype({"mentions": "int64", "articles": "int64", "ambiguous_articles": "int64",
                          "negative": "int64", "positive": "int64"})
    table = table.sort_values(["period", "mentions", "entity", "first"], ascending=[True, False, True, True],
                              ignore_index=True)
    undated = set(references["doc_id"]) - set(references.loc[references["reference"] != "", "doc_id"])
    return Trends(table[TREND_COLUMNS], len(undated), ambiguous_total)


def events(store: Store) -> pd.DataFrame:
    """The harmonised events table (`Store.tables().events`) without reading mentions, sentences or dates:
    entity lists renamed through `names`, stance labels from the harmonised cues."""
    renamed = dict(zip(*names(store)[["stored", "entity"]].to_numpy().T))
    cues = store.sql(f"SELECT doc_id, sent_id, speaker_name AS speaker, category, target_name AS target "
                     f"FROM ({_cues_sql()}) ORDER BY doc_id, start_char, end_char, cue_row", names=names(store))
    labels = stance_labels(cues)
    table = store.table("events")
    return table.assign(
        entities=[list(dict.fromkeys(renamed.get(name, name) for name in names_)) for names_ in table["entities"]],
        stance=[labels.get(key, []) for key in zip(table["doc_id"], table["sent_id"])])
