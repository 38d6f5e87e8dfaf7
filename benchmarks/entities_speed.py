"""Cost of entity canonicalisation next to the NER it follows, on real articles.

Usage: python -m benchmarks.entities_speed [--data ../shared/data] [--articles 200] [--repeats 2]
Over the first N IndoSum dev articles after cleaning, prints the time of NER
(`annotate`, no cache), of everything `korwatch entities` adds after it
(find_known_names + canonicalize + entity_table), of cooccurrence, and their
ratio to NER; plus counts that show the canonicalisation at work.
"""

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from korwatch_utils import clean, load_articles
from korwatch_utils.analyses.entities import cooccurrence, entity_mentions, entity_table, load_aliases
from korwatch_utils.nlp.ner import annotate, load_pipeline
from benchmarks.timing import best_time
from training.stages import DEFAULT_DATA


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    files = sorted((args.data / "articles" / "indosum-dev").glob("*.txt"))[: args.articles]
    articles = clean(load_articles(files).articles).articles
    load_pipeline()
    ner_seconds, annotations = best_time(lambda: annotate(articles, use_cache=False), args.repeats)
    aliases = load_aliases()
    entity_seconds, mentions = best_time(lambda: entity_mentions(articles, annotations, aliases), args.repeats)
    table_seconds, table = best_time(lambda: entity_table(mentions), args.repeats)
    pair_seconds, pairs = best_time(lambda: cooccurrence(mentions), args.repeats)
    added = entity_seconds + table_seconds

    print(f"articles                 {len(articles)}")
    print(f"model mentions           {len(annotations.mentions)}")
    print(f"canonical mentions       {len(mentions)} ({(mentions.entity == '').sum()} title-only left out)")
    print(f"renamed by canonicalize  {(mentions.entity != mentions.text).sum()}")
    print(f"distinct surface names   {mentions.text.nunique()} -> entities {table.entity.nunique()}")
    print(f"entity rows / pairs      {len(table)} / {len(pairs)}")
    print(f"NER (annotate)           {ner_seconds:.2f} s")
    print(f"entities after NER       {added:.3f} s = {100 * added / ner_seconds:.1f} % of NER")
    print(f"cooccurrence             {pair_seconds:.3f} s = {100 * pair_seconds / ner_seconds:.1f} % of NER")


if __name__ == "__main__":
    main()
