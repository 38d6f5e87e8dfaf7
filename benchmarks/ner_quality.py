"""Entity-level exact-span F1 of the shipped NER model on data it never saw.

Usage: python -m benchmarks.ner_quality [--data ../shared/data] [--json OUT]
Prints micro P/R/F1 and per-type P/R/F1 for NER-UI fold-1 test, IDNER-news-2k dev (as published and
with country names harmonised to LOC) and NERGrit valid.
"""

import argparse
import json
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from korwatch_utils.nlp.ner import load_pipeline
from training.convert_ner import convert
from training.evaluate import score_ner
from training.stages import DEFAULT_DATA

SPLITS = {
    "NER-UI fold-1 test": "nerui1_test",
    "IDNER-news-2k dev": "idner_dev",
    # IDNER leaves most country names untagged; the same harmonisation as its training split (see training/).
    "IDNER dev harmonised": "idner_dev_harmonised",
    "NERGrit valid": "nergrit_valid",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--models", default=None, help="a models folder other than the shipped one")
    parser.add_argument("--json", type=Path, help="also write the scores here")
    args = parser.parse_args()
    pipeline = load_pipeline(pretokenized=True, models_dir=args.models)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        convert(args.data, Path(tmp))  # the same conversion the model was trained with
        for name, split in SPLITS.items():
            results[name] = score_ner(pipeline, Path(tmp) / f"{split}.json")
    print(f"{'split':<22}{'sents':>6}{'P':>7}{'R':>7}{'F1':>7}   per type P/R/F1")
    for name, r in results.items():
        m = r["micro"]
        types = "  ".join(f"{t} {v['p']:.1f}/{v['r']:.1f}/{v['f1']:.1f}" for t, v in r["by_type"].items())
        print(f"{name:<22}{r['sentences']:>6}{m['p']:>7.2f}{m['r']:>7.2f}{m['f1']:>7.2f}   {types}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
