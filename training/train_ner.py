"""Train Stanza's NER tagger on the converted sets, with fixed seeds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def train_ner(ner_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, *, max_steps: int,
              seed: int = 1234) -> dict:
    """Run stanza.models.ner_tagger in a subprocess (its own logging and argv) and return its settings."""
    args = [
        sys.executable, "-m", "stanza.models.ner_tagger", "--mode", "train",
        "--shorthand", "id_korwatch",
        "--train_file", str(ner_dir / "train.json"),
        "--eval_file", str(ner_dir / "nerui1_dev.json"),
        "--wordvec_pretrain_file", str(pretrain_pt),
        "--save_dir", str(save_dir), "--save_name", save_name,
        "--max_steps", str(max_steps), "--eval_interval", "250", "--log_step", "100",
        "--seed", str(seed), "--no_bert_model",
    ]
    print(" ".join(args), flush=True)
    subprocess.run(args, check=True)
    return {"max_steps": max_steps, "seed": seed}
