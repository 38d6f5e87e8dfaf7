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
    used: set[int] = set()
    matched = []  # (statement, cue row)
    for statement in statements:
        for index, cue in cues.iterrows():
            if index in used or cue["doc_id"] != statement["doc_id"]:
                continue
            if not same_sentence(statement["sentence"], cue["sentence"]):
                continue
            if cue["category"] in statement["categories"] and names.accepts(statement["speakers"], cue["speaker"]):
                used.add(index)
                matched.append((statement, cue))
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
