"""Entity precision and recall per article against the blind gold of benchmarks/entity_gold.jsonl.

Usage: python -m benchmarks.entity_quality [--data ../shared/data] [--split test|dev] [--show-errors]

The gold lists, for the 64 articles of the stance gold, every person,
organisation and place the article body names (datelines and credits left
out), annotated from the texts alone (benchmarks/entity_gold_README.md). The
articles are copied to a fresh folder without metadata and analysed as
`korwatch entities` does. A korwatch entity of an article is right when its
name is one of the gold entity's canonical name, variants or accepted names
(after the alias table and `entities.fold`); the type is not scored.
Precision: right korwatch entities over all; recall: gold entities found.
"""

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from benchmarks.stance_scoring import Names, gold_articles
from korwatch_utils.analyses.entities import entity_mentions, entity_table
from korwatch_utils.nlp.ner import annotate
from training.stages import DEFAULT_DATA

GOLD = Path(__file__).resolve().parent / "entity_gold.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    gold = [row for row in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()) if row["split"] == args.split]
    key = Names().key
    names = {}  # (doc_id, name key) -> gold entity
    for row in gold:
        for name in [row["entity"], *row.get("variants", []), *row.get("accept", [])]:
            names[(row["doc_id"], key(name))] = row["entity"]
    doc_ids = sorted({row["doc_id"] for row in gold})
    articles = gold_articles(args.data, doc_ids)
    table = entity_table(entity_mentions(articles, annotate(articles)))
    hits = [names.get((doc, key(entity))) for doc, entity in zip(table["doc_id"], table["entity"])]
    right = sum(hit is not None for hit in hits)
    found = {(doc, hit) for doc, hit in zip(table["doc_id"], hits) if hit}
    print(f"{args.split} split: {len(doc_ids)} articles, {len(gold)} gold entities, {len(table)} korwatch entities")
    print(f"precision  {right / len(table):.3f} ({right}/{len(table)})")
    print(f"recall     {len(found) / len(gold):.3f} ({len(found)}/{len(gold)})")
    if args.show_errors:
        wrong = table[[hit is None for hit in hits]]
        print("\nkorwatch entities not in the gold:")
        for row in wrong.itertuples(index=False):
            print(f"  {row.doc_id[:30]} {row.type} {row.entity!r} ({row.mentions})")
        print("\ngold entities not found:")
        for row in gold:
            if (row["doc_id"], row["entity"]) not in found:
                print(f"  {row['doc_id'][:30]} {row['type']} {row['entity']!r}")


if __name__ == "__main__":
    main()
