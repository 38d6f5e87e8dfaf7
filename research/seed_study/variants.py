"""NER runs the rebuild does not make: the recipe with more ner_tagger options, and weight averaging.

Each mirrors a function of training.train_ner (same command line from
training.train_ner.tagger_args, same seed) so that a study differs from the
shipped recipe only in what it names.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from training.train_ner import finetune_options, tagger_args


def logged(extra_args: tuple[str, ...]) -> dict:
    """The extra tagger options for a stage's log line; nothing when there are none, as in the shipped recipe."""
    return {"extra_args": list(extra_args)} if extra_args else {}


def train_variant(ner_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, *, max_steps: int, seed: int,
                  extra_args: tuple[str, ...] = ()) -> dict:
    """training.train_ner.train_ner with more ner_tagger options (e.g. --emb_finetune_known_only)."""
    args = tagger_args(ner_dir, pretrain_pt, save_dir, save_name, max_steps, seed) + list(extra_args)
    print(" ".join(args), flush=True)
    subprocess.run(args, check=True)
    return {"max_steps": max_steps, "seed": seed, **logged(extra_args)}


def anneal_variant(start_tagger: Path, ner_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, *,
                   lr: float, max_steps: int, seed: int, train_set: str = "train",
                   extra_args: tuple[str, ...] = ()) -> dict:
    """training.train_ner.anneal_ner with more ner_tagger options."""
    with finetune_options(start_tagger, lr, save_dir, save_name) as finetune:
        args = tagger_args(ner_dir, pretrain_pt, save_dir, save_name, max_steps, seed, train_set)
        args += list(extra_args) + finetune
        print(" ".join(args), flush=True)
        subprocess.run(args, check=True)
    return {"anneal_lr": lr, "anneal_steps": max_steps, "seed": seed, "train_set": train_set, **logged(extra_args)}


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
            "dev_f1_by_step": {s: round(100 * f, 2) for s, f in dev_history.items()}, **logged(extra_args)}
