"""Token and sentence F1 of the shipped tokenizer on UD Indonesian GSD test and CSUI test (Stanza's UD scorer).

Usage: python benchmarks/tokenizer_quality.py [--data ../shared/data]
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from korwatch_utils.ner import load_pipeline  # noqa: E402
from training.evaluate import score_tokenizer  # noqa: E402
from training.stages import DEFAULT_DATA  # noqa: E402
from training.train_tokenizer import TEST_FILES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--models", default=None)
    args = parser.parse_args()
    pipeline = load_pipeline(models_dir=args.models)
    print(f"{'test set':<12}{'Tokens':>8}{'Sentences':>11}{'Words':>8}")
    for name, rel in TEST_FILES.items():
        s = score_tokenizer(pipeline, args.data / "ud" / rel)
        print(f"{name:<12}{s['Tokens']:>8.2f}{s['Sentences']:>11.2f}{s['Words']:>8.2f}")
    print("(Words counts clitic splits, which korwatch's pipeline does not make; Tokens is the target.)")


if __name__ == "__main__":
    main()
