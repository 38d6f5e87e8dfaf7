"""Reproduce every shipped model: `python -m training.build_all [--data DIR]` (or `make models`).

Stages run in order and are resumable: a finished stage (its outputs plus a
done-marker in training/work/) is skipped; durations go to
training/stage_times.jsonl. The last stage copies the models into
korwatch_utils/models/.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from training.convert_ner import convert
from training.stages import DEFAULT_DATA, ROOT, WORK, run_stage
from training.train_attribution import train as train_attribution
from training.train_lines import train as train_lines
from training.train_ner import anneal_ner, train_ner
from training.train_syntax import prepare as prepare_syntax, train_parser, train_pos
from training.train_tokenizer import prepare, train_tokenizer
from training.word_vectors import train_vectors

MODELS = ROOT / "korwatch_utils" / "models"
# Chosen on NER-UI fold-1 dev among seeds 1234, 1, 2, 3 (research/seed_study/).
NER_SEED = 2
# The trained tagger then goes on learning from the news sets alone (IDNER + NER-UI, not NERGrit's
# Wikipedia biographies) at a tenth of the first rate: over seeds 1234, 1, 2, 3 this raised NER-UI dev
# and IDNER dev, and moved NER-UI test and NERGrit within noise (research/seed_study/).
NEWS_FINETUNE = {"train_set": "news_train", "lr": 0.01, "max_steps": 2000}
BASE_TAGGER = WORK / "ner_model" / "id_korwatch_nertagger.pt"
# stage -> the stages whose outputs it reads; rebuilding one makes everything downstream stale
READS_FROM = {
    "train_tokenizer": ["tokenizer_data"],
    "train_ner": ["convert_ner", "word_vectors"],
    "news_finetune": ["convert_ner", "word_vectors", "train_ner"],
    "train_pos": ["syntax_data", "word_vectors"],
    "train_parser": ["syntax_data", "word_vectors"],
    "train_attribution": ["news_finetune", "train_tokenizer", "train_pos", "train_parser", "train_lines"],
}
SHIPPED = {
    "id_korwatch_tokenizer.pt": WORK / "tokenize_model" / "id_korwatch_tokenizer.pt",
    "id_korwatch_nertagger.pt": WORK / "ner_news_model" / "id_korwatch_nertagger.pt",
    "id_korwatch.pretrain.pt": WORK / "id_korwatch.pretrain.pt",
    "id_korwatch_tagger.pt": WORK / "pos_model" / "id_korwatch_tagger.pt",
    "id_korwatch_parser.pt": WORK / "parser_model" / "id_korwatch_parser.pt",
}


def with_downstream(forced: list[str]) -> set[str]:
    """The forced stages plus every stage that reads, directly or not, from one of them."""
    stale = set(forced)
    while True:
        grown = stale | {stage for stage, inputs in READS_FROM.items() if stale.intersection(inputs)}
        if grown == stale:
            return stale
        stale = grown


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default ../shared/data)")
    parser.add_argument("--ner-steps", type=int, default=8000)
    parser.add_argument("--ner-seed", type=int, default=NER_SEED, help=f"default {NER_SEED}: see NER_SEED")
    parser.add_argument("--tokenizer-steps", type=int, default=15000)
    parser.add_argument("--pos-steps", type=int, default=600)
    parser.add_argument("--parser-steps", type=int, default=500)
    parser.add_argument("--force", nargs="*", default=[],
                        help="stages to rebuild even if done (and the stages that read their outputs)")
    parser.add_argument("--only", nargs="*", default=None,
                        help="run just these stages and ship nothing (e.g. to train two stages at once)")
    args = parser.parse_args(argv)
    data = args.data.resolve()
    forced = with_downstream(args.force)

    def stage(name, outputs, build):
        if args.only is None or name in args.only:
            run_stage(name, outputs, build, force=name in forced)

    ner_dir, pretrain = WORK / "ner", SHIPPED["id_korwatch.pretrain.pt"]
    tok_dir = WORK / "tokenize"
    stage("convert_ner", [ner_dir / "train.json", ner_dir / f"{NEWS_FINETUNE['train_set']}.json"],
          lambda: convert(data, ner_dir))
    stage("word_vectors", [pretrain],
          lambda: train_vectors(data / "corpus", WORK / "vectors" / "id_korwatch.vec.txt", pretrain))
    stage("tokenizer_data", [tok_dir / "train.toklabels"], lambda: prepare(data, tok_dir))
    tokenizer = SHIPPED["id_korwatch_tokenizer.pt"]
    stage("train_tokenizer", [tokenizer],
          lambda: train_tokenizer(tok_dir, tokenizer.parent, tokenizer.name, steps=args.tokenizer_steps))

    base = BASE_TAGGER
    stage("train_ner", [base], lambda: train_ner(ner_dir, pretrain, base.parent, base.name,
                                                 max_steps=args.ner_steps, seed=args.ner_seed))
    ner = SHIPPED["id_korwatch_nertagger.pt"]
    stage("news_finetune", [ner], lambda: anneal_ner(base, ner_dir, pretrain, ner.parent, ner.name,
                                                      seed=args.ner_seed, **NEWS_FINETUNE))

    syntax_dir = WORK / "syntax"
    stage("syntax_data", [syntax_dir / "train.conllu"], lambda: prepare_syntax(data, syntax_dir))
    tagger, parser_model = SHIPPED["id_korwatch_tagger.pt"], SHIPPED["id_korwatch_parser.pt"]
    stage("train_pos", [tagger], lambda: train_pos(syntax_dir, pretrain, tagger.parent, tagger.name,
                                                   max_steps=args.pos_steps))
    stage("train_parser", [parser_model], lambda: train_parser(syntax_dir, pretrain, parser_model.parent,
                                                               parser_model.name, max_steps=args.parser_steps))

    lines = WORK / "lines" / "lines.json"
    stage("train_lines", [lines], lambda: train_lines(data, lines))
    if args.only is not None:  # the attributor learns from the shipped models: it runs only in a full build
        return
    MODELS.mkdir(parents=True, exist_ok=True)
    for name, source in SHIPPED.items():
        shutil.copy(source, MODELS / name)
        print(f"shipped {MODELS / name} ({source.stat().st_size / 1e6:.1f} MB)")
    shutil.copy(lines, MODELS / lines.name)
    print(f"shipped {MODELS / lines.name}")
    # The attributor learns from what the shipped NER and parser find, so it trains after they are shipped.
    weights = WORK / "attribution" / "attribution.json"
    stage("train_attribution", [weights], lambda: train_attribution(data, weights))
    shutil.copy(weights, MODELS / weights.name)
    print(f"shipped {MODELS / weights.name}")


if __name__ == "__main__":
    main()
