"""Tables computed by the store's database: entity totals and tables, co-occurrence, the stance matrix, trends,
events and cues, harmonised.

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
from korwatch_utils.analyses.entities import COOCCURRENCE_COLUMNS, ENTITY_COLUMNS, TOTAL_COLUMNS, fold, name_choices
from korwatch_utils.analyses.trends import TREND_COLUMNS, Trends, period_of
from korwatch_utils.storage.store import Store
from korwatch_utils.tables import LIST_SEPARATOR, columns as columns_of, conform

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
    table = add_country_codes(pd.DataFrame({"stored": stored["name"].astype(str), "entity": entities,
                                            "type": [kinds.get((None, entity), "") for entity in entities]}))
    # DuckDB reads an empty object column as DOUBLE; typed as strings, the queries joining names still bind.
    return table.astype("string") if table.empty else table


def _per_article_sql(merge: bool = True) -> str:
    """Named mentions counted per article and harmonised entity (view `names`): doc_id, entity, type, n, and
    first (the earliest mention's offset). Counted before the join, so the join reads a few rows per article;
    merge=False counts the text as written under the entity's type."""
    written = "m.text" if merge is False else "''"
    return (f"SELECT c.doc_id, {'n.entity' if merge else 'c.written'} AS entity, n.type AS type, sum(c.n) AS n, "
            f"min(c.first) AS first FROM (SELECT doc_id, entity, {written} AS written, count(*) AS n, "
            f"min(start_char) AS first FROM mentions m WHERE entity <> '' GROUP BY doc_id, entity, written) c "
            f"JOIN names n ON c.entity = n.stored GROUP BY c.doc_id, {'n.entity' if merge else 'c.written'}, n.type")


def _cues_sql() -> str:
    """Cues with harmonised speaker and target (view `names`)."""
    return ("SELECT c.*, c.rowid AS cue_row, coalesce(s.entity, c.speaker) AS speaker_name, "
            "coalesce(t.entity, c.target) AS target_name "
            "FROM cues c LEFT JOIN names s ON c.speaker = s.stored LEFT JOIN names t ON c.target = t.stored")


def entity_totals(store: Store, *, types=None, min_mentions: int = 1, doc_ids=None, search: str = "",
                  merge: bool = True, name_map: pd.DataFrame | None = None) -> pd.DataFrame:
    """`entities.filter_entities` over the stored mentions: entity, type, code, mentions, articles (name_map:
    `names(store)`, when the caller keeps it)."""
    name_map = names(store) if name_map is None else name_map
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
        f"SELECT entity, type, sum(n)::BIGINT AS mentions, count(*) AS articles, min((doc_id, first)) AS first "
        f"FROM ({_per_article_sql(merge)}) WHERE {' AND '.join(where) or 'true'} GROUP BY entity, type "
        f"HAVING sum(n) >= ? ORDER BY mentions DESC, articles DESC, entity, first, type",
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
           min_confidence: float | None = None, name_map: pd.DataFrame | None = None) -> Trends:
    """`trends.trends` over the stored tables: mentions, articles and negative / positive cues per period and
    entity (name_map: `names(store)`, when the caller keeps it)."""
    name_map = names(store) if name_map is None else name_map
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
        f"SELECT p.period, m.entity, m.type, sum(m.n)::BIGINT AS mentions, count(*) AS articles, "
        f"count(*) FILTER (WHERE p.ambiguous) AS ambiguous_articles, min((m.doc_id, m.first)) AS first "
        f"FROM ({_per_article_sql()}) m JOIN periods p USING (doc_id) WHERE {' AND '.join(where) or 'true'} "
        f"GROUP BY p.period, m.entity, m.type ORDER BY p.period, mentions DESC, m.entity, first",
        params, names=name_map, periods=periods)
    roles = store.sql(
        f"WITH c AS ({_cues_sql()} WHERE c.confidence >= ?), "
        "r AS (SELECT cue_row, doc_id, speaker_name AS entity, polarity FROM c "
        "      UNION SELECT cue_row, doc_id, target_name, polarity FROM c) "
        "SELECT p.period, r.entity, count(*) FILTER (WHERE r.polarity = 'negative') AS negative, "
        "count(*) FILTER (WHERE r.polarity = 'positive') AS positive "
        "FROM r JOIN periods p USING (doc_id) WHERE r.entity <> '' GROUP BY p.period, r.entity",
        [-1.0 if min_confidence is None else min_confidence], names=name_map, periods=periods)
    # A left merge keeps the left's order: the SQL's ORDER BY.
    table = table.merge(roles, on=["period", "entity"], how="left").fillna({"negative": 0, "positive": 0})
    table = table.astype({"mentions": "int64", "articles": "int64", "ambiguous_articles": "int64",
                          "negative": "int64", "positive": "int64"})
    undated = set(references["doc_id"]) - set(references.loc[references["reference"] != "", "doc_id"])
    return Trends(table[TREND_COLUMNS], len(undated), ambiguous_total)


def events(store: Store, *, lists: bool = False) -> pd.DataFrame:
    """The harmonised events table (`Store.tables().events`), all in the database: entity lists renamed
    through `names` (first spelling kept), stance labels ("speaker category target",
    `timeline.stance_labels`) from the harmonised cues. Their cells are joined as CSV writes them
    (`tables.join_lists`), or lists with lists=True (what the timeline chart and explorer read)."""
    columns = [column for column in columns_of("events") if column not in ("entities", "stance")]
    gather = "list({0} ORDER BY {1})" if lists else "string_agg({0}, ? ORDER BY {1})"
    empty = "[]::VARCHAR[]" if lists else "''"
    query = f"""
        WITH named AS (
            SELECT e.rowid AS r, coalesce(n.entity, u.name) AS name, u.i
            FROM (SELECT rowid, unnest(entities) AS name, generate_subscripts(entities, 1) AS i FROM events) u
            JOIN events e ON e.rowid = u.rowid LEFT JOIN names n ON u.name = n.stored),
        entities AS (
            SELECT r, {gather.format("name", "i")} AS entities FROM (
                SELECT *, row_number() OVER (PARTITION BY r, name ORDER BY i) AS k FROM named) WHERE k = 1
            GROUP BY r),
        stance AS (
            SELECT doc_id, sent_id, {gather.format(
                "concat_ws(' ', CASE WHEN speaker_name = '' THEN '?' ELSE speaker_name END, "
                "nullif(category, ''), nullif(target_name, ''))", "start_char, end_char, cue_row")} AS stance
            FROM ({_cues_sql()}) GROUP BY doc_id, sent_id)
        SELECT {', '.join(f'e."{c}"' for c in columns)}, coalesce(en.entities, {empty}) AS entities,
               coalesce(st.stance, {empty}) AS stance
        FROM events e LEFT JOIN entities en ON en.r = e.rowid LEFT JOIN stance st USING (doc_id, sent_id)
        ORDER BY e.doc_id, e.sent_id, e.rowid"""
    table = store.sql(query, [] if lists else [LIST_SEPARATOR, LIST_SEPARATOR], names=names(store))
    if lists:
        for column in ("entities", "stance"):
            table[column] = [list(cell) for cell in table[column]]
    return table[columns_of("events")]


def cues(store: Store) -> pd.DataFrame:
    """The harmonised stance table (`Store.tables().cues`) without reading the mentions."""
    columns = columns_of("cues")
    select = ", ".join("speaker_name AS speaker" if c == "speaker" else "target_name AS target" if c == "target"
                       else f'"{c}"' for c in columns)
    table = store.sql(f"SELECT {select} FROM ({_cues_sql()}) ORDER BY doc_id, start_char, end_char, cue_row",
                      names=names(store))
    return conform("cues", table)


def entity_table(store: Store, entities=None) -> pd.DataFrame:
    """`entities.entity_table` of the stored mentions (doc_id, entity, type, code, mentions), optionally of some
    entities only."""
    where, params = ("WHERE entity IN (SELECT UNNEST(?))", [list(entities)]) if entities is not None else ("", [])
    table = store.sql(f"SELECT doc_id, entity, type, n::BIGINT AS mentions FROM ({_per_article_sql()}) {where} "
                      f"ORDER BY doc_id, mentions DESC, entity, first", params, names=names(store))
    return add_country_codes(table)[ENTITY_COLUMNS]


def mention_counts(store: Store) -> pd.DataFrame:
    """entity, type, n: the harmonised named mentions counted per entity and type (what
    `entities.suggest_aliases` reads)."""
    return store.sql(f"SELECT entity, type, sum(n)::BIGINT AS n FROM ({_per_article_sql()}) GROUP BY entity, type "
                     "ORDER BY entity, type", names=names(store))


def merged_spellings(store: Store) -> pd.DataFrame:
    """text, entity, type, mentions: every way a mention was written that differs from its harmonised entity
    ('' for a mention that was only a title), sorted."""
    return store.sql(
        "SELECT m.text, coalesce(n.entity, m.entity) AS entity, coalesce(n.type, m.type) AS type, count(*) AS mentions "
        "FROM mentions m LEFT JOIN names n ON m.entity = n.stored WHERE m.text <> coalesce(n.entity, m.entity) "
        "GROUP BY ALL ORDER BY m.text, entity, type", names=names(store))


def cooccurrence(store: Store) -> pd.DataFrame:
    """`entities.cooccurrence` of the stored mentions: entity_a, entity_b, sentences, articles, doc_ids."""
    table = store.sql(
        "WITH s AS (SELECT DISTINCT doc_id, sent_id, n.entity FROM mentions m JOIN names n ON m.entity = n.stored "
        "           WHERE m.entity <> '') "
        "SELECT a.entity AS entity_a, b.entity AS entity_b, count(*) AS sentences, "
        "count(DISTINCT a.doc_id) AS articles, string_agg(DISTINCT a.doc_id, ' ' ORDER BY a.doc_id) AS doc_ids "
        "FROM s a JOIN s b ON a.doc_id = b.doc_id AND a.sent_id = b.sent_id AND a.entity < b.entity "
        "GROUP BY a.entity, b.entity ORDER BY sentences DESC, articles DESC, entity_a, entity_b", names=names(store))
    return table.astype({"sentences": "int64", "articles": "int64"})[COOCCURRENCE_COLUMNS]


def sizes(store: Store) -> dict[str, int]:
    """How many articles, sentences, mentions and stance rows the store holds."""
    row = store.sql("SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM sentences) AS "
                    "sentences, (SELECT count(*) FROM mentions) AS mentions, (SELECT count(*) FROM cues) AS cues")
    return {name: int(value) for name, value in row.iloc[0].items()}


def article_fields(store: Store, *fields: str) -> pd.DataFrame:
    """doc_id and these columns of every stored article, without their texts (an archive's are gigabytes).

    Raises:
        KeyError: a field the articles table does not have.
    """
    unknown = [field for field in fields if field not in columns_of("articles")]
    if unknown:
        raise KeyError(f"the articles table has no {', '.join(unknown)}")
    selected = ", ".join(f'"{column}"' for column in ("doc_id", *fields))
    return store.sql(f"SELECT {selected} FROM articles")


def article_texts(store: Store, doc_ids) -> pd.DataFrame:
    """doc_id, text of these articles only (what a view shows of them)."""
    return store.sql("SELECT doc_id, text FROM articles WHERE doc_id IN (SELECT UNNEST(?)) ORDER BY doc_id",
                     [sorted(set(doc_ids))])
