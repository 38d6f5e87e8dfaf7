"""Character language models for the NER tagger: `python -m research.charlm.charlm [--hidden 64] [--epochs 12]`.

Stanza's NER can read each word through a forward and a backward character
language model trained on raw text, instead of its own small character model.
Stanza publishes none for Indonesian, so korwatch trains a pair on
../shared/data/corpus with Stanza's own trainer. NTREX (translated news, 1 % of
the corpus) is held out to pick the best checkpoint; every other file is
training text. The size is kept small because the charlm runs over every
character of every sentence at tagging time: `python -m research.charlm.charlm_probe`
measures what each hidden size costs in speed. Both directions train side by
side, one core each; a killed run goes on from its last epoch's checkpoint.
The pair goes to training/work/charlm<hidden>/ (git-ignored); the stage's
duration to research/charlm/stage_times.jsonl.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from korwatch_utils.nlp.ner import MODEL_FILES, MODELS_DIR, NER_BATCH_SIZE
from training.stages import DEFAULT_DATA, WORK, run_stage

LOG = Path(__file__).resolve().parent / "stage_times.jsonl"
EVAL_FILE = "ntrex128_newstest2019_ind.txt"
DIRECTIONS = ("forward", "backward")


def train_charlm(train_dir: Path, eval_file: Path, direction: str, hidden: int, save_path: Path, *,
                 epochs: int, cutoff: int, threads: int | None = None, quiet: bool = False) -> subprocess.Popen:
    """Start stanza.models.charlm on every file in train_dir for one direction; return the running process.

    threads limits torch to that many cores, so that both directions can train side by side.
    """
    env = dict(os.environ)
    if threads:
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    args = [sys.executable, "-m", "stanza.models.charlm", "--train_dir", str(train_dir),
            "--eval_file", str(eval_file), "--direction", direction, "--shorthand", "id_korwatch",
            "--char_hidden_dim", str(hidden), "--epochs", str(epochs), "--cutoff", str(cutoff),
            "--save_dir", str(save_path.parent), "--save_name", save_path.name,
            "--checkpoint_save_name", str(save_path.with_suffix(".checkpoint.pt")),
            # Stanza's default evaluates every 100,000 steps, more than a run here takes: then the
            # learning rate never anneals and no checkpoint is saved before the end. -1 = every epoch.
            "--eval_steps", "-1"]
    if not quiet:
        print(" ".join(args), flush=True)
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(args, env=env, stdout=output, stderr=output)


def wait_all(processes: list[subprocess.Popen]) -> None:
    """Wait for every process; raise if any failed."""
    codes = [process.wait() for process in processes]
    if any(codes):
        raise RuntimeError(f"charlm training failed with exit codes {codes}")


def corpus_split(corpus_dir: Path, out: Path) -> tuple[Path, Path]:
    """A training folder with every corpus file but the held-out one (hard links where possible), and that one."""
    train_dir = out / "train"
    train_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(corpus_dir.glob("*.txt")):
        if path.name != EVAL_FILE and not (train_dir / path.name).exists():
            try:
                os.link(path, train_dir / path.name)
            except OSError:
                shutil.copyfile(path, train_dir / path.name)
    return train_dir, corpus_dir / EVAL_FILE


def charlm_paths(folder: Path) -> dict[str, Path]:
    return {direction: folder / f"id_korwatch_{direction}_charlm.pt" for direction in DIRECTIONS}


def tagger_charlm_args(folder: Path) -> list[str]:
    """The ner_tagger options that make a tagger read words through the charlm pair in folder."""
    paths = charlm_paths(folder)
    return ["--charlm", "--charlm_shorthand", "id_korwatch", "--charlm_forward_file", str(paths["forward"]),
            "--charlm_backward_file", str(paths["backward"])]


def charlm_pipeline(tagger: Path, charlm_folder: Path, models_dir: Path = MODELS_DIR, *, pretokenized: bool = False):
    """A tokenize + ner pipeline whose tagger reads the charlm pair in charlm_folder.

    korwatch's load_pipeline ships no charlm, and Stanza does not find a tagger's
    charlm by itself: the pipeline must be given both paths.
    """
    import stanza

    paths = charlm_paths(charlm_folder)
    return stanza.Pipeline(
        lang="id", dir=str(models_dir), processors={"tokenize": "korwatch", "ner": "korwatch"}, download_method=None,
        tokenize_model_path=str(models_dir / MODEL_FILES["tokenize"]), tokenize_pretokenized=pretokenized,
        ner_model_path=str(tagger), ner_pretrain_path=str(models_dir / MODEL_FILES["pretrain"]),
        ner_forward_charlm_path=str(paths["forward"]), ner_backward_charlm_path=str(paths["backward"]),
        ner_batch_size=NER_BATCH_SIZE, use_gpu=False, logging_level="WARN")


def build_pair(corpus_dir: Path, folder: Path, *, hidden: int, epochs: int, cutoff: int) -> dict:
    """Train both directions at once, one core each (the LSTM is too small to use two well)."""
    train_dir, eval_file = corpus_split(corpus_dir, folder)
    paths = charlm_paths(folder)
    wait_all([train_charlm(train_dir, eval_file, direction, hidden, paths[direction], epochs=epochs, cutoff=cutoff,
                           threads=1) for direction in DIRECTIONS])
    return {"hidden": hidden, "epochs": epochs, "cutoff": cutoff}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--cutoff", type=int, default=100, help="characters seen fewer times become unknown")
    args = parser.parse_args(argv)
    folder = WORK / f"charlm{args.hidden}"
    run_stage(f"charlm{args.hidden}", list(charlm_paths(folder).values()),
              lambda: build_pair(args.data / "corpus", folder, hidden=args.hidden, epochs=args.epochs,
                                 cutoff=args.cutoff), log=LOG)


if __name__ == "__main__":
    main()
