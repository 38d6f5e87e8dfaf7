"""A smaller tokenizer: the same recipe as training/train_tokenizer.py with other Stanza sizes, scored and timed.

Usage: python -m research.tokenizer.size --name flat --options=--no-hierarchical [--data ../shared/data]
       [--steps 15000] [--articles 80] [--rounds 3]

Trains into research/tokenizer/work/NAME/ (resumable: an existing model is reused), then prints
the tokenizer benchmark's scores for it and, one thread, the seconds the shipped and the new
tokenizer take over the first N IndoSum dev articles, alternating in each round, and in how many
articles the two give different sentences or tokens.
"""

import argparse
import shlex
import shutil
import time
from pathlib import Path

from korwatch_utils.nlp.ner import MODEL_FILES, MODELS_DIR
from training.evaluate import score_tokenizer
from training.stages import DEFAULT_DATA
from training.train_tokenizer import EXTRA_TEST_FILES, TEST_FILES, prepare, train_tokenizer

WORK = Path(__file__).resolve().parent / "work"


def build(name: str, options: tuple[str, ...], data: Path, steps: int) -> Path:
    """A models folder holding the shipped files and the newly trained tokenizer."""
    folder = WORK / name
    model = folder / "models" / MODEL_FILES["tokenize"]
    if not model.is_file():
        prepare(data, WORK / "data")
        started = time.perf_counter()
        train_tokenizer(WORK / "data", folder / "trained", MODEL_FILES["tokenize"], steps=steps, options=options)
        print(f"trained in {time.perf_counter() - started:.0f} s", flush=True)
        (folder / "models").mkdir(parents=True, exist_ok=True)
        for file in [*MODEL_FILES.values(), "resources.json"]:
            if file != MODEL_FILES["tokenize"]:
                shutil.copy(MODELS_DIR / file, folder / "models" / file)
        shutil.copy(folder / "trained" / MODEL_FILES["tokenize"], model)
    return model.parent


def tokenizer_seconds(models: Path, texts: list[str]) -> tuple[float, list]:
    import stanza

    from korwatch_utils.nlp.ner import load_pipeline

    tokenizer = load_pipeline(models_dir=models).processors["tokenize"]
    started = time.perf_counter()
    docs = tokenizer.bulk_process([stanza.Document([], text=text) for text in texts])
    seconds = time.perf_counter() - started
    return seconds, [[[token.text for token in sentence.tokens] for sentence in doc.sentences] for doc in docs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--options", default="", help="Stanza tokenizer arguments, quoted as one string")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--steps", type=int, default=15000)
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import torch

    from korwatch_utils.nlp.ner import load_pipeline

    models = build(args.name, tuple(shlex.split(args.options)), args.data, args.steps)
    torch.set_num_threads(1)
    print(f"{'test set':<12}{'Tokens':>16}{'Sentences':>20}   (shipped -> {args.name})")
    for test, rel in {**TEST_FILES, **EXTRA_TEST_FILES}.items():
        before, after = (score_tokenizer(load_pipeline(models_dir=folder), args.data / "ud" / rel)
                         for folder in (MODELS_DIR, models))
        print(f"{test:<12}{before['Tokens']:>7.2f} -> {after['Tokens']:<7.2f}"
              f"{before['Sentences']:>10.2f} -> {after['Sentences']:<7.2f}")
    paths = sorted((args.data / "articles" / "indosum-dev").glob("*.txt"))[:args.articles]
    texts = [path.read_text(encoding="utf-8") for path in paths]
    totals = {MODELS_DIR: 0.0, models: 0.0}
    outputs = {}
    for round_ in range(args.rounds):
        for folder in ((MODELS_DIR, models) if round_ % 2 == 0 else (models, MODELS_DIR)):
            seconds, outputs[folder] = tokenizer_seconds(folder, texts)
            totals[folder] += seconds
    differ = sum(a != b for a, b in zip(outputs[MODELS_DIR], outputs[models]))
    print(f"{len(texts)} articles, {args.rounds} rounds, one thread: shipped {totals[MODELS_DIR]:.1f} s, "
          f"{args.name} {totals[models]:.1f} s ({totals[MODELS_DIR] / totals[models]:.2f}x); "
          f"articles tokenized differently: {differ}")


if __name__ == "__main__":
    main()
