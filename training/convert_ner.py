"""Convert the Indonesian NER sets to Stanza's JSON format with one PER/ORG/LOC tag set.

Rejoins hyphenated words the sets split ("sama - sama" -> "sama-sama", as UD
and real text have them), drops duplicate sentences, and drops every training
sentence that also occurs in an evaluation split. IDNER-news-2k leaves most
country names untagged where NER-UI and NERGrit tag them LOC; its training
split is harmonised to the majority convention (see `harmonise_locations`).
The training set also gets copies of some sentences with their entities
replaced by names from korwatch's alias table (see `replace_mentions`).
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

TAG_MAP = {"PERSON": "PER", "PER": "PER", "ORGANIZATION": "ORG", "ORGANISATION": "ORG", "ORG": "ORG",
           "LOCATION": "LOC", "PLACE": "LOC", "LOC": "LOC"}
HYPHENS = {"-", "–"}
ALIASES = Path(__file__).resolve().parent.parent / "korwatch_utils" / "data" / "aliases.csv"
REPLACED_SHARE = 0.3  # of the training sentences that hold an entity

Sentence = list[tuple[str, str]]

# (output name, source file relative to data/ner, token column, tag column)
TRAIN_SOURCES = [
    ("idner_train", "idner-news-2k/train.txt", 0, 2),
    ("nerui1_train", "indolem-nerui/train.01.tsv", 0, 1),
    ("nergrit_train", "nergrit-indonlu/train_preprocess.txt", 0, 1),
]
NEWS_SETS = ("idner_train", "nerui1_train")  # NERGrit is mostly Wikipedia biographies
# NER-UI fold-1 dev selects the checkpoint during training; the other three are never trained on.
EVAL_SOURCES = [
    ("nerui1_dev", "indolem-nerui/dev.01.tsv", 0, 1),
    ("nerui1_test", "indolem-nerui/test.01.tsv", 0, 1),
    ("idner_dev", "idner-news-2k/dev.txt", 0, 2),
    ("nergrit_valid", "nergrit-indonlu/valid_preprocess.txt", 0, 1),
]


def read_columns(path: Path, token_col: int, tag_col: int) -> list[Sentence]:
    """Sentences of (token, tag) from a token-per-line file with blank lines between sentences."""
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").replace("\r", "").split("\n"):
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        parts = line.split("\t") if "\t" in line else line.split(" ")
        current.append((parts[token_col], map_tag(parts[tag_col].strip())))
    if current:
        sentences.append(current)
    return sentences


def map_tag(tag: str) -> str:
    """B-PERSON -> B-PER, I-PLACE -> I-LOC; O stays O."""
    if tag == "O" or "-" not in tag:
        return "O"
    prefix, _, label = tag.partition("-")
    return f"{prefix}-{TAG_MAP[label.upper()]}"


def rejoin_hyphens(sentence: Sentence) -> tuple[Sentence, int]:
    """Join word - word into word-word when it is one word; return the sentence and the joins made.

    One word when a side starts in lower case (sama-sama, antar-Korea,
    Jong-un) or both sides lie in the same entity (Asia-Pasifik as one LOC);
    "JAKARTA - Presiden" (a dateline) and "Rusia - Korea" across two entities stay apart.
    """
    out: Sentence = []
    joins = 0
    i = 0
    while i < len(sentence):
        if (out and i + 1 < len(sentence) and sentence[i][0] in HYPHENS
                and _joinable(out[-1], sentence[i + 1])):
            left_token, left_tag = out.pop()
            out.append((f"{left_token}-{sentence[i + 1][0]}", left_tag))
            joins += 1
            i += 2
            continue
        out.append(sentence[i])
        i += 1
    return out, joins


def _joinable(left: tuple[str, str], right: tuple[str, str]) -> bool:
    (lt, ltag), (rt, rtag) = left, right
    if not (lt[-1:].isalnum() and rt[:1].isalnum()):
        return False
    same_entity = ltag != "O" and rtag == f"I-{ltag[2:]}"
    if ltag == "O" and rtag == "O":
        return lt[:1].islower() or rt[:1].islower()
    return same_entity


def location_names(sentences: list[Sentence], *, min_count: int = 3, min_share: float = 0.9) -> set[tuple[str, ...]]:
    """Token sequences tagged LOC in at least min_share of their untagged-or-LOC occurrences (min_count times)."""
    tagged: Counter = Counter()
    for sentence in sentences:
        for start, end in _spans(sentence, "LOC"):
            tagged[tuple(t for t, _ in sentence[start:end])] += 1
    candidates = {name for name, n in tagged.items() if n >= min_count}
    untagged: Counter = Counter()  # occurrences inside other names (Bank Indonesia) do not count either way
    longest = max((len(c) for c in candidates), default=0)
    for sentence in sentences:
        for size in range(1, longest + 1):
            for i in range(len(sentence) - size + 1):
                window = sentence[i:i + size]
                name = tuple(t for t, _ in window)
                if name in candidates and all(tag == "O" for _, tag in window):
                    untagged[name] += 1
    return {name for name in candidates if tagged[name] / (tagged[name] + untagged[name]) >= min_share}


def harmonise_locations(sentences: list[Sentence], names: set[tuple[str, ...]]) -> tuple[list[Sentence], int]:
    """Tag as LOC the untagged occurrences of names (longest first, only inside runs of O)."""
    longest = max((len(n) for n in names), default=0)
    out, changed = [], 0
    for sentence in sentences:
        sentence = list(sentence)
        i = 0
        while i < len(sentence):
            for size in range(min(longest, len(sentence) - i), 0, -1):
                window = sentence[i:i + size]
                after = sentence[i + size][1] if i + size < len(sentence) else "O"
                if (tuple(t for t, _ in window) in names and all(tag == "O" for _, tag in window)
                        and not after.startswith("I-")):
                    sentence[i:i + size] = [(t, "B-LOC" if k == 0 else "I-LOC") for k, (t, _) in enumerate(window)]
                    changed += 1
                    i += size - 1
                    break
            i += 1
        out.append(sentence)
    return out, changed


def domain_names(path: Path = ALIASES) -> dict[str, list[tuple[str, ...]]]:
    """Names by entity type from korwatch's alias table, split into tokens on spaces."""
    names: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names[row["type"]].append(tuple(row["alias"].split()))
    return dict(names)


def replace_mentions(sentences: list[Sentence], names: dict[str, list[tuple[str, ...]]], *,
                     share: float, seed: int = 1234) -> list[Sentence]:
    """Copies of a share of the sentences holding entities, every entity swapped for a random name of its type.

    Mention replacement (Dai & Adel, 2020): the three sets are general news and
    Wikipedia and hardly name korwatch's actors ("Dewan Keamanan PBB" occurs in
    none), so the tagger sees those names in real contexts. Originals stay.
    """
    rng = random.Random(seed)
    copies = []
    for sentence in sentences:
        spans = sorted((start, end, kind) for kind in names for start, end in _spans(sentence, kind))
        if not spans or rng.random() >= share:
            continue
        copy: Sentence = []
        last = 0
        for start, end, kind in spans:
            copy.extend(sentence[last:start])
            name = rng.choice(names[kind])
            copy.extend((token, ("B-" if i == 0 else "I-") + kind) for i, token in enumerate(name))
            last = end
        copy.extend(sentence[last:])
        copies.append(copy)
    return copies


def _spans(sentence: Sentence, kind: str) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, (_, tag) in enumerate([*sentence, ("", "O")]):
        if start is not None and tag != f"I-{kind}":
            spans.append((start, i))
            start = None
        if tag == f"B-{kind}":
            start = i
    return spans


def to_stanza(sentences: list[Sentence]) -> list[list[dict]]:
    return [[{"text": token, "ner": tag} for token, tag in sentence] for sentence in sentences]


def convert(data: Path, out: Path) -> dict:
    """Write <name>.json for every split, train.json (all training sets) and news_train.json (the news sets).

    Returns the counts of sentences written and dropped.
    """
    out.mkdir(parents=True, exist_ok=True)
    stats: dict = {}
    joins_total = 0

    def load(sources):
        nonlocal joins_total
        loaded = {}
        for name, rel, token_col, tag_col in sources:
            rejoined = []
            for sentence in read_columns(data / "ner" / rel, token_col, tag_col):
                sentence, joins = rejoin_hyphens(sentence)
                joins_total += joins
                rejoined.append(sentence)
            loaded[name] = rejoined
        return loaded

    evals = load(EVAL_SOURCES)
    held_out = {_key(s) for sentences in evals.values() for s in sentences}
    for name, sentences in evals.items():
        unique = _dedupe(sentences, set())
        (out / f"{name}.json").write_text(json.dumps(to_stanza(unique), ensure_ascii=False), encoding="utf-8")
        stats[name] = {"sentences": len(unique), "duplicates_dropped": len(sentences) - len(unique)}

    train_sets = load(TRAIN_SOURCES)
    names = location_names(train_sets["nerui1_train"] + train_sets["nergrit_train"])
    train_sets["idner_train"], relabelled = harmonise_locations(train_sets["idner_train"], names)
    harmonised_dev, dev_relabelled = harmonise_locations(evals["idner_dev"], names)
    (out / "idner_dev_harmonised.json").write_text(json.dumps(to_stanza(_dedupe(harmonised_dev, set())),
                                                              ensure_ascii=False), encoding="utf-8")
    stats["harmonised"] = {"location_names": len(names), "idner_train_spans": relabelled,
                           "idner_dev_spans": dev_relabelled}
    combined: list[Sentence] = []
    news: list[Sentence] = []
    seen: set = set()
    for name, sentences in train_sets.items():
        kept = _dedupe(sentences, seen, exclude=held_out)
        stats[name] = {"sentences": len(kept), "dropped": len(sentences) - len(kept)}
        (out / f"{name}.json").write_text(json.dumps(to_stanza(kept), ensure_ascii=False), encoding="utf-8")
        combined.extend(kept)
        if name in NEWS_SETS:
            news.extend(kept)
    replaced = replace_mentions(combined, domain_names(), share=REPLACED_SHARE)
    stats["replaced_mentions"] = {"sentences": len(replaced)}
    combined.extend(replaced)
    (out / "train.json").write_text(json.dumps(to_stanza(combined), ensure_ascii=False), encoding="utf-8")
    stats["train"] = {"sentences": len(combined)}
    news.extend(replace_mentions(news, domain_names(), share=REPLACED_SHARE))
    (out / "news_train.json").write_text(json.dumps(to_stanza(news), ensure_ascii=False), encoding="utf-8")
    stats["news_train"] = {"sentences": len(news)}
    stats["hyphen_joins"] = joins_total
    return stats


def _key(sentence: Sentence) -> tuple[str, ...]:
    return tuple(token.lower() for token, _ in sentence)


def _dedupe(sentences: list[Sentence], seen: set, exclude: set = frozenset()) -> list[Sentence]:
    kept = []
    for sentence in sentences:
        key = _key(sentence)
        if key in seen or key in exclude:
            continue
        seen.add(key)
        kept.append(sentence)
    return kept
