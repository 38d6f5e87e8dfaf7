"""How much the NER recipe's scores depend on its seed: `python -m research.seed_study.seed_study --seeds 1234 1 2`.

Trains the tagger once per seed from the same converted data and word vectors
(training/work/ner, training/work/id_korwatch.pretrain.pt, or --pretrain),
each run a resumable stage under training/work/seed_study/seed<N>/, then
scores every run on the selection set (NER-UI fold-1 dev) and the held-out
sets of benchmarks/ner_quality.py and prints each run, the mean and the
standard deviation. A recipe change is worth shipping when its mean moves by
more than the spread printed here, not when one build does. With --anneal-lr,
each seed's tagger then goes on training at that rate (--anneal-steps, on
--anneal-set) and the fine-tuned taggers are the ones scored; with
--average-from as well, the mean of the weights from that step on is scored
instead of the best checkpoint on dev (variants.average_ner).
--vote K also scores the ensemble of the seeds' taggers (spans that at least K
of them predict), and --name keeps a study on other inputs, such as other
vectors (--pretrain), more tagger options (--tagger-args) or a character
language model (--charlm, from research.charlm), apart from the rest (folders
<name>_seed<N>). Stage durations go to research/seed_study/stage_times.jsonl.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
from collections import Counter
from pathlib import Path

from korwatch_utils.nlp.ner import MODEL_FILES, MODELS_DIR, load_pipeline
from research.charlm.charlm import charlm_paths, charlm_pipeline, tagger_charlm_args
from research.seed_study.variants import anneal_variant, average_ner, train_variant
from training.evaluate import Span, read_split, span_scores, tagged_spans
from training.stages import WORK, run_stage

STUDY = WORK / "seed_study"
LOG = Path(__file__).resolve().parent / "stage_times.jsonl"
RESOURCES = "resources.json"
SPLITS = {
    "dev": "nerui1_dev",  # the selection set: Stanza keeps the checkpoint that scores best here
    "NER-UI test": "nerui1_test",
    "IDNER dev": "idner_dev",
    "IDNER harm.": "idner_dev_harmonised",
    "NERGrit": "nergrit_valid",
}


def vote(predictions: list[set[Span]], at_least: int) -> set[Span]:
    """The spans that at least `at_least` of the taggers predicted, exactly (an ensemble by span vote)."""
    counts = Counter(span for spans in predictions for span in spans)
    return {span for span, count in counts.items() if count >= at_least}


def models_folder(folder: Path, pretrain: Path, tokenizer: Path, resources: Path = MODELS_DIR / RESOURCES) -> Path:
    """folder/ as a complete models folder: its own tagger beside links to the shared files.

    Stanza's Pipeline wants a resources.json in the folder, so the package's is linked too.
    """
    folder.mkdir(parents=True, exist_ok=True)
    links = {MODEL_FILES["pretrain"]: pretrain, MODEL_FILES["tokenize"]: tokenizer, RESOURCES: resources}
    for name, source in links.items():
        link = folder / name
        link.unlink(missing_ok=True)
        link.symlink_to(source.resolve())
    return folder


def score_folders(folders: dict[int, Path], ner_dir: Path, votes: list[int] = (),
                  charlm: Path | None = None) -> tuple[dict, dict]:
    """Micro F1 of each models folder on every split in SPLITS, and of the span votes of all folders.

    The vote for k keeps the spans that at least k of the taggers predicted: about what
    an ensemble of the seeds, or one tagger distilled from it, could reach. Taggers
    trained with a charlm are scored with the pair in the charlm folder.
    """
    per_seed = {seed: {} for seed in folders}
    per_vote = {f"vote >= {k}": {} for k in votes}
    if charlm is None:
        pipelines = {seed: load_pipeline(pretokenized=True, models_dir=str(folder)) for seed, folder in folders.items()}
    else:
        pipelines = {seed: charlm_pipeline(folder / MODEL_FILES["ner"], charlm, folder, pretokenized=True)
                     for seed, folder in folders.items()}
    for name, split in SPLITS.items():
        sentences, predictions = read_split(ner_dir / f"{split}.json"), []
        for seed, pipeline in pipelines.items():
            gold, predicted = tagged_spans(pipeline, sentences)
            per_seed[seed][name] = span_scores(gold, predicted)["micro"]["f1"]
            predictions.append(predicted)
        for k in votes:
            per_vote[f"vote >= {k}"][name] = span_scores(gold, vote(predictions, k))["micro"]["f1"]
    return per_seed, per_vote


def summary_rows(results: dict[int, dict[str, float]]) -> list[tuple[str, dict[str, float]]]:
    """One row per seed, then the mean and the sample standard deviation of each column."""
    rows = [(f"seed {seed}", scores) for seed, scores in results.items()]
    if len(results) > 1:
        columns = next(iter(results.values())).keys()
        values = {c: [scores[c] for scores in results.values()] for c in columns}
        rows.append(("mean", {c: statistics.mean(v) for c, v in values.items()}))
        rows.append(("sd", {c: statistics.stdev(v) for c, v in values.items()}))
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--pretrain", type=Path, default=WORK / "id_korwatch.pretrain.pt")
    parser.add_argument("--name", default="",
                        help="names a study on other inputs (e.g. --pretrain): its runs are kept apart from the rest")
    parser.add_argument("--tagger-args", default="",
                        help="more stanza ner_tagger options for both stages, e.g. '--emb_finetune_known_only' (with --name)")
    parser.add_argument("--charlm", type=Path, default=None,
                        help="a folder with a charlm pair (python -m research.charlm.charlm): both stages read words "
                             "through it (with --name)")
    parser.add_argument("--tokenizer", type=Path, default=MODELS_DIR / MODEL_FILES["tokenize"],
                        help="only used to make each folder loadable; NER scoring is pretokenized")
    parser.add_argument("--ner-steps", type=int, default=8000)
    parser.add_argument("--anneal-lr", type=float, default=None,
                        help="also go on training each seed's tagger at this learning rate (as news_finetune does)")
    parser.add_argument("--anneal-steps", type=int, default=2000)
    parser.add_argument("--anneal-set", default="train", choices=["train", "news_train", "nerui1_train"],
                        help="train (all three sets), news_train (IDNER + NER-UI, the shipped recipe's) or "
                             "nerui1_train (NER-UI alone)")
    parser.add_argument("--average-from", type=int, default=None,
                        help="with --anneal-lr: keep the mean of the weights from this step on, not the best on dev")
    parser.add_argument("--average-every", type=int, default=50)
    parser.add_argument("--vote", type=int, nargs="*", default=[],
                        help="also score the ensemble of the seeds' taggers: spans predicted by at least K of them")
    parser.add_argument("--json", type=Path, default=STUDY / "results.json")
    args = parser.parse_args(argv)
    ner_dir = WORK / "ner"
    if not (ner_dir / "train.json").exists() or not args.pretrain.exists():
        parser.error("convert the data and train the vectors first: python -m training.build_all "
                     "--only convert_ner word_vectors")

    if (args.tagger_args or args.charlm) and not args.name:
        parser.error("--tagger-args and --charlm change the recipe: give the study a --name")
    if args.charlm and not all(path.exists() for path in charlm_paths(args.charlm).values()):
        parser.error(f"no charlm pair in {args.charlm}: train one first (python -m research.charlm.charlm)")
    prefix = f"{args.name}_" if args.name else ""
    extra = tuple(shlex.split(args.tagger_args)) + tuple(tagger_charlm_args(args.charlm) if args.charlm else ())
    scored = {}  # seed -> the models folder to score
    for seed in args.seeds:  # train every seed before scoring any
        folder = scored[seed] = models_folder(STUDY / f"{prefix}seed{seed}", args.pretrain, args.tokenizer)
        tagger = folder / MODEL_FILES["ner"]
        run_stage(f"seed_study_{prefix}ner{seed}", [tagger],
                  lambda: train_variant(ner_dir, args.pretrain, folder, tagger.name, max_steps=args.ner_steps,
                                        seed=seed, extra_args=extra), log=LOG)
        if args.anneal_lr is not None:
            variant = f"anneal{args.anneal_lr:g}x{args.anneal_steps}"
            if args.average_from is not None:
                variant = f"average{args.anneal_lr:g}x{args.anneal_steps}from{args.average_from}every{args.average_every}"
            variant += "" if args.anneal_set == "train" else f"_{args.anneal_set}"
            annealed = models_folder(STUDY / f"{prefix}seed{seed}_{variant}", args.pretrain, args.tokenizer)
            scored[seed] = annealed
            if args.average_from is None:
                fine_tune = lambda: anneal_variant(tagger, ner_dir, args.pretrain, annealed, tagger.name,
                                                   lr=args.anneal_lr, max_steps=args.anneal_steps, seed=seed,
                                                   train_set=args.anneal_set, extra_args=extra)
            else:
                fine_tune = lambda: average_ner(tagger, ner_dir, args.pretrain, annealed, tagger.name,
                                                lr=args.anneal_lr, max_steps=args.anneal_steps, seed=seed,
                                                train_set=args.anneal_set, average_from=args.average_from,
                                                average_every=args.average_every, extra_args=extra)
            run_stage(f"seed_study_{prefix}ner{seed}_{variant}", [annealed / tagger.name], fine_tune, log=LOG)
    results, votes = score_folders(scored, ner_dir, args.vote, args.charlm)

    print(f"{'':<11}" + "".join(f"{name:>13}" for name in SPLITS))
    for label, scores in [*summary_rows(results), *votes.items()]:
        print(f"{label:<11}" + "".join(f"{scores[name]:>13.2f}" for name in SPLITS))
    args.json.write_text(json.dumps({"pretrain": str(args.pretrain), "scores": results, "votes": votes}, indent=2))
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
