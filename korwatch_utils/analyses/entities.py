"""Canonical entity names, entity frequency and co-occurrence over the mentions table.

Indonesian news names one actor many ways ("Presiden Rusia Vladimir Putin",
"Tn. Putin", "Putin"; "Korut", "DPRK"; "Kim Jong-un"). `canonicalize` gives each
mention one canonical `entity` name; the other functions count them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import pandas as pd

from korwatch_utils.analyses.countries import add_country_codes
from korwatch_utils.data import DATA_DIR, titles
from korwatch_utils.text.indonesian import fold

ALIAS_COLUMNS = ["alias", "entity", "type"]
ENTITY_COLUMNS = ["doc_id", "entity", "type", "code", "mentions"]
TOTAL_COLUMNS = ["entity", "type", "code", "mentions", "articles"]
COOCCURRENCE_COLUMNS = ["entity_a", "entity_b", "sentences", "articles", "doc_ids"]
SUGGESTION_COLUMNS = ["alias", "entity", "type", "score", "reason", "alias_mentions", "entity_mentions"]
_COMPOUND_HYPHEN = re.compile(r"[-\u2010-\u2013](?=[A-Z])")
# Places and institutions named after people: the tagger knows the person's name far better than
# the compound, so "Lapangan Kim Il Sung" (Kim Il Sung Square) comes out as the person, with or
# without the noun in its span. The noun before the name decides the type.
NAMED_AFTER_NOUNS = {
    **dict.fromkeys(["Lapangan", "Alun-alun", "Bandara", "Bandar Udara", "Stadion", "Jalan", "Jl.", "Bundaran",
                     "Taman", "Pelabuhan", "Monumen", "Mausoleum", "Makam", "Istana", "Gedung", "Masjid",
                     "Stasiun", "Terminal", "Museum", "Kompleks"], "LOC"),
    **dict.fromkeys(["Universitas", "Institut", "Akademi", "Sekolah", "Rumah Sakit", "Yayasan"], "ORG"),
}
_NOUN_ALTERNATIVES = "|".join(re.escape(noun) for noun in sorted(NAMED_AFTER_NOUNS, key=len, reverse=True))
_NOUN_BEFORE = re.compile(rf"(?<![\w-])({_NOUN_ALTERNATIVES}) $")
_NOUN_INSIDE = re.compile(rf"({_NOUN_ALTERNATIVES}) (?=[A-Z])")


def load_aliases(*paths: str | Path | None) -> pd.DataFrame:
    """The shipped alias table (korwatch_utils/data/aliases.csv), extended or overridden by the given files.

    Each file has the columns alias, entity, type; a later file's row for the
    same alias (spelling variants count as the same) replaces an earlier one.

    Raises:
        ValueError: a file lacks one of the columns, or a type is not PER, ORG or LOC.
    """
    frames = []
    for path in (DATA_DIR / "aliases.csv", *[p for p in paths if p]):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [column for column in ALIAS_COLUMNS if column not in frame.columns]
        if missing:
            raise ValueError(f"alias file {path} lacks the column(s) {', '.join(missing)}")
        frame = frame[ALIAS_COLUMNS].apply(lambda column: column.str.strip())
        bad = sorted(set(frame["type"]) - {"PER", "ORG", "LOC"})
        if bad:
            raise ValueError(f"alias file {path}: type must be PER, ORG or LOC, not {', '.join(bad)}")
        frames.append(frame[(frame["alias"] != "") & (frame["entity"] != "")])
    table = pd.concat(frames, ignore_index=True)
    return table.loc[~table["alias"].map(fold).duplicated(keep="last")].reset_index(drop=True)


def analyst_aliases(input_dir: str | Path | None = None, aliases_file: str | Path | None = None) -> pd.DataFrame:
    """The shipped alias table plus the analyst's: aliases_file, else aliases.csv in input_dir if there is one."""
    if aliases_file is None and input_dir is not None and (Path(input_dir) / "aliases.csv").is_file():
        aliases_file = Path(input_dir) / "aliases.csv"
    return load_aliases(aliases_file)


@lru_cache(maxsize=1)
def _titles() -> tuple[frozenset[str], int]:
    """Folded titles and honorifics (korwatch_utils/data/titles.csv), and the most words one has."""
    folded = frozenset(fold(title) for title in titles())
    return folded, max(len(title.split()) for title in folded)


def strip_name(text: str, kind: str, places: frozenset[str] = frozenset()) -> str:
    """The name inside a mention: without leading lowercase words, titles and the place after a title.

    "pusat Pyongyang" -> "Pyongyang"; PER "Presiden Rusia Vladimir Putin" ->
    "Vladimir Putin"; "Tn. Campbell" -> "Campbell". A mention that is only a
    title ("Tn") gives "". `places` are folded place names ("rusia",
    "korea selatan") that may follow a title.
    """
    words = text.split()
    title_words, longest = _titles()
    while len(words) > 1 and words[0][:1].islower():
        words = words[1:]  # a common noun swept into the span: "pusat Pyongyang" (centre of)

    def strip_leading(vocabulary: frozenset[str], limit: int) -> bool:
        for size in range(min(limit, len(words)), 0, -1):
            if fold(" ".join(words[:size])) in vocabulary:
                del words[:size]
                return True
        return False

    if kind != "PER":  # "Kepala Staf Gabungan" is an organisation; only a lone "Tn" or "Presiden" goes
        return "" if len(words) == 1 and fold(words[0]) in title_words else " ".join(words)
    stripped_title = False
    while words and strip_leading(title_words, longest):
        stripped_title = True
    if not words:
        return ""
    if stripped_title and len(words) > 1:
        strip_leading(places, 3)  # "Presiden [Rusia] Vladimir Putin"
    while len(words) > 1 and words[0][:1].islower():
        words = words[1:]
    return " ".join(words)


def canonicalize(mentions: pd.DataFrame, articles: pd.DataFrame | None = None,
                 aliases: pd.DataFrame | None = None, *, per_article: bool = False) -> pd.DataFrame:
    """The mentions table with `entity` set to one canonical name per actor and `type` to that entity's type.

    In order: a mention joining two known names with a hyphen ("Rusia-Korea
    Utara") becomes two mentions; titles and stray lowercase words are stripped
    (`strip_name`); acronyms defined in the article ("Kementerian Luar Negeri
    Korea Selatan (CEMLU)", needs `articles` for the text) and the alias table
    map names to entities; a one-word person name resolves to the one longer
    person name in the same article that starts or ends with it (two Kims in
    one article stay "Kim"); spelling variants (case, hyphens, accents) share
    one spelling and each entity one type (`unify_names`). Metonyms stay as
    they are unless the alias table maps them. A mention that is only a title
    gets entity "", which the tables below leave out.

    Every step up to `unify_names` depends only on the mention's own article
    and the alias table, so articles can be canonicalised in any batches.

    Args:
        mentions: the mentions table from `ner.annotate`.
        articles: the cleaned articles (doc_id, text), to confirm acronyms in brackets.
        aliases: an alias table (default `load_aliases()`: the shipped one).
        per_article: unify spellings and types within each article only; `unify_names` over
            all articles' mentions then gives the same result as a call without it.

    Returns:
        A new mentions table, same columns; rows only added where a compound was split.
    """
    aliases = load_aliases() if aliases is None else aliases
    by_alias = {fold(e): (e, t) for _, e, t in aliases[ALIAS_COLUMNS].itertuples(index=False)}
    by_alias.update({fold(a): (e, t) for a, e, t in aliases[ALIAS_COLUMNS].itertuples(index=False)})
    frame = _split_compounds(mentions.reset_index(drop=True), by_alias)
    if frame.empty:
        return frame.assign(entity=pd.Series(dtype=str))

    alias_places = {key for key, (_, kind) in by_alias.items() if kind == "LOC"}
    places = {doc_id: frozenset(alias_places | {fold(text) for text in group.loc[group["type"] == "LOC", "text"]})
              for doc_id, group in frame.groupby("doc_id", sort=False)}
    names = [strip_name(text, kind, places[doc_id])
             for doc_id, text, kind in zip(frame["doc_id"], frame["text"], frame["type"])]
    resolved = [by_alias.get(fold(name), (name, kind)) if name else ("", kind)
                for name, kind in zip(names, frame["type"])]
    texts = dict(zip(articles["doc_id"], articles["text"])) if articles is not None else {}
    resolved = _apply_acronym_definitions(frame, names, resolved, texts, by_alias)
    resolved = _resolve_short_names(frame, names, resolved)
    frame["entity"] = [entity for entity, _ in resolved]
    frame["type"] = [kind for _, kind in resolved]
    frame = unify_names(frame, per_article=True)
    return frame if per_article else unify_names(frame)


def spelling_rank(name: str, count: int) -> tuple:
    """The one rule for the spelling an entity goes by, lowest first: mixed case before all capitals
    ("Andrzej Duda" before "ANDRZEJ DUDA"), then the commonest, then alphabetical.

    Alias-table entities need no rank: `canonicalize` maps every spelling of them to the table's.
    """
    return (name.isupper() and len(name) > 4, -count, name)


def unify_names(mentions: pd.DataFrame, *, per_article: bool = False) -> pd.DataFrame:
    """One spelling (`spelling_rank`) and one type (the commonest, then alphabetical) per entity, and its
    country code (`countries.country_code`).

    Spellings that `fold` alike are one entity. The store calls this over every
    stored article's mentions (`analysis.harmonise`), so its answer does not
    depend on how articles fell into chunks.

    Args:
        mentions: mentions with `entity` and `type`.
        per_article: decide within each article instead of across all of them.
    """
    spelling, kinds = name_choices(mentions, per_article=per_article)
    groups = mentions["doc_id"] if per_article else [None] * len(mentions)
    entities = [spelling[(group, fold(entity))] if entity else "" for group, entity in zip(groups, mentions["entity"])]
    types = [kinds[(group, entity)] if entity else kind for group, entity, kind in zip(groups, entities, mentions["type"])]
    return add_country_codes(mentions.assign(entity=entities, type=types))


def name_choices(mentions: pd.DataFrame, *, per_article: bool = False) -> tuple[dict, dict]:
    """The spelling of each folded name and the type of each entity, keyed by (doc_id or None, name).

    mentions may carry a column `n`: each row then counts n times (a store passes its mention counts per
    entity and type instead of every mention)."""
    groups = mentions["doc_id"] if per_article else [None] * len(mentions)
    weights = mentions["n"] if "n" in mentions else [1] * len(mentions)
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for group, entity, weight in zip(groups, mentions["entity"], weights):
        if entity:
            counts[(group, fold(entity))][entity] += weight
    spelling = {key: min(counter, key=lambda name: spelling_rank(name, counter[name]))
                for key, counter in counts.items()}
    votes: dict[tuple, Counter] = defaultdict(Counter)
    for group, entity, kind, weight in zip(groups, mentions["entity"], mentions["type"], weights):
        if entity:
            votes[(group, spelling[(group, fold(entity))])][kind] += weight
    kinds = {key: min(counter, key=lambda kind: (-counter[kind], kind)) for key, counter in votes.items()}
    return spelling, kinds


def find_known_names(articles: pd.DataFrame, mentions: pd.DataFrame, sentences: pd.DataFrame,
                     aliases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add mentions of alias-table names that the model missed, or cut short, in the articles' text.

    A name from the alias column found as written (case-sensitive, whole
    words) becomes a mention when no model mention overlaps it ("DPRK" in
    seed 004), or replaces the model mentions it contains ("Dewan Keamanan
    PBB" where the model tagged "PBB"). The model's tagging wins where a
    match is inside a longer model mention or overlaps one partially. The type
    comes from the alias table.

    Args:
        articles: the cleaned articles (doc_id, text) that were annotated.
        mentions, sentences: from `ner.annotate`.
        aliases: default `load_aliases()`.
    """
    aliases = load_aliases() if aliases is None else aliases
    pattern = _alias_pattern(tuple(aliases["alias"]))
    kinds = dict(zip(aliases["alias"], aliases["type"]))
    # Sentences and the model's mentions do not overlap: sorted by start, their ends are sorted too, and
    # bisection finds what a match touches (an article of many sentences stays linear).
    bounds = {doc_id: sorted(group[["start_char", "end_char", "sent_id"]].to_numpy().tolist())
              for doc_id, group in sentences.groupby("doc_id", sort=False)}
    sentence_starts = {doc_id: [s for s, _, _ in rows] for doc_id, rows in bounds.items()}
    spans = defaultdict(list)
    for row in mentions[["doc_id", "start_char", "end_char"]].itertuples(index=False):
        spans[row.doc_id].append((row.start_char, row.end_char))
    for found in spans.values():
        found.sort()
    span_starts = {doc_id: [s for s, _ in found] for doc_id, found in spans.items()}
    span_ends = {doc_id: [e for _, e in found] for doc_id, found in spans.items()}
    added, replaced = [], set()
    for doc_id, text in zip(articles["doc_id"], articles["text"]):
        for match in pattern.finditer(text):
            start, end = match.span()
            overlapping = spans[doc_id][bisect_right(span_ends.get(doc_id, []), start):
                                        bisect_left(span_starts.get(doc_id, []), end)]
            if any(s < start or e > end or (s, e) == (start, end) for s, e in overlapping):
                continue  # the model's span is longer, equal or crosses the name
            index = bisect_right(sentence_starts.get(doc_id, []), start) - 1
            if index < 0 or not start < bounds[doc_id][index][1]:
                continue
            sent_id = bounds[doc_id][index][2]
            replaced.update((doc_id, s, e) for s, e in overlapping)
            added.append({"doc_id": doc_id, "sent_id": sent_id, "start_char": start, "end_char": end,
                          "text": match.group(), "type": kinds[match.group()], "entity": match.group()})
    keep = [(d, s, e) not in replaced for d, s, e in zip(mentions["doc_id"], mentions["start_char"], mentions["end_char"])]
    frame = pd.concat([mentions[keep], pd.DataFrame(added, columns=mentions.columns)], ignore_index=True)
    return frame.sort_values(["doc_id", "start_char"], kind="stable", ignore_index=True).astype(mentions.dtypes.to_dict())


@lru_cache(maxsize=8)
def _alias_pattern(names: tuple[str, ...]) -> re.Pattern:
    """One regex for all alias names, longest first, matching whole words only."""
    alternatives = "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def name_places_after_people(mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Retype person mentions that name a place or an institution ("Lapangan Kim Il Sung").

    A PER mention that starts with, or directly follows in the text, a noun of
    NAMED_AFTER_NOUNS ("Lapangan", "Bandara", "Universitas" ...) becomes that
    place (LOC) or institution (ORG), its span widened to take the noun in.
    Other mentions are left as they are.
    """
    texts = dict(zip(articles["doc_id"], articles["text"]))
    frame = mentions.copy()
    for index, row in frame[frame["type"] == "PER"].iterrows():
        start, text = row["start_char"], row["text"]
        inside = _NOUN_INSIDE.match(text)
        if inside:
            noun = inside.group(1)
        else:  # search with pos/endpos, not a slice, so that the lookbehind sees the character before
            before = _NOUN_BEFORE.search(texts.get(row["doc_id"], ""), max(0, start - 20), start)
            if not before:
                continue
            noun, start, text = before.group(1), before.start(), before.group(0) + text
        frame.loc[index, ["start_char", "text", "type", "entity"]] = [start, text, NAMED_AFTER_NOUNS[noun], text]
    return frame


def entity_mentions(articles: pd.DataFrame, annotations, aliases: pd.DataFrame | None = None, *,
                    per_article: bool = False) -> pd.DataFrame:
    """The canonical mentions of the notebooks and the CLI: `find_known_names`, `name_places_after_people`,
    then `canonicalize`.

    Args:
        articles: the cleaned articles.
        annotations: `ner.annotate(articles)` (sentences, mentions).
        aliases: default `load_aliases()`; pass `load_aliases(analyst_file)` to extend it.
        per_article: names as each article decides them alone (see `canonicalize`).
    """
    aliases = load_aliases() if aliases is None else aliases
    found = find_known_names(articles, annotations.mentions, annotations.sentences, aliases)
    return canonicalize(name_places_after_people(found, articles), articles, aliases, per_article=per_article)


def _split_compounds(frame: pd.DataFrame, by_alias: dict) -> pd.DataFrame:
    """Split "Rusia-Korea Utara" into "Rusia" and "Korea Utara" when both halves are names known to the
    alias table or tagged elsewhere in the same article."""
    tagged = {doc_id: {fold(text) for text in group} for doc_id, group in frame.groupby("doc_id", sort=False)["text"]}
    rows = []
    for row in frame.to_dict("records"):
        parts = _COMPOUND_HYPHEN.split(row["text"])
        known = tagged.get(row["doc_id"], set())
        if len(parts) > 1 and all((fold(part) in by_alias or fold(part) in known) and part[:1].isupper()
                                  for part in parts):
            offset = row["start_char"]
            for part in parts:
                kind = by_alias.get(fold(part), (None, row["type"]))[1]
                rows.append({**row, "start_char": offset, "end_char": offset + len(part), "text": part, "type": kind})
                offset += len(part) + 1
        else:
            rows.append(row)
    return pd.DataFrame(rows, columns=frame.columns)


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 8 and " " not in name and sum(ch.isupper() for ch in letters) >= len(letters) - 1


def _apply_acronym_definitions(frame, names, resolved, texts: dict, by_alias: dict) -> list[tuple[str, str]]:
    """Map an acronym to the name it follows or precedes in brackets in the same article.

    "Kementerian Luar Negeri Korea Selatan (CEMLU)": every CEMLU in that article
    is that ministry. When the alias table knows either form, both take its entity.
    """
    if not texts:
        return resolved
    result = list(resolved)
    mapping: dict[tuple[str, str], tuple[str, str]] = {}
    doc_ids, starts, ends = list(frame["doc_id"]), list(frame["start_char"]), list(frame["end_char"])
    order = sorted(range(len(frame)), key=lambda i: (doc_ids[i], starts[i]))
    for first, second in zip(order[:-1], order[1:]):
        doc_id = doc_ids[first]
        if doc_ids[second] != doc_id or not names[first] or not names[second]:
            continue
        text = texts.get(doc_id, "")
        if text[ends[first]:starts[second]] != " (" or text[ends[second]:ends[second] + 1] != ")":
            continue
        long_form, short = (first, second) if _is_acronym(names[second]) else (second, first)
        if not _is_acronym(names[short]) or _is_acronym(names[long_form]):
            continue
        known = by_alias.get(fold(names[short])) or by_alias.get(fold(names[long_form]))
        target = known or resolved[long_form]
        mapping[(doc_id, fold(names[short]))] = target
        mapping[(doc_id, fold(names[long_form]))] = target
    if mapping:
        for index, (doc_id, name) in enumerate(zip(doc_ids, names)):
            result[index] = mapping.get((doc_id, fold(name)), result[index])
    return result


def _resolve_short_names(frame, names, resolved) -> list[tuple[str, str]]:
    """A one-word person name takes the one longer person name of its article that starts or ends with it."""
    candidates: dict[tuple[str, str], set[str]] = defaultdict(set)
    for doc_id, name, (entity, kind) in zip(frame["doc_id"], names, resolved):
        if kind != "PER":
            continue
        for form in {name, entity}:
            words = fold(form).split()
            if len(words) > 1:
                candidates[(doc_id, words[0])].add(entity)
                candidates[(doc_id, words[-1])].add(entity)
    result = list(resolved)
    for index, (doc_id, (entity, kind)) in enumerate(zip(frame["doc_id"], resolved)):
        words = fold(entity).split()
        if kind == "PER" and len(words) == 1:
            found = candidates.get((doc_id, words[0]), set())
            if len(found) == 1:
                result[index] = (next(iter(found)), kind)
    return result


def entity_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """doc_id, entity, type, code, mentions: one row per article and entity, most mentioned first.

    code is a country's ISO 3166-1 alpha-3 code (`countries.country_code`), '' for other entities.
    """
    named = mentions[mentions["entity"] != ""]
    table = named.groupby(["doc_id", "entity", "type"], sort=False).size().reset_index(name="mentions")
    return add_country_codes(table).sort_values(["doc_id", "mentions", "entity"], ascending=[True, False, True],
                                                ignore_index=True)[ENTITY_COLUMNS]


def entity_totals(table: pd.DataFrame) -> pd.DataFrame:
    """entity, type, code, mentions, articles over the whole corpus, from `entity_table`'s rows."""
    totals = table.groupby(["entity", "type", "code"], sort=False).agg(
        mentions=("mentions", "sum"), articles=("doc_id", "nunique")).reset_index()
    return totals.sort_values(["mentions", "articles", "entity"], ascending=[False, False, True],
                              ignore_index=True)[TOTAL_COLUMNS]


def filter_entities(mentions: pd.DataFrame, *, types=None, min_mentions: int = 1, doc_ids=None,
                    search: str = "", merge: bool = True) -> pd.DataFrame:
    """Corpus totals after the notebook's filters; the widgets and `korwatch entity-totals` call this.

    Args:
        mentions: canonicalised mentions.
        types: keep these entity types (default all).
        min_mentions: keep entities mentioned at least this often in the chosen articles.
        doc_ids: count only these articles (default all).
        search: keep names containing this text (case, accents and hyphens ignored).
        merge: count canonical entities; False counts the surface strings as written.
    """
    chosen = mentions[mentions["entity"] != ""]
    if not merge:
        chosen = chosen.assign(entity=chosen["text"])
    if types:
        chosen = chosen[chosen["type"].isin(list(types))]
    if doc_ids:
        chosen = chosen[chosen["doc_id"].isin(list(doc_ids))]
    if search.strip():
        chosen = chosen[chosen["entity"].map(fold).str.contains(fold(search), regex=False)]
    totals = entity_totals(entity_table(chosen))
    return totals[totals["mentions"] >= min_mentions].reset_index(drop=True)


def mentions_per_article(table: pd.DataFrame, entities=None, articles: int = 30) -> pd.DataFrame:
    """Entities as rows, articles as columns, mention counts as cells (0 where absent): the `articles` articles
    that mention these entities most (ties: the first ids), in id order."""
    if entities is not None:
        table = table[table["entity"].isin(list(entities))]
    per_article = table.groupby("doc_id")["mentions"].sum()
    chosen = per_article.sort_values(ascending=False, kind="stable").index[:articles]
    table = table[table["doc_id"].isin(chosen)]
    pivot = table.pivot_table(index="entity", columns="doc_id", values="mentions", aggfunc="sum", fill_value=0)
    order = pivot.sum(axis=1).sort_values(ascending=False, kind="stable").index
    return pivot.loc[order].rename_axis(columns=None)


def cooccurrence(mentions: pd.DataFrame) -> pd.DataFrame:
    """Pairs of entities named in the same sentence: how many sentences and articles they share.

    Returns:
        entity_a, entity_b (in alphabetical order), sentences, articles, doc_ids
        (space-separated), most shared first.
    """
    named = mentions.loc[mentions["entity"] != "", ["doc_id", "sent_id", "entity"]].drop_duplicates()
    pairs = Counter()
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (doc_id, _), group in named.groupby(["doc_id", "sent_id"], sort=False):
        for pair in combinations(sorted(group["entity"]), 2):
            pairs[pair] += 1
            docs[pair].add(doc_id)
    rows = [(a, b, count, len(docs[(a, b)]), " ".join(sorted(docs[(a, b)]))) for (a, b), count in pairs.items()]
    table = pd.DataFrame(rows, columns=COOCCURRENCE_COLUMNS)
    return table.sort_values(["sentences", "articles", "entity_a", "entity_b"],
                             ascending=[False, False, True, True], ignore_index=True)


def suggest_aliases(mentions: pd.DataFrame, threshold: float = 85.0) -> pd.DataFrame:
    """Likely variants of the same name, for the analyst to confirm into aliases.csv.

    Two kinds, within one type: names whose folded spellings are close
    (rapidfuzz ratio >= threshold: "Zelenskyy"/"Zelensky", "Moskwa"/"Moskow"),
    and one-word person names that are the first or last word of a longer one
    elsewhere in the corpus ("Miller" -> "Matthew Miller"), which
    `canonicalize` resolves only within one article. The rarer or shorter name
    is proposed as the alias of the other. Columns: alias, entity, type (as in
    aliases.csv), score, reason, alias_mentions, entity_mentions. mentions may be
    counts: rows of entity, type and n (`storage.queries.mention_counts`).
    """
    from rapidfuzz import fuzz, process

    named = mentions[mentions["entity"] != ""]
    counts = named.groupby(["entity", "type"])["n"].sum() if "n" in named else named.groupby(["entity", "type"]).size()
    rows = []
    for kind, group in counts.groupby(level="type"):
        names = [entity for entity, _ in group.index]
        folded = [fold(name) for name in names]
        scores = process.cdist(folded, folded, scorer=fuzz.ratio, score_cutoff=threshold)
        for i, j in zip(*scores.nonzero()):
            if i < j and folded[i] != folded[j]:
                rows.append(_suggestion(names[i], names[j], kind, float(scores[i, j]), "similar spelling", group))
        if kind != "PER":
            continue  # "Jepang" is not short for "Laut Jepang"
        long_names: dict[str, list[str]] = defaultdict(list)
        for name, key in zip(names, folded):
            words = key.split()
            if len(words) > 1:
                long_names[words[0]].append(name)
                long_names[words[-1]].append(name)
        for name, key in zip(names, folded):
            if " " not in key and len(long_names.get(key, [])) == 1:
                rows.append((name, long_names[key][0], kind, 100.0, "short form",
                             int(group[(name, kind)]), int(group[(long_names[key][0], kind)])))
    table = pd.DataFrame(rows, columns=SUGGESTION_COLUMNS).drop_duplicates(["alias", "entity", "type"])
    return table.sort_values(["score", "entity_mentions"], ascending=False, ignore_index=True)


def _suggestion(first: str, second: str, kind: str, score: float, reason: str, counts) -> tuple:
    """Propose the rarer (then shorter) name as the alias of the other."""
    a, b = int(counts[(first, kind)]), int(counts[(second, kind)])
    alias, entity = (first, second) if (a, len(first)) < (b, len(second)) else (second, first)
    return (alias, entity, kind, round(score, 1), reason, int(counts[(alias, kind)]), int(counts[(entity, kind)]))
