"""Stance scoring against the blind gold (benchmarks/stance_gold.jsonl), importable by the benchmarks and tests.

The guide's matching rule: a cue matches a statement when it is in the same
sentence, its category is one the statement accepts and its speaker is one
the statement accepts (an empty speaker only where the statement allows
one). Each cue and each statement matches at most once. Precision: matched
cues over all cues that are not hedges; recall: matched statements over all
statements; target accuracy: matched cues whose target the statement accepts.
Names compare after the alias table's mapping and `fold`, and a name also
matches when one is the other plus words around it ("Trump" and "Donald Trump").
"""

import json
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from korwatch_utils import clean, load_articles
from korwatch_utils.analyses.entities import load_aliases
from korwatch_utils.text.indonesian import fold

GOLD = Path(__file__).resolve().parent / "stance_gold.jsonl"


def read_gold(split: str) -> tuple[list[str], list[dict]]:
    """The articles of a split and their statements."""
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if row["split"] == split]
    return sorted({row["doc_id"] for row in rows}), [row for row in rows if row.get("sentence")]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def same_sentence(gold: str, found: str) -> bool:
    """The gold sentence and korwatch's sentence are the same one (whitespace and sentence splits aside)."""
    a, b = " ".join(_words(gold)), " ".join(_words(found))
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    shared = Counter(a.split()) & Counter(b.split())
    return sum(shared.values()) >= 0.6 * min(len(a.split()), len(b.split()))


class Names:
    """Name comparison after the alias table: "Korut" and "Korea Utara" are one name."""

    def __init__(self):
        aliases = load_aliases()
        self.canonical = {fold(alias): fold(entity) for alias, entity in zip(aliases["alias"], aliases["entity"])}

    def key(self, name: str) -> str:
        folded = fold(name)
        return self.canonical.get(folded, folded)

    def accepts(self, accepted: list[str], name: str) -> bool:
        if not name:
            return "" in accepted or not accepted
        key = self.key(name)
        for option in accepted:
            if not option:
                continue
            other = self.key(option)
            if key == other or f" {key} " in f" {other} " or f" {other} " in f" {key} ":
                return True
        return False


def score(cues, statements: list[dict], names: Names) -> dict:
    """Match cues to statements one to one (guide's rule); counts and the unmatched of each side."""
    cues = cues[cues["category"] != "hedge"].reset_index(drop=True)
    by_doc: dict[str, list] = {}
    for index, cue in zip(cues.index, cues.to_dict("records")):
        by_doc.setdefault(cue["doc_id"], []).append((index, cue))
    used: set[int] = set()
    matched = []  # (statement, cue row)
    for statement in statements:
        for index, cue in by_doc.get(statement["doc_id"], []):
            if index in used or not same_sentence(statement["sentence"], cue["sentence"]):
                continue
            if cue["category"] in statement["categories"] and names.accepts(statement["speakers"], cue["speaker"]):
                used.add(index)
                matched.append((statement, cues.loc[index]))
                break
    on_target = sum(names.accepts(statement["targets"], cue["target"]) for statement, cue in matched)
    found_ids = {id(statement) for statement, _ in matched}
    return {
        "cues": len(cues), "statements": len(statements), "matched": len(matched), "on_target": on_target,
        "wrong_cues": cues.drop(index=list(used)), "missed": [s for s in statements if id(s) not in found_ids],
        "matched_pairs": matched,
    }


def gold_articles(data: Path, doc_ids: list[str]):
    """The gold articles, copied to a fresh folder without metadata and cleaned as `korwatch run` cleans them."""
    source = data / "articles" / "indosum-dev"
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for doc_id in doc_ids:
            shutil.copyfile(source / f"{doc_id}.txt", folder / f"{doc_id}.txt")
        return clean(load_articles(folder).articles).articles


def per_article(cues, statements: list[dict], names: Names, doc_ids: list[str]) -> pd.DataFrame:
    """The guide's counts article by article (matching never crosses articles): cues, statements, matched,
    on_target."""
    rows = []
    for doc_id in doc_ids:
        result = score(cues[cues["doc_id"] == doc_id], [s for s in statements if s["doc_id"] == doc_id], names)
        rows.append({"doc_id": doc_id, **{k: result[k] for k in ("cues", "statements", "matched", "on_target")}})
    return pd.DataFrame(rows)


def rates(counts: pd.DataFrame) -> tuple[float, float, float]:
    """Precision, recall and target accuracy from summed counts."""
    total = counts[["cues", "statements", "matched", "on_target"]].sum()
    return (total["matched"] / total["cues"] if total["cues"] else 0.0,
            total["matched"] / total["statements"] if total["statements"] else 0.0,
            total["on_target"] / total["matched"] if total["matched"] else 0.0)


def bootstrap(counts: pd.DataFrame, rounds: int = 2000, seed: int = 0) -> list[tuple[float, float]]:
    """95 % intervals of precision, recall and target accuracy, resampling articles with replacement."""
    generator = np.random.default_rng(seed)
    values = counts[["cues", "statements", "matched", "on_target"]].to_numpy(dtype=float)
    draws = []
    for _ in range(rounds):
        cues, statements, matched, on_target = values[generator.integers(0, len(values), len(values))].sum(axis=0)
        draws.append((matched / cues if cues else 0.0, matched / statements if statements else 0.0,
                      on_target / matched if matched else 0.0))
    draws = np.array(draws)
    return [(float(np.percentile(draws[:, i], 2.5)), float(np.percentile(draws[:, i], 97.5))) for i in range(3)]


def speaker_named_in_sentence(statement: dict, names: Names) -> bool:
    """Whether one of the statement's accepted speakers is written in its sentence."""
    sentence = f" {fold(statement['sentence'])} "
    return any(f" {names.key(name)} " in sentence or f" {fold(name)} " in sentence
               for name in statement["speakers"] if name)


def speaker_right_share(cues, statements: list[dict], names: Names, which) -> tuple[int, int]:
    """Of the rows with a speaker that report a statement `which(statement, row)` selects (same sentence and
    an accepted category), how many name an accepted speaker: (right, rows)."""
    right = total = 0
    for row in cues[cues["speaker"] != ""].to_dict("records"):
        statement = next((s for s in statements if s["doc_id"] == row["doc_id"] and row["category"] in s["categories"]
                          and same_sentence(s["sentence"], row["sentence"])), None)
        if statement is not None and which(statement, row):
            total += 1
            right += names.accepts(statement["speakers"], row["speaker"])
    return right, total
