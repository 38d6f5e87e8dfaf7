"""Stance-cue precision, recall and target accuracy against the blind gold of benchmarks/stance_gold.jsonl.

Usage: python benchmarks/stance_quality.py [--data ../shared/data] [--split test|dev] [--show-errors]

The gold: 64 held-out IndoSum dev articles on international politics,
annotated from the texts and ../shared/STANCE_GUIDE.md alone before any
korwatch output was seen (benchmarks/stance_gold_README.md); split by article
into dev (rules are tuned on it) and test (reported). The articles are copied
to a fresh folder without metadata and analysed as `korwatch stance` does.

The guide's matching rule: a cue matches a statement when it is in the same
sentence, its category is one the statement accepts and its speaker is one
the statement accepts (an empty speaker only where the statement allows
one). Each cue and each statement matches at most once. Precision: matched
cues over all cues that are not hedges; recall: matched statements over all
statements; target accuracy: matched cues whose target the statement accepts.
Names compare after the alias table's mapping and `entities.fold`, and a name
also matches when one is the other plus words around it ("Trump" and "Donald
Trump", "Kemlu" forms aside).
"""

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from korwatch_utils import clean, load_articles  # noqa: E402
from korwatch_utils.analysis import analyse  # noqa: E402
from korwatch_utils.entities import fold, load_aliases  # noqa: E402
from training.stages import DEFAULT_DATA  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--show-errors", action="store_true", help="list unmatched cues and missed statements")
    args = parser.parse_args()

    doc_ids, statements = read_gold(args.split)
    cues = analyse(gold_articles(args.data, doc_ids)).cues
    names = Names()
    result = score(cues, statements, names)
    precision = result["matched"] / result["cues"] if result["cues"] else 0.0
    recall = result["matched"] / result["statements"] if result["statements"] else 0.0
    target = result["on_target"] / result["matched"] if result["matched"] else 0.0
    print(f"{args.split} split: {len(doc_ids)} articles, {result['statements']} statements, "
          f"{result['cues']} cues (hedges left out)")
    print(f"precision        {precision:.2f} ({result['matched']}/{result['cues']})")
    print(f"recall           {recall:.2f} ({result['matched']}/{result['statements']})")
    print(f"target accuracy  {target:.2f} ({result['on_target']}/{result['matched']})")
    if args.show_errors:
        print("\ncues that match no statement (category / speaker / sentence):")
        for cue in result["wrong_cues"].itertuples(index=False):
            print(f"  {cue.doc_id[:28]} {cue.category:9} {cue.cue!r:18} speaker={cue.speaker!r} target={cue.target!r}"
                  f" | {cue.sentence[:110]}")
        print("\nstatements no cue matched:")
        for statement in result["missed"]:
            print(f"  {statement['doc_id'][:28]} {statement['categories']} {statement['cue']!r} "
                  f"speakers={statement['speakers'][:2]} | {statement['sentence'][:110]}")
        print("\nmatched, target not accepted:")
        for statement, cue in result["matched_pairs"]:
            if not names.accepts(statement["targets"], cue["target"]):
                print(f"  {cue.doc_id[:28]} {cue.category} {cue.cue!r} target={cue.target!r} "
                      f"gold={statement['targets'][:3]}")


if __name__ == "__main__":
    main()
