"""Train Stanza's NER tagger on the converted sets, with fixed seeds, then fine-tune it at a lower rate."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import torch


def tagger_args(ner_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, max_steps: int, seed: int,
                train_set: str = "train") -> list[str]:
    """The command line of stanza.models.ner_tagger for korwatch's sets: train on train_set, select on NER-UI dev."""
    return [
        sys.executable, "-m", "stanza.models.ner_tagger", "--mode", "train",
        "--shorthand", "id_korwatch",
        "--train_file", str(ner_dir / f"{train_set}.json"),
        "--eval_file", str(ner_dir / "nerui1_dev.json"),
        "--wordvec_pretrain_file", str(pretrain_pt),
        "--save_dir", str(save_dir), "--save_name", save_name,
        "--max_steps", str(max_steps), "--eval_interval", "250", "--log_step", "100",
        "--seed", str(seed), "--no_bert_model",
    ]


def train_ner(ner_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, *, max_steps: int,
              seed: int) -> dict:
    """Run stanza.models.ner_tagger in a subprocess (its own logging and argv) and return its settings."""
    args = tagger_args(ner_dir, pretrain_pt, save_dir, save_name, max_steps, seed)
    print(" ".join(args), flush=True)
    subprocess.run(args, check=True)
    return {"max_steps": max_steps, "seed": seed}


@contextmanager
def finetune_options(start_tagger: Path, lr: float, save_dir: Path, save_name: str) -> Iterator[list[str]]:
    """ner_tagger options that fine-tune a copy of start_tagger at learning rate lr; the copy is removed after.

    Stanza's --finetune takes the learning rate from the saved tagger's config rather
    than from argv, so the start tagger is copied with its configured rate lowered.
    """
    checkpoint = torch.load(start_tagger, map_location="cpu", weights_only=True)
    checkpoint["config"]["lr"] = lr
    save_dir.mkdir(parents=True, exist_ok=True)
    start_copy = save_dir / f"anneal_start_{save_name}"
    torch.save(checkpoint, start_copy)
    try:
        yield ["--finetune", "--finetune_load_name", str(start_copy)]
    finally:
        start_copy.unlink(missing_ok=True)


def anneal_ner(start_tagger: Path, ner_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, *,
               lr: float, max_steps: int, seed: int, train_set: str) -> dict:
    """Go on training a finished tagger at a lower learning rate, on ner_dir/<train_set>.json; keep the best on dev.

    The first run stops at max_steps while SGD still runs at 0.05 to 0.1, so its weights
    bounce around the optimum. Stanza's own second stage (--second_optim) starts only after
    max_steps_no_improve steps without progress, which the step budget never reaches.
    """
    with finetune_options(start_tagger, lr, save_dir, save_name) as finetune:
        args = tagger_args(ner_dir, pretrain_pt, save_dir, save_name, max_steps, seed, train_set) + finetune
        print(" ".join(args), flush=True)
        subprocess.run(args, check=True)
    return {"anneal_lr": lr, "anneal_steps": max_steps, "seed": seed, "train_set": train_set}
