"""Stance statements against the blind gold of benchmarks/stance_gold.jsonl: precision, recall and target
accuracy with 95 % intervals, recall by kind, speaker accuracy where it is hard, a reliability table, the
annotators' agreement as the ceiling, and the attributor's cost beside NER's.

Usage: python -m benchmarks.stance_quality [--data ../shared/data] [--split test|dev] [--show-errors]

The gold: 64 held-out IndoSum dev articles on international politics,
annotated from the texts and STANCE_GUIDE.md alone before any korwatch output
was seen (benchmarks/stance_gold_README.md); split by article into dev and
test. Neither is trained on; the attributor's thresholds and calibration are
tuned on the training data's dev articles and the gold's dev split, so the
test split is reported. The articles are copied to a fresh folder without
metadata and analysed as `korwatch stance` does. Matching and scoring:
benchmarks/stance_scoring.py (the guide's rule).
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.stance_scoring import (
    Names, bootstrap, gold_articles, per_article, rates, read_gold, score, speaker_named_in_sentence,
    speaker_right_share,
)
from korwatch_utils.analyses.attribution import attribute, default_min_confidence
from korwatch_utils.analyses.entities import entity_mentions
from korwatch_utils.analyses.stance import stance_cues
from korwatch_utils.nlp.ner import annotate
from training.stages import DEFAULT_DATA
from training.train_attribution import annotated_statements, as_gold

BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.01)


def _line(name: str, value: float, interval: tuple[float, float], counts: str) -> str:
    return f"{name:17}{value:.2f}  [{interval[0]:.2f}, {interval[1]:.2f}]  ({counts})"


def report(name: str, cues, statements, names, doc_ids) -> None:
    counts = per_article(cues, statements, names, doc_ids)
    p, r, t = rates(counts)
    (pl, ph), (rl, rh), (tl, th) = bootstrap(counts)
    total = counts.sum(numeric_only=True)
    print(f"{name}: {int(total['cues'])} rows, {int(total['statements'])} statements")
    print("  " + _line("precision", p, (pl, ph), f"{int(total['matched'])}/{int(total['cues'])}"))
    print("  " + _line("recall", r, (rl, rh), f"{int(total['matched'])}/{int(total['statements'])}"))
    print("  " + _line("target accuracy", t, (tl, th), f"{int(total['on_target'])}/{int(total['matched'])}"))


def recall_by_kind(cues, statements, names) -> None:
    result = score(cues, statements, names)
    found = {id(statement) for statement, _ in result["matched_pairs"]}
    kinds = {"direct quote": lambda s: s["quote"], "indirect or stance verb": lambda s: not s["quote"],
             "speaker not named in the sentence": lambda s: not speaker_named_in_sentence(s, names)}
    print("recall by kind of statement:")
    for kind, selects in kinds.items():
        chosen = [s for s in statements if selects(s)]
        hit = sum(id(s) in found for s in chosen)
        print(f"  {kind:34} {hit / max(1, len(chosen)):.2f} ({hit}/{len(chosen)})")


def speaker_accuracy(cues, statements, names) -> None:
    print("speaker right, of the rows that report a statement and name a speaker:")
    for label, which in (
            ("speaker not named in the sentence", lambda s, row: not speaker_named_in_sentence(s, names)),
            ("found outside the sentence", lambda s, row: row["speaker_source"] not in ("sentence", "")),
            ("direct quotes", lambda s, row: bool(s["quote"])),
            ("all", lambda s, row: True)):
        right, total = speaker_right_share(cues, statements, names, which)
        print(f"  {label:34} {right / max(1, total):.2f} ({right}/{total})")


def reliability(every_row, statements, names) -> None:
    """Of the rows in each confidence band (every row the rules propose, whatever its confidence), the share
    the guide's matching accepts."""
    right = {(cue["doc_id"], cue["start_char"]) for _, cue in score(every_row, statements, names)["matched_pairs"]}
    print("reliability: rows by confidence, and the share right")
    for low, high in zip(BINS[:-1], BINS[1:]):
        band = every_row[(every_row["confidence"] >= low) & (every_row["confidence"] < high)]
        hits = sum((d, s) in right for d, s in zip(band["doc_id"], band["start_char"]))
        print(f"  [{low:.1f}, {min(high, 1.0):.1f}{']' if high > 1 else ')'}  {len(band):4} rows  "
              f"{hits / max(1, len(band)):.2f} right")
    top = every_row[every_row["confidence"] >= 0.8]
    hits = sum((d, s) in right for d, s in zip(top["doc_id"], top["start_char"]))
    print(f"  confidence >= 0.8: {hits}/{len(top)} right = {hits / max(1, len(top)):.2f}")


def agreement(data: Path, names: Names) -> None:
    """The second annotators scored against the first on the 60 articles both labelled: the ceiling."""
    first, second = annotated_statements("annotations"), annotated_statements("second")
    doc_ids = sorted(set(first) & set(second))
    articles = gold_articles(data, doc_ids)
    tables = {"articles": articles, "sentences": annotate(articles).sentences}
    gold = as_gold({d: first[d] for d in doc_ids}, tables)
    theirs = as_gold({d: second[d] for d in doc_ids}, tables)
    rows = pd.DataFrame([{"doc_id": s["doc_id"], "sentence": s["sentence"], "cue": s["cue"],
                          "category": s["categories"][0], "speaker": s["speakers"][0] if s["speakers"] else "",
                          "target": s["targets"][0] if s["targets"] else "", "start_char": i}
                         for i, s in enumerate(theirs)])
    result = score(rows, gold, names)
    print(f"annotators' agreement (second against first, {len(doc_ids)} training articles): "
          f"P {result['matched'] / max(1, result['cues']):.2f}, R {result['matched'] / max(1, result['statements']):.2f} "
          "(the ceiling)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--show-errors", action="store_true", help="list unmatched rows and missed statements")
    args = parser.parse_args()

    doc_ids, statements = read_gold(args.split)
    names = Names()
    articles = gold_articles(args.data, doc_ids)
    with tempfile.TemporaryDirectory() as cache:  # NER timed from cold, as a new article costs
        os.environ["KORWATCH_CACHE"] = cache
        started = time.perf_counter()
        annotations = annotate(articles)
        ner_seconds = time.perf_counter() - started
    mentions = entity_mentions(articles, annotations)
    started = time.perf_counter()
    rule_rows = stance_cues(articles, mentions, annotations.sentences)
    rules_seconds = time.perf_counter() - started
    started = time.perf_counter()
    every_row = attribute(rule_rows, articles, mentions, annotations.sentences, min_confidence=0.0)
    model_seconds = time.perf_counter() - started
    table = every_row[every_row["confidence"] >= default_min_confidence()]

    print(f"{args.split} split: {len(doc_ids)} articles, {len(statements)} statements; 95 % intervals resample "
          f"articles (2,000 draws)")
    report("rules alone", rule_rows, statements, names, doc_ids)
    report(f"attributor, confidence >= {default_min_confidence():.2f} (the stance table)", table, statements, names,
           doc_ids)
    report("attributor, confidence >= 0.8", every_row[every_row["confidence"] >= 0.8], statements, names, doc_ids)
    recall_by_kind(table, statements, names)
    speaker_accuracy(table, statements, names)
    reliability(every_row, statements, names)
    agreement(args.data, names)
    print(f"cost on these {len(doc_ids)} articles: NER {ner_seconds:.1f} s from cold; stance rules and parse "
          f"{rules_seconds:.2f} s ({rules_seconds / ner_seconds:.0%} of NER), attributor {model_seconds:.2f} s "
          f"({model_seconds / ner_seconds:.0%} of NER)")
    if args.show_errors:
        result = score(table, statements, names)
        print("\nrows that match no statement:")
        for cue in result["wrong_cues"].itertuples(index=False):
            print(f"  {cue.doc_id[:24]} {cue.category:9} {cue.cue!r:18} speaker={cue.speaker!r} "
                  f"({cue.speaker_source}) conf={cue.confidence} | {cue.sentence[:100]}")
        print("\nstatements no row matched:")
        for statement in result["missed"]:
            print(f"  {statement['doc_id'][:24]} {statement['categories']} {statement['cue']!r} "
                  f"speakers={statement['speakers'][:2]} | {statement['sentence'][:100]}")


if __name__ == "__main__":
    main()
