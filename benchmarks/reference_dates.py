"""How often korwatch gets an article's reference date right when the files carry no date, or only a URL.

Usage: python -m benchmarks.reference_dates [--data ../shared/data] [--split test|dev] [--articles 600]

IndoSum dev articles whose metadata.csv holds their publication date (for CNN
Indonesia, kumparan and others taken from the URL; for a few outlets the crawl
day, a day or so after publication). The first 1,000 files (sorted by name)
and the 30 articles of timeline_accuracy.py were read while writing the date
rules, so they are left out; the rest are split by article, alternately, into
dev (rules tuned on it) and test (reported). Each article is copied to a fresh
folder three ways and `reference_dates` runs on the cleaned articles:

- bare text: the .txt files alone, as a scraped folder without metadata;
- url only: metadata.csv with the url column and nothing else;
- as given: metadata.csv with every column (published included);
- bare, saved +7 d: bare text whose files were written a week after
  publication, as a folder scraped while the news is fresh: the modification
  day is then an upper bound close to the truth (copies made today give none).

Each reference falls into one of four classes: right (within 45 days of the
published date, not flagged ambiguous), ambiguous (flagged; whether its pick
is right is shown apart), unknown (no reference), and wrong and not flagged
(the one that misleads an analyst). For url only, the articles whose URL
carries a date are also checked to the day.
"""

import argparse
import os
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent

from korwatch_utils import clean, load_articles
from korwatch_utils.analyses.timeline import reference_dates
from korwatch_utils.input.articles import url_date
from training.stages import DEFAULT_DATA

RULE_FILES = 1000  # the first files by name: read while writing the rules
TIMELINE_ARTICLES = Path(__file__).resolve().parent / "timeline_articles.txt"
TOLERANCE_DAYS = 45
SAVED_AFTER_DAYS = 7  # the last row: files written a week after publication, as a daily scrape leaves them


def held_out(metadata: pd.DataFrame, split: str) -> pd.DataFrame:
    """The articles no rule was written from, every other one in dev and the rest in test."""
    seen = set(sorted(metadata["file"])[:RULE_FILES])
    seen |= {line.strip() + ".txt" for line in TIMELINE_ARTICLES.read_text().splitlines() if line.strip()}
    rest = metadata[~metadata["file"].isin(seen) & (metadata["published"] != "")].sort_values("file")
    return rest.iloc[(0 if split == "dev" else 1)::2]


def references_for(chosen: pd.DataFrame, folder: Path, source: Path, columns: list[str] | None,
                   saved_after_days: int | None = None) -> pd.DataFrame:
    """Copy the articles into `folder` with a metadata.csv of these columns (none: no file), and infer.

    The copies are modified now (an old archive copied today), or `saved_after_days` after publication
    (a folder scraped as the news appeared).
    """
    folder.mkdir()
    for name, published in zip(chosen["file"], chosen["published"]):
        shutil.copyfile(source / name, folder / name)
        if saved_after_days is not None:
            saved = datetime.fromisoformat(published) + timedelta(days=saved_after_days, hours=12)
            os.utime(folder / name, (saved.timestamp(), saved.timestamp()))
    if columns:
        chosen[["file", *columns]].to_csv(folder / "metadata.csv", index=False)
    return reference_dates(clean(load_articles(folder).articles).articles)


def score(references: pd.DataFrame, gold: dict[str, date]) -> dict[str, int]:
    counts = dict.fromkeys(["right", "ambiguous, pick right", "ambiguous, pick wrong", "unknown",
                            "wrong and not flagged"], 0)
    for row in references.itertuples(index=False):
        if not row.reference:
            counts["unknown"] += 1
            continue
        right = abs((date.fromisoformat(row.reference) - gold[row.doc_id]).days) <= TOLERANCE_DAYS
        if row.ambiguous:
            counts["ambiguous, pick right" if right else "ambiguous, pick wrong"] += 1
        else:
            counts["right" if right else "wrong and not flagged"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--show-wrong", action="store_true", help="list the wrong-and-not-flagged articles")
    args = parser.parse_args()

    source = args.data / "articles" / "indosum-dev"
    metadata = pd.read_csv(source / "metadata.csv", dtype=str, keep_default_na=False)
    chosen = held_out(metadata, args.split).head(args.articles)
    gold = {Path(name).stem: date.fromisoformat(day) for name, day in zip(chosen["file"], chosen["published"])}
    print(f"{len(chosen)} IndoSum dev articles, {args.split} split; right = within {TOLERANCE_DAYS} days of "
          "the published date")
    with tempfile.TemporaryDirectory() as work:
        ways = {"bare text": ([], None), "url only": (["url"], None),
                "as given": (["published", "outlet", "url"], None),
                f"bare, saved +{SAVED_AFTER_DAYS} d": ([], SAVED_AFTER_DAYS)}
        results = {way: references_for(chosen, Path(work) / str(number), source, columns, saved)
                   for number, (way, (columns, saved)) in enumerate(ways.items())}
    width = max(map(len, ways))
    print(f"{'':{width}}  " + "  ".join(f"{name:>22}" for name in score(results["as given"], gold)))
    for way, references in results.items():
        counts = score(references, gold)
        print(f"{way:{width}}  " + "  ".join(f"{n:>4} ({100 * n / len(references):5.1f} %)".rjust(22)
                                              for n in counts.values()))
    by_source = results["bare text"].groupby("source").size().to_dict()
    print(f"bare text, by source: {by_source}")

    urls = dict(zip(chosen["file"].map(lambda name: Path(name).stem), chosen["url"]))
    dated = {doc: url_date(url) for doc, url in urls.items() if url_date(url)}
    url_refs = results["url only"].set_index("doc_id")
    same_as_url = sum(url_refs.loc[doc, "reference"] == day.isoformat() and url_refs.loc[doc, "source"] == "url"
                      for doc, day in dated.items())
    same_as_published = sum(day == gold[doc] for doc, day in dated.items())
    print(f"url only: {len(dated)} URLs carry a date; the reference is that date, to the day, for {same_as_url}; "
          f"the URL's date is the published date of metadata.csv for {same_as_published} "
          "(the others' published is the crawl day)")
    if args.show_wrong:
        bare = results["bare text"]
        for row in bare[bare["reference"] != ""].itertuples(index=False):
            truth = gold[row.doc_id]
            if not row.ambiguous and abs((date.fromisoformat(row.reference) - truth).days) > TOLERANCE_DAYS:
                print(f"  wrong: {row.doc_id[:40]} got {row.reference} ({row.source}), true {truth}: {row.evidence}")


if __name__ == "__main__":
    main()
