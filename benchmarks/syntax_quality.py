"""UPOS accuracy, UAS and LAS of korwatch's tagger and parser on UD Indonesian GSD test and CSUI test.

Usage: python -m benchmarks.syntax_quality [--data ../shared/data]

The test sets are rewritten as korwatch tokenizes (multi-word tokens made one
word, as for training: training/train_syntax.py) and parsed from their gold
words with predicted tags, as korwatch parses cue sentences. LAS compares the
universal part of each relation (before ':'), as the CoNLL 2018 shared task
scorer does. Neither set was used in training or model selection.
"""

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from korwatch_utils.nlp.syntax import load_parser
from training.stages import DEFAULT_DATA
from training.train_syntax import TEST_SETS, collapse_sentence, read_sentences


def gold_words(sentence: list[str]) -> list[tuple[str, str, int, str]]:
    """(form, upos, head, relation) of each word of a collapsed sentence."""
    rows = [line.split("\t") for line in sentence if not line.startswith("#")]
    return [(row[1], row[3], int(row[6]), row[7].split(":")[0]) for row in rows]


def score(sentences: list[list[tuple[str, str, int, str]]]) -> dict:
    doc = load_parser()([[form for form, _, _, _ in words] for words in sentences])
    total = upos = uas = las = 0
    for gold, parsed in zip(sentences, doc.sentences):
        for (form, tag, head, relation), word in zip(gold, parsed.words):
            total += 1
            upos += word.upos == tag
            uas += word.head == head
            las += word.head == head and word.deprel.split(":")[0] == relation
    return {"words": total, "upos": upos / total, "uas": uas / total, "las": las / total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    print(f"{'test set':<10} {'sentences':>9} {'words':>6} {'UPOS':>6} {'UAS':>6} {'LAS':>6}")
    for name, path in TEST_SETS.items():
        sentences = [gold_words(collapse_sentence(s)) for s in read_sentences(args.data / "ud" / path)]
        result = score(sentences)
        print(f"{name:<10} {len(sentences):>9} {result['words']:>6} {result['upos']:>6.1%} {result['uas']:>6.1%} "
              f"{result['las']:>6.1%}")


if __name__ == "__main__":
    main()
