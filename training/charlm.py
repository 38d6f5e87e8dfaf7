"""A small character language model (forward or backward) on ../shared/data/corpus for the NER tagger."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HIDDEN = 512
EPOCHS = 2
EVAL_LINES = 2000  # the last lines of the corpus are held out to select the model


def prepare_corpus(corpus_dir: Path, out: Path) -> tuple[Path, Path]:
    """One training text (the corpus, minus its held-out tail) and one eval text."""
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for path in sorted(corpus_dir.glob("*.txt")):
        lines.extend(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    train_dir, eval_file = out / "train", out / "eval.txt"
    train_dir.mkdir(exist_ok=True)
    (train_dir / "corpus.txt").write_text("\n".join(lines[:-EVAL_LINES]) + "\n", encoding="utf-8")
    eval_file.write_text("\n".join(lines[-EVAL_LINES:]) + "\n", encoding="utf-8")
    return train_dir, eval_file


def train_charlm(corpus_dir: Path, work: Path, direction: str, save_path: Path) -> dict:
    """Train one direction with Stanza's charlm trainer in a subprocess."""
    train_dir, eval_file = prepare_corpus(corpus_dir, work)
    args = [
        sys.executable, "-m", "stanza.models.charlm", "--train_dir", str(train_dir), "--eval_file", str(eval_file),
        "--shorthand", "id_korwatch", "--direction", direction, "--char_hidden_dim", str(HIDDEN),
        "--epochs", str(EPOCHS), "--cutoff", "5", "--eval_steps", "-1", "--report_steps", "200",
        "--save_dir", str(save_path.parent), "--save_name", save_path.name, "--seed", "1234", "--no_checkpoint",
    ]
    print(" ".join(args), flush=True)
    subprocess.run(args, check=True)
    return {"direction": direction, "hidden": HIDDEN, "epochs": EPOCHS}
