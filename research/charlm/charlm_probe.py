"""What a character language model costs korwatch's pipeline in speed: `python -m research.charlm.charlm_probe`.

Stanza's NER can read words through a pair of pretrained character language
models (forward and backward) instead of its own small character model. Before
training one on the corpus (research.charlm.charlm), this probe measures its price:
for each hidden size it trains both directions briefly on a slice of the corpus,
trains a tagger with them for a few steps, and times the plain pipeline (shipped
tokenizer + that tagger) against the shipped pipeline, in turns, over the speed
benchmark's articles. Speed does not depend on how well the weights are trained,
only on the network's shape, so these figures hold for fully trained models;
--trained times a trained pair as well (--hidden with no sizes: that one alone).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from korwatch_utils import clean, load_articles
from korwatch_utils.nlp.ner import NER_BATCH_SIZE, load_pipeline
from research.charlm.charlm import (DIRECTIONS, charlm_paths, charlm_pipeline, tagger_charlm_args, train_charlm,
                                    wait_all)
from training.stages import DEFAULT_DATA, WORK
from training.train_ner import tagger_args

SLICE_CHARS = 300_000


def train_charlm_pair(corpus_dir: Path, hidden: int, out: Path) -> Path:
    """Both directions of a charlm with this hidden size, one pass over a slice of the corpus."""
    text = (corpus_dir / "indosum_dev.txt").read_text(encoding="utf-8")
    (out / "train").mkdir(parents=True, exist_ok=True)
    (out / "train" / "slice.txt").write_text(text[:SLICE_CHARS], encoding="utf-8")
    (out / "eval.txt").write_text(text[-SLICE_CHARS // 3:], encoding="utf-8")
    paths = charlm_paths(out)
    for direction in DIRECTIONS:
        wait_all([train_charlm(out / "train", out / "eval.txt", direction, hidden, paths[direction],
                               epochs=1, cutoff=5, quiet=True)])
    return out


def train_probe_tagger(charlm_dir: Path, out: Path, steps: int) -> Path:
    args = tagger_args(WORK / "ner", WORK / "id_korwatch.pretrain.pt", out, "tagger.pt", steps, seed=2)
    args += tagger_charlm_args(charlm_dir)
    args += ["--eval_interval", str(steps)]  # argparse keeps the last value: score dev once, at the end
    subprocess.run(args, check=True, capture_output=True)
    return out / "tagger.pt"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--hidden", type=int, nargs="*", default=[64, 128, 256])
    parser.add_argument("--trained", type=Path, nargs=2, metavar=("TAGGER", "CHARLM_DIR"), default=None,
                        help="also time a trained tagger with its charlm pair (research.charlm.charlm, seed_study --charlm)")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20, help="tagger training steps (speed does not depend on them)")
    args = parser.parse_args(argv)
    if not (WORK / "ner" / "train.json").exists() or not (WORK / "id_korwatch.pretrain.pt").exists():
        parser.error("convert the data and train the vectors first: python -m training.build_all "
                     "--only convert_ner word_vectors")
    import stanza

    files = sorted((args.data / "articles" / "indosum-dev").glob("*.txt"))[: args.articles]
    texts = list(clean(load_articles(files).articles).articles["text"])
    pipelines = {"shipped": load_pipeline()}
    with tempfile.TemporaryDirectory() as tmp:
        for hidden in args.hidden:
            charlm_dir = train_charlm_pair(args.data / "corpus", hidden, Path(tmp) / f"charlm{hidden}")
            tagger = train_probe_tagger(charlm_dir, Path(tmp) / f"tagger{hidden}", args.steps)
            pipelines[f"charlm {hidden}"] = charlm_pipeline(tagger, charlm_dir)
        if args.trained:
            pipelines["trained"] = charlm_pipeline(*args.trained)
        for nlp in pipelines.values():
            nlp("Pemanasan.")  # first call allocates
        best = dict.fromkeys(pipelines, float("inf"))
        for _ in range(args.repeats):  # in turns: this machine's speed drifts between minutes
            for name, nlp in pipelines.items():
                start = time.perf_counter()
                docs = nlp([stanza.Document([], text=t) for t in texts])
                best[name] = min(best[name], time.perf_counter() - start)
    tokens = sum(doc.num_tokens for doc in docs)
    print(f"{len(texts)} articles, {tokens} tokens, best of {args.repeats}, NER batch {NER_BATCH_SIZE}")
    for name, seconds in best.items():
        print(f"{name:<12} {tokens / seconds:>7,.0f} tokens/s  {best['shipped'] / seconds:.2f} of shipped")


if __name__ == "__main__":
    main()
