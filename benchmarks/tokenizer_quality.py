"""Token and sentence F1 of the shipped tokenizer on UD Indonesian GSD test and CSUI test (Stanza's UD scorer).

Usage: python -m benchmarks.tokenizer_quality [--data ../shared/data] [--models DIR]
Also prints PUD test (a third unseen set) and GSD test with its multi-sentence
units split the way the training data was (see training/train_tokenizer.py).
"""

import argparse
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from korwatch_utils.nlp.ner import load_pipeline
from training.evaluate import score_tokenizer
from training.stages import DEFAULT_DATA
from training.train_tokenizer import EXTRA_TEST_FILES, TEST_FILES, collapse_mwt, split_merged_sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--models", default=None)
    args = parser.parse_args()
    pipeline = load_pipeline(models_dir=args.models)
    print(f"{'test set':<24}{'Tokens':>8}{'Sentences':>11}{'Words':>8}")
    for name, rel in {**TEST_FILES, **EXTRA_TEST_FILES}.items():
        s = score_tokenizer(pipeline, args.data / "ud" / rel)
        print(f"{name:<24}{s['Tokens']:>8.2f}{s['Sentences']:>11.2f}{s['Words']:>8.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gsd_test_split.conllu"
        text, cuts = split_merged_sentences(collapse_mwt((args.data / "ud" / TEST_FILES["gsd_test"]).read_text("utf-8")))
        gold.write_text(text, encoding="utf-8")
        s = score_tokenizer(pipeline, gold)
        print(f"{'gsd_test, passages split':<24}{s['Tokens']:>8.2f}{s['Sentences']:>11.2f}{'':>8}   ({cuts} cuts)")
    print("(Words counts clitic splits, which korwatch's pipeline does not make; Tokens is the target.)")


if __name__ == "__main__":
    main()
