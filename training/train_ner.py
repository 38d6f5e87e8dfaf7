"""Train Stanza's NER tagger on the converted sets, with fixed seeds."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

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
              seed: int = 1234, extra_args: tuple[str, ...] = ()) -> dict:
    """Run stanza.models.ner_tagger in a subprocess (its own logging and argv) and return its settings.

    extra_args are more ner_tagger options, for a seed study of another recipe.
    """
    args = tagger_args(ner_dir, pretrain_pt, save_dir, save_name, max_steps, seed) + list(extra_args)
    print(" ".join(args), flush=True)
    subprocess.run(args, check=True)
    return {"max_steps": max_steps, "seed": seed, **_logged(extra_args)}


def anneal_ner(start_tagger: Path, ner_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, *,
               lr: float, max_steps: int, seed: int, train_set: str = "train", extra_args: tuple[str, ...] = ()) -> dict:
    """Go on training a finished tagger at a lower learning rate, on ner_dir/<train_set>.json; keep the best on dev.

    The first run stops at max_steps while SGD still runs at 0.05 to 0.1, so its weights
    bounce around the optimum. Stanza's own second stage (--second_optim) starts only after
    max_steps_no_improve steps without progress, which the step budget never reaches, and
    --finetune takes the learning rate from the saved tagger's config rather than from argv:
    so the start tagger is copied with its configured rate lowered, then fine-tuned.
    """
    checkpoint = torch.load(start_tagger, map_location="cpu", weights_only=True)
    checkpoint["config"]["lr"] = lr
    save_dir.mkdir(parents=True, exist_ok=True)
    start_copy = save_dir / f"anneal_start_{save_name}"
    torch.save(checkpoint, start_copy)
    args = tagger_args(ner_dir, pretrain_pt, save_dir, save_name, max_steps, seed, train_set) + list(extra_args)
    args += ["--finetune", "--finetune_load_name", str(start_copy)]
    print(" ".join(args), flush=True)
    try:
        subprocess.run(args, check=True)
    finally:
        start_copy.unlink(missing_ok=True)
    return {"anneal_lr": lr, "anneal_steps": max_steps, "seed": seed, "train_set": train_set, **_logged(extra_args)}


def average_ner(start_tagger: Path, ner_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, *,
                lr: float, max_steps: int, average_from: int, average_every: int, seed: int,
                train_set: str = "news_train", eval_interval: int = 250, extra_args: tuple[str, ...] = ()) -> dict:
    """Go on training a finished tagger at a constant low rate and save the mean of its weights over the late steps.

    anneal_ner keeps the checkpoint that scores best on NER-UI fold-1 dev, but dev has
    170 sentences and the fine-tune's dev F1 only wanders within about half a point, so
    the pick is mostly noise. Averaging the weights along the trajectory (stochastic
    weight averaging, Izmailov et al. 2018) needs no pick. Stanza's trainer cannot
    average, so this loop drives Stanza's Trainer and DataLoader itself, in the same
    order and from the same seed as ner_tagger's own training, with torch's AveragedModel.
    Dev is scored every eval_interval steps and for the average, for the log only.
    """
    from stanza.models import ner_tagger
    from stanza.models.common import utils as stanza_utils
    from stanza.models.common.doc import Document
    from stanza.models.ner import scorer
    from stanza.models.ner.data import DataLoader
    from torch.optim.swa_utils import AveragedModel

    if average_from > max_steps:
        raise ValueError(f"average_from={average_from} is beyond max_steps={max_steps}: nothing would be averaged")
    command = tagger_args(ner_dir, pretrain_pt, save_dir, save_name, max_steps, seed, train_set) + list(extra_args)
    args = ner_tagger.parse_args(command[3:])  # the options, without "python -m stanza.models.ner_tagger"
    stanza_utils.set_random_seed(seed)
    _, trainer, vocab = ner_tagger.load_model(args, str(start_tagger))
    trainer.args["lr"] = lr
    for group in trainer.optimizer.param_groups:
        group["lr"] = lr

    def load(path: str, evaluation: bool) -> DataLoader:
        with open(path, encoding="utf-8") as handle:
            doc = Document(json.load(handle))
        return DataLoader(doc, args["batch_size"], args, None, vocab=vocab, evaluation=evaluation,
                          max_batch_words=None if evaluation else args["max_batch_words"])

    train_batches = load(args["train_file"], evaluation=False)
    dev_batches = load(args["eval_file"], evaluation=True)
    dev_gold = [[tags[0] for tags in sentence] for sentence in dev_batches.tags]

    def dev_f1() -> float:
        predictions = [tags for batch in dev_batches for tags in trainer.predict(batch)]
        return scorer.score_by_entity(predictions, dev_gold)[2]

    average = None
    step, started, dev_history = 0, time.time(), {}
    while step < max_steps:
        for batch in train_batches:
            step += 1
            loss = trainer.update(batch)
            if step >= average_from and (step - average_from) % average_every == 0:
                if average is None:
                    average = AveragedModel(trainer.model)  # holds no snapshot until its first update
                average.update_parameters(trainer.model)
            if step % eval_interval == 0:
                dev_history[step] = dev_f1()
                print(f"step {step}: loss {loss:.4f}, dev F1 {100 * dev_history[step]:.2f} "
                      f"({time.time() - started:.0f} s)", flush=True)
            if step >= max_steps:
                break
        train_batches.reshuffle()
    trainer.model.load_state_dict(average.module.state_dict())
    averaged_dev = dev_f1()
    print(f"average of {int(average.n_averaged)} snapshots: dev F1 {100 * averaged_dev:.2f}", flush=True)
    save_dir.mkdir(parents=True, exist_ok=True)
    trainer.save(str(save_dir / save_name))
    return {"average_lr": lr, "average_steps": max_steps, "average_from": average_from,
            "average_every": average_every, "snapshots": int(average.n_averaged), "seed": seed,
            "train_set": train_set, "dev_f1": round(100 * averaged_dev, 2),
            "dev_f1_by_step": {s: round(100 * f, 2) for s, f in dev_history.items()}, **_logged(extra_args)}


def _logged(extra_args: tuple[str, ...]) -> dict:
    """The extra tagger options for a stage's log line; nothing when there are none, as in the shipped recipe."""
    return {"extra_args": list(extra_args)} if extra_args else {}
