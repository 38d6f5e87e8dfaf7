"""Trends and country codes on IndoSum dev articles with their metadata: do trends add up, which top entities get codes.

Usage: python -m benchmarks.trends_codes [--data ../shared/data] [--articles 300]

Prints whether mentions summed over months equal the entity totals of the
dated articles, the top 50 entities with their type and code (a country
without a code is a gap to fill in data/country_aliases.csv), and how many
coded events `korwatch events-export` would write, by PLOVER type.
"""

import argparse
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import pandas as pd

from korwatch_utils import clean, load_articles
from korwatch_utils.analyses.analysis import analyse
from korwatch_utils.analyses.entities import entity_table, entity_totals
from korwatch_utils.analyses.export import coded_events
from korwatch_utils.analyses.trends import trends
from training.stages import DEFAULT_DATA


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    source = args.data / "articles" / "indosum-dev"
    metadata = pd.read_csv(source / "metadata.csv", dtype=str, keep_default_na=False)
    chosen = metadata[metadata["category"] == "tajuk utama"].sort_values("file").head(args.articles)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for name in chosen["file"]:
            shutil.copyfile(source / name, folder / name)
        chosen[["file", "published", "outlet", "url"]].to_csv(folder / "metadata.csv", index=False)
        cleaned = clean(load_articles(folder).articles).articles
    analysis = analyse(cleaned)
    found = trends(analysis.mentions, analysis.cues, analysis.references)
    dated = set(analysis.references.loc[analysis.references["reference"] != "", "doc_id"])
    totals = entity_totals(entity_table(analysis.mentions[analysis.mentions["doc_id"].isin(dated)]))
    summed = found.table.groupby("entity")["mentions"].sum()
    adds_up = summed.sort_index().equals(totals.set_index("entity")["mentions"].sort_index())
    print(f"{len(cleaned)} articles, {found.undated} undated, {found.ambiguous} ambiguous; "
          f"{found.table['period'].nunique()} months; trends add up to the entity totals: {adds_up}")
    top = entity_totals(entity_table(analysis.mentions)).head(50)
    print(f"top 50 entities, {(top['code'] != '').sum()} with a country code:")
    for row in top.itertuples(index=False):
        print(f"  {row.entity:40} {row.type}  {row.code or '-':4} {row.mentions}")
    events = coded_events(analysis.cues, analysis.events, analysis.references, cleaned)
    print(f"coded events: {len(events)}; by PLOVER type: {events['event_type'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
