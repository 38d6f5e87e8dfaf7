"""Share of "(13/8)"-style and weekday dates resolved correctly in 30 IndoSum dev articles, checked by hand.

Usage: python -m benchmarks.timeline_accuracy [--data ../shared/data] [--show-errors]

benchmarks/timeline_gold.csv lists every "(d/m)", weekday + date and weekday
expression in those articles (doc_id, start_char, expression, expected ISO date,
note), judged by hand against the article and its published date in
metadata.csv. expected is empty where the word is not a date ("Pasar Minggu",
"setiap Sabtu", "salat Jumat", weekdays glossing dates already given): there
the right answer is no date. The 30 articles are the headline-news articles
with the most such expressions, after the first (a train timetable).
"""

import argparse
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent

from korwatch_utils import clean, load_articles
from korwatch_utils.analyses.timeline import find_dates
from training.stages import DEFAULT_DATA

GOLD = Path(__file__).resolve().parent / "timeline_gold.csv"
ARTICLES = Path(__file__).resolve().parent / "timeline_articles.txt"


def form(expression: str, expected: str) -> str:
    if not expected:
        return "weekday word that is no date"
    if "/" in expression:
        return "(d/m) with or without weekday"
    if any(ch.isdigit() for ch in expression):
        return "weekday + day month"
    return "weekday alone or with pekan/depan"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    folder = args.data / "articles" / "indosum-dev"
    files = [folder / f"{name}" for name in ARTICLES.read_text(encoding="utf-8").split()]
    cleaned = clean(load_articles(files).articles).articles
    found = find_dates(cleaned)
    gold = pd.read_csv(GOLD, keep_default_na=False)
    results = []
    for row in gold.itertuples(index=False):
        covering = found[(found["doc_id"] == row.doc_id) & (found["start_char"] <= row.start_char)
                         & (found["end_char"] > row.start_char)]
        got = covering.iloc[0]["date"] if len(covering) else ""
        results.append((form(row.expression, row.expected), got == row.expected, row, got))
    table = pd.DataFrame([(f, ok) for f, ok, _, _ in results], columns=["form", "correct"])
    print(f"articles {len(files)} ({gold.doc_id.nunique()} with such expressions), expressions {len(table)}")
    print(f"resolved correctly: {table.correct.mean():.1%} ({table.correct.sum()}/{len(table)})")
    for name, group in table.groupby("form"):
        print(f"  {name:<36} {group.correct.mean():.1%} ({group.correct.sum()}/{len(group)})")
    if args.show_errors:
        for _, ok, row, got in results:
            if not ok:
                print(f"  wrong: {row.doc_id[:30]} {row.expression!r}: got {got or 'no date'}, "
                      f"want {row.expected or 'no date'} ({row.note})")


if __name__ == "__main__":
    main()
