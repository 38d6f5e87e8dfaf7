"""Cleaning on pages of outlets it never saw: body lines kept, boilerplate left in, articles gutted.

Usage: python -m benchmarks.cleaning_quality [--data ../shared/data]

The 150 labelled pages of ../shared/data/pages are split by outlet into five
folds (`training.train_lines.fold_of`). For each fold, a line classifier is
trained on the other four (its threshold chosen inside them) and the fold's
pages are cleaned end to end by `clean()` with it: rules, classifier, the
guard that keeps a gutted article whole, the title, and the lines a site
repeats across the fold's pages (each page's URL is in the folder's
metadata.csv, as a fetched folder has it). So every page is scored by a model
that never saw its outlet. The rules alone, and the classifier without the
site repetition, are scored beside it. Intervals: 95 %, resampling pages
(2,000 draws).
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from korwatch_utils import clean, load_articles
from korwatch_utils.text.cleaning import REPEATED_RULE, load_rules
from korwatch_utils.text.lines import load_line_model
from training.stages import DEFAULT_DATA
from training.train_lines import FOLDS, fold_of, load_pages, train_model

ROUNDS = 3  # timing rounds of the cost step
WORDS_FOR_BOILERPLATE = 4  # boilerplate lines of fewer words are not counted (menus, "A A A")


def page_urls(data: Path) -> dict[str, str]:
    """file -> the URL the page was scraped from."""
    rows = (json.loads(line) for line in (data / "pages" / "pages.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip())
    return {row["file"]: row["url"] or "" for row in rows}


def write_folder(folder: Path, pages, urls: dict[str, str]) -> None:
    for page in pages:
        (folder / page.file).write_text(page.raw_text, encoding="utf-8")
    pd.DataFrame({"file": [p.file for p in pages], "url": [urls.get(p.file, "") for p in pages]}).to_csv(
        folder / "metadata.csv", index=False)


def page_counts(pages, model, urls: dict[str, str], keep=()) -> pd.DataFrame:
    """Per page: body lines and those kept, boilerplate lines of 4+ words and those left in, and whether it lost
    more than half of its body's characters (gutted)."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        write_folder(folder, pages, urls)
        cleaned = clean(load_articles(folder).articles, rules=load_rules(), line_model=model, keep=keep)
    fates = {(doc, line): rule for doc, line, rule in
             zip(cleaned.paragraphs["doc_id"], cleaned.paragraphs["line_no"], cleaned.paragraphs["rule"])}
    rows = []
    for page in pages:
        doc = Path(page.file).stem
        body = [i for i, kind in page.labels.items() if kind == "body"]
        other = [i for i, kind in page.labels.items()
                 if kind == "other" and len(page.lines[i].split()) >= WORDS_FOR_BOILERPLATE]
        kept = [i for i in body if fates.get((doc, i + 1), "") == ""]
        body_chars = sum(len(page.lines[i]) for i in body)
        rows.append({"page": page.file, "body": len(body), "body_kept": len(kept), "boilerplate": len(other),
                     "left_in": sum(fates.get((doc, i + 1), "") == "" for i in other),
                     "gutted": int(body_chars > 0 and sum(len(page.lines[i]) for i in kept) < body_chars / 2)})
    return pd.DataFrame(rows)


def summary(counts: pd.DataFrame, rounds: int = 2000) -> list[tuple[str, float, float, float, str]]:
    values = counts[["body", "body_kept", "boilerplate", "left_in", "gutted"]].to_numpy(dtype=float)

    def rates(rows):
        total = rows.sum(axis=0)
        return total[1] / total[0], total[3] / total[2], total[4]

    point = rates(values)
    draws = np.array([rates(values[np.random.default_rng(seed).integers(0, len(values), len(values))])
                      for seed in range(rounds)])
    names = ("body lines kept", f"boilerplate lines of {WORDS_FOR_BOILERPLATE}+ words left in", "articles gutted")
    totals = values.sum(axis=0)
    counts_text = (f"{int(totals[1])}/{int(totals[0])}", f"{int(totals[3])}/{int(totals[2])}", f"of {len(values)}")
    return [(name, point[i], np.percentile(draws[:, i], 2.5), np.percentile(draws[:, i], 97.5), counts_text[i])
            for i, name in enumerate(names)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    pages = load_pages(args.data)
    urls = page_urls(args.data)
    held_out, without_repetition = [], []
    for fold in range(FOLDS):
        train = [p for p in pages if fold_of(p.outlet) != fold]
        test = [p for p in pages if fold_of(p.outlet) == fold]
        model = train_model(train, say=lambda line: None)
        held_out.append(page_counts(test, model, urls))
        without_repetition.append(page_counts(test, model, urls, keep=[REPEATED_RULE]))
    learned = pd.concat(held_out, ignore_index=True)
    rules = page_counts(pages, None, urls, keep=[REPEATED_RULE])
    print(f"{len(pages)} labelled pages of {len({p.outlet for p in pages})} outlets; each scored by a classifier "
          f"trained on the other outlets ({FOLDS} folds); 95 % intervals resample pages")
    for name, counts in (("rules alone", rules),
                         ("rules + line classifier", pd.concat(without_repetition, ignore_index=True)),
                         ("rules + line classifier + site repetition (shipped)", learned)):
        print(name)
        for label, value, low, high, text in summary(counts):
            interval = f"[{low:.3f}, {high:.3f}]" if label != "articles gutted" else f"[{low:.0f}, {high:.0f}]"
            print(f"  {label:42} {value:.3f} {interval} ({text})" if label != "articles gutted"
                  else f"  {label:42} {value:.0f} {interval} ({text})")
    gutted = learned[learned["gutted"] == 1]["page"].tolist()
    if gutted:
        print("gutted with the classifier:", ", ".join(gutted))
    cost(pages, urls)


def cost(pages, urls: dict[str, str]) -> None:
    """Cleaning time of the pages ten times over (each copy on hosts of its own, so that a site repeats lines as
    often as in the labelled folder): the rules alone, and the shipped cleaning."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        copies = [page._replace(file=f"{copy}_{page.file}", raw_text=page.raw_text + f"\n{copy}")
                  for copy in range(10) for page in pages]
        write_folder(folder, copies, {copy.file: urls.get(copy.file.split("_", 1)[1], "").replace(
            "://", f"://copy{copy.file.split('_', 1)[0]}.", 1) for copy in copies})
        articles = load_articles(folder).articles
        timings = {"rules alone": [], "shipped": []}
        for _ in range(ROUNDS):  # interleaved, the fastest of each kept: a busy machine only slows a run
            for name, model, keep in (("rules alone", None, [REPEATED_RULE]), ("shipped", load_line_model(), [])):
                started = time.perf_counter()
                clean(articles, line_model=model, keep=keep)
                timings[name].append(time.perf_counter() - started)
    rules, shipped = min(timings["rules alone"]), min(timings["shipped"])
    print(f"cost of cleaning {len(articles)} pages (fastest of {ROUNDS} rounds): rules alone {rules:.1f} s, with the "
          f"classifier and site repetition {shipped:.1f} s ({shipped / rules - 1:+.0%})")


if __name__ == "__main__":
    main()
