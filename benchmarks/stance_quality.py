"""Stance-cue precision, recall and target accuracy against the blind gold of benchmarks/stance_gold.jsonl.

Usage: python -m benchmarks.stance_quality [--data ../shared/data] [--split test|dev] [--show-errors]

The gold: 64 held-out IndoSum dev articles on international politics,
annotated from the texts and ../shared/STANCE_GUIDE.md alone before any
korwatch output was seen (benchmarks/stance_gold_README.md); split by article
into dev (rules are tuned on it) and test (reported). The articles are copied
to a fresh folder without metadata and analysed as `korwatch stance` does.

Matching and scoring: benchmarks/stance_scoring.py (the guide's rule).
"""

import argparse
from pathlib import Path

from benchmarks.stance_scoring import Names, gold_articles, read_gold, score
from korwatch_utils.analyses.analysis import analyse
from training.stages import DEFAULT_DATA


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
