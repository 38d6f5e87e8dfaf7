"""Time to clean, date and scan for stance cues one 5 MB article (real text plus regex-hostile shapes).

Usage: python -m benchmarks.big_article [--mb 5]
tests/test_hostile.py checks that the cost grows linearly; this prints what 5 MB costs.
"""

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import pandas as pd

from korwatch_utils import clean, load_articles
from korwatch_utils.nlp.ner import MENTION_COLUMNS
from korwatch_utils.analyses.stance import stance_cues
from korwatch_utils.analyses.timeline import find_dates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5)
    args = parser.parse_args()
    body = "\n\n".join(clean(load_articles(ROOT / "seeds").articles).articles.text)
    nasty = "(" * 300 + '"' * 300 + "." * 300 + "1/" * 300 + " Baca juga" * 50 + " 12 Juni " * 50
    unit = body + "\n\n" + nasty + "\n\n"
    text = unit * int(args.mb * 1e6 / len(unit.encode()))
    articles = load_articles([]).articles
    raw = pd.DataFrame([{**{c: "" for c in articles.columns}, "doc_id": "big", "raw_text": text, "text": text,
                         "n_chars": len(text)}], columns=articles.columns)
    print(f"article: {len(text.encode()) / 1e6:.1f} MB, {text.count(chr(10)) + 1} lines")
    start = time.perf_counter()
    cleaned = clean(raw).articles
    print(f"clean        {time.perf_counter() - start:6.1f} s")
    start = time.perf_counter()
    dates = find_dates(cleaned.assign(published=""))
    print(f"find_dates   {time.perf_counter() - start:6.1f} s ({len(dates)} expressions)")
    sentences = pd.DataFrame([["big", 0, 0, len(cleaned.text[0]), ""]],
                             columns=["doc_id", "sent_id", "start_char", "end_char", "text"])
    start = time.perf_counter()
    cues = stance_cues(cleaned, pd.DataFrame(columns=MENTION_COLUMNS), sentences)
    print(f"stance_cues  {time.perf_counter() - start:6.1f} s ({len(cues)} cues, one 5 MB 'sentence')")


if __name__ == "__main__":
    main()
