"""Stance attribution with the rules alone and with the parse filling what they leave open, on the gold's dev split.

Usage: python -m research.syntax.compare_attribution [--split dev|test] [--data ../shared/data]

Prints precision, recall and target accuracy (benchmarks/stance_quality.py's
scorer) for each way, and the seconds the cue step took.
"""

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from benchmarks.stance_scoring import Names, gold_articles, read_gold, score

from korwatch_utils.analyses.analysis import analyse
from korwatch_utils.analyses.entities import entity_mentions
from korwatch_utils.nlp.ner import annotate
from korwatch_utils.analyses.stance import stance_cues
from training.stages import DEFAULT_DATA


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    args = parser.parse_args()
    doc_ids, statements = read_gold(args.split)
    articles = gold_articles(args.data, doc_ids)
    analysis = analyse(articles)  # names harmonised as korwatch shows them
    annotations = annotate(articles)
    mentions = entity_mentions(articles, annotations)
    names = Names()
    for label, syntax in (("rules", False), ("rules + parse", True)):
        start = time.perf_counter()
        cues = stance_cues(articles, mentions, annotations.sentences, syntax=syntax)
        seconds = time.perf_counter() - start
        rename = dict(zip(mentions["entity"], mentions["entity"]))  # mentions already canonical
        cues = cues.assign(speaker=cues["speaker"].map(lambda n: rename.get(n, n)))
        result = score(cues, statements, names)
        p = result["matched"] / result["cues"]
        r = result["matched"] / result["statements"]
        t = result["on_target"] / result["matched"] if result["matched"] else 0.0
        print(f"{args.split} {label:<14} precision {p:.2f} ({result['matched']}/{result['cues']})  recall {r:.2f}  "
              f"target {t:.2f} ({result['on_target']}/{result['matched']})  cue step {seconds:.1f} s")
    print(f"(korwatch's analyse, as shipped: {len(analysis.cues)} cues)")


if __name__ == "__main__":
    main()
