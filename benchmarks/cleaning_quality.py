"""Cleaning on pages of outlets it never saw: body lines kept, boilerplate left in, articles gutted.

Usage: python -m benchmarks.cleaning_quality [--data ../shared/data]

The 150 labelled pages of ../shared/data/pages are split by outlet into five
folds (`training.train_lines.fold_of`). For each fold, a line classifier is
trained on the other four (its threshold chosen inside them) and the fold's
pages are cleaned end to end by `clean()` with it: rules, classifier, the
guard that keeps a gutted article whole, the title. So every page is scored
by a model that never saw its outlet. The rules alone are scored beside it.
Intervals: 95 %, resampling pages (2,000 draws).
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from korwatch_utils import clean, load_articles
from korwatch_utils.text.cleaning import load_rules
from korwatch_utils.text.lines import load_line_model
from training.stages import DEFAULT_DATA
from training.train_lines import FOLDS, fold_of, load_pages, train_model

WORDS_FOR_BOILERPLATE = 4  # boilerplate lines of fewer words are not counted (menus, "A A A")


def page_counts(pages, model) -> pd.DataFrame:
    """Per page: body lines and those kept, boilerplate lines of 4+ words and those left in, and whether it lost
    more than half of its body's characters (gutted)."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for page in pages:
            (folder / page.file).write_text(page.raw_text, encoding="utf-8")
        cleaned = clean(load_articles(folder).articles, rules=load_rules(), line_model=model)
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
    held_out = []
    for fold in range(FOLDS):
        train = [p for p in pages if fold_of(p.outlet) != fold]
        test = [p for p in pages if fold_of(p.outlet) == fold]
        model = train_model(train, say=lambda line: None)
        held_out.append(page_counts(test, model))
    learned = pd.concat(held_out, ignore_index=True)
    rules = page_counts(pages, None)
    print(f"{len(pages)} labelled pages of {len({p.outlet for p in pages})} outlets; each scored by a classifier "
          f"trained on the other outlets ({FOLDS} folds); 95 % intervals resample pages")
    for name, counts in (("rules alone", rules), ("rules + line classifier", learned)):
        print(name)
        for label, value, low, high, text in summary(counts):
            interval = f"[{low:.3f}, {high:.3f}]" if label != "articles gutted" else f"[{low:.0f}, {high:.0f}]"
            print(f"  {label:42} {value:.3f} {interval} ({text})" if label != "articles gutted"
                  else f"  {label:42} {value:.0f} {interval} ({text})")
    gutted = learned[learned["gutted"] == 1]["page"].tolist()
    if gutted:
        print("gutted with the classifier:", ", ".join(gutted))
    cost(pages)


def cost(pages) -> None:
    """Cleaning time of the pages ten times over, with and without the shipped classifier."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for copy in range(10):
            for page in pages:
                (folder / f"{copy}_{page.file}").write_text(page.raw_text + f"\n{copy}", encoding="utf-8")
        articles = load_articles(folder).articles
        timings = {}
        for name, model in (("rules alone", None), ("with the classifier", load_line_model())):
            started = time.perf_counter()
            clean(articles, line_model=model)
            timings[name] = time.perf_counter() - started
    print(f"cost of cleaning {len(articles)} pages: rules alone {timings['rules alone']:.1f} s, with the classifier "
          f"{timings['with the classifier']:.1f} s ({timings['with the classifier'] / timings['rules alone'] - 1:+.0%})")


if __name__ == "__main__":
    main()
