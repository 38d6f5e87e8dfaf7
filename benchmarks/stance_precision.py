"""Precision of stance cues (category and speaker) on a random sample of real articles, reviewed by hand.

Usage:
  python -m benchmarks.stance_precision [--data ../shared/data] [--articles 300] [--sample 30]
      prints the precision from the hand review in benchmarks/stance_review.csv
  python -m benchmarks.stance_precision --write-sample FILE
      writes the sample to review with empty judgement columns

The articles are the first N of IndoSum dev's "tajuk utama" (headline news)
category, by file name; the sample is the cues with the smallest hash of
(doc_id, start_char). A reviewer
marks category_ok (is the word a stance cue of that category here?) and
speaker_ok (is the speaker the actor who takes the position, or rightly
empty?) as 1 or 0. Rows of the review no longer in the sample are reported.
"""

import argparse
import hashlib
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent

from korwatch_utils import clean, load_articles
from korwatch_utils.analyses.entities import entity_mentions
from korwatch_utils.nlp.ner import annotate
from korwatch_utils.analyses.stance import stance_cues
from training.stages import DEFAULT_DATA

REVIEW = Path(__file__).resolve().parent / "stance_review.csv"
KEY = ["doc_id", "sent_id", "start_char"]


def sample_cues(data: Path, articles: int, size: int) -> pd.DataFrame:
    folder = data / "articles" / "indosum-dev"
    metadata = pd.read_csv(folder / "metadata.csv", keep_default_na=False)
    files = sorted(metadata.loc[metadata["category"] == "tajuk utama", "file"])[:articles]
    cleaned = clean(load_articles([folder / name for name in files]).articles)
    annotations = annotate(cleaned.articles)
    mentions = entity_mentions(cleaned.articles, annotations)
    cues = stance_cues(cleaned.articles, mentions, annotations.sentences)
    print(f"articles {len(cleaned.articles)}, cues {len(cues)}, "
          f"with a speaker {(cues.speaker != '').mean():.0%}, with a target {(cues.target != '').mean():.0%}")
    # Ranked by a hash of where each cue is, not drawn by position in the table: a change that adds or
    # drops a few cues leaves the rest of the sample, and its review, in place.
    rank = [hashlib.sha1(f"{d}:{s}".encode()).hexdigest() for d, s in zip(cues["doc_id"], cues["start_char"])]
    return cues.assign(rank=rank).sort_values("rank").head(size).drop(columns="rank").sort_values(KEY, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--write-sample", type=Path, help="write the sample to review here and stop")
    args = parser.parse_args()
    sample = sample_cues(args.data, args.articles, args.sample)
    columns = KEY + ["cue", "category", "speaker", "attribution", "target", "sentence"]
    if args.write_sample:
        sample[columns].assign(category_ok="", speaker_ok="", note="").to_csv(args.write_sample, index=False)
        print(f"wrote {len(sample)} cues to review to {args.write_sample}")
        return
    review = pd.read_csv(REVIEW, keep_default_na=False)
    joined = sample[columns].merge(review[KEY + ["cue", "category", "speaker", "category_ok", "speaker_ok", "note"]],
                                   on=KEY + ["cue", "category", "speaker"], how="left", indicator=True)
    unreviewed = joined[joined["_merge"] != "both"]
    reviewed = joined[joined["_merge"] == "both"]
    print(f"sample {len(sample)}, reviewed {len(reviewed)}, not in the review (output changed) {len(unreviewed)}")
    for name in ("category_ok", "speaker_ok"):
        values = pd.to_numeric(reviewed[name])
        print(f"{name:<12} precision {values.mean():.0%} ({int(values.sum())}/{len(values)})")
    by_attribution = reviewed.assign(ok=pd.to_numeric(reviewed["speaker_ok"])).groupby("attribution")["ok"]
    print("speaker precision by attribution:",
          ", ".join(f"{name or 'none'} {ok.mean():.0%} of {len(ok)}" for name, ok in by_attribution))
    for row in unreviewed.itertuples(index=False):
        print(f"  not reviewed: {row.doc_id} #{row.sent_id} {row.cue} {row.category} speaker={row.speaker!r}")


if __name__ == "__main__":
    main()
