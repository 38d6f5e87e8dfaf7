"""Stanza POS tagger and dependency parser for Indonesian, on the UD treebanks as korwatch tokenizes them.

korwatch's tokenizer keeps a clitic on its word ("menyetujuinya" is one token; no
multi-word-token expander runs), so the treebanks are rewritten the same way before
training: each multi-word token becomes one word carrying the tags and the attachment of
its part that attaches outside it. Lemmas are the word itself (the pipeline runs Stanza's
identity lemmatizer; the 2018 GSD train set has no lemmas). XPOS and features are dropped:
GSD 2018 has neither, and the tagger learns UPOS alone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TRAIN_SETS = ["UD_Indonesian-GSD/id_gsd-ud-train.2018.conllu", "UD_Indonesian-CSUI/id_csui-ud-train.conllu"]
DEV_SET = "UD_Indonesian-GSD/id_gsd-ud-dev.conllu"
TEST_SETS = {"gsd_test": "UD_Indonesian-GSD/id_gsd-ud-test.conllu",
             "csui_test": "UD_Indonesian-CSUI/id_csui-ud-test.conllu"}


def read_sentences(path: Path) -> list[list[str]]:
    """The sentences of a CoNLL-U file, each as its lines (comments included)."""
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            current.append(line)
        elif current:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def collapse_sentence(lines: list[str]) -> list[str]:
    """One sentence with every multi-word token made a single word (see the module docstring); empty nodes dropped."""
    comments = [line for line in lines if line.startswith("#")]
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    words = {row[0]: row for row in rows if row[0].isdigit()}
    surface = {}                                  # first word id of a range -> the range row
    merged_into = {}                              # word id -> the word id it becomes part of
    for row in rows:
        if "-" not in row[0]:
            continue
        start, end = (int(part) for part in row[0].split("-"))
        span = [str(i) for i in range(start, end + 1)]
        outside = [i for i in span if words[i][6] not in span]
        keep = outside[0] if outside else span[0]
        surface[keep] = row
        for i in span:
            merged_into[i] = keep
    kept = [i for i in words if merged_into.get(i, i) == i]
    new_id = {old: str(n) for n, old in enumerate(kept, start=1)}
    new_id["0"] = "0"
    out = []
    for old in kept:
        row = list(words[old])
        if old in surface:
            row[1], row[9] = surface[old][1], surface[old][9]
        head = merged_into.get(row[6], row[6])
        row[0], row[6] = new_id[old], new_id[head]
        row[2], row[4], row[5], row[8] = row[1], "_", "_", "_"
        out.append("\t".join(row))
    return comments + out


def write_collapsed(sources: list[Path], target: Path) -> int:
    """Write the collapsed sentences of every source to target; return the sentence count."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sentences = [collapse_sentence(s) for source in sources for s in read_sentences(source)]
    target.write_text("".join("\n".join(s) + "\n\n" for s in sentences), encoding="utf-8")
    return len(sentences)


def prepare(data: Path, out_dir: Path) -> dict:
    """train.conllu, dev.conllu and one file per test set, collapsed, under out_dir."""
    ud = data / "ud"
    counts = {"train": write_collapsed([ud / name for name in TRAIN_SETS], out_dir / "train.conllu"),
              "dev": write_collapsed([ud / DEV_SET], out_dir / "dev.conllu")}
    for name, source in TEST_SETS.items():
        counts[name] = write_collapsed([ud / source], out_dir / f"{name}.conllu")
    return {"sentences": counts}


def common_args(syntax_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, max_steps: int,
                eval_interval: int) -> list[str]:
    return [
        "--shorthand", "id_korwatch", "--lang", "id",
        "--train_file", str(syntax_dir / "train.conllu"),
        "--eval_file", str(syntax_dir / "dev.conllu"),
        "--output_file", str(save_dir / f"dev_predicted_{save_name}.conllu"),
        "--wordvec_pretrain_file", str(pretrain_pt),
        "--save_dir", str(save_dir), "--save_name", save_name,
        "--max_steps", str(max_steps), "--eval_interval", str(eval_interval),
        "--seed", "1234", "--no_bert_model",
    ]


# Stanza's default sizes cost 10 s a step for the tagger (250 sentences, a 400-wide character
# LSTM) and 4 s for the parser on two CPU cores; these train in about half an hour each.
TAGGER_SIZE = ["--char_hidden_dim", "100", "--batch_size", "100"]
PARSER_SIZE = ["--hidden_dim", "200", "--deep_biaff_hidden_dim", "200", "--num_layers", "2",
               "--char_hidden_dim", "100", "--batch_size", "2000",
               "--optim", "adam", "--lr", "0.002", "--no_second_optim"]


def train_pos(syntax_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, *, max_steps: int) -> dict:
    """stanza.models.tagger on the collapsed treebanks, best checkpoint on GSD dev."""
    save_dir.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "stanza.models.tagger", "--mode", "train",
            *common_args(syntax_dir, pretrain_pt, save_dir, save_name, max_steps, 200), *TAGGER_SIZE]
    print(" ".join(args), flush=True)
    subprocess.run(args, check=True)
    return {"max_steps": max_steps, "size": " ".join(TAGGER_SIZE)}


def train_parser(syntax_dir: Path, pretrain_pt: Path, save_dir: Path, save_name: str, *, max_steps: int) -> dict:
    """stanza.models.parser on the collapsed treebanks (gold UPOS, no XPOS or features), best on GSD dev."""
    save_dir.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "stanza.models.parser", "--mode", "train",
            *common_args(syntax_dir, pretrain_pt, save_dir, save_name, max_steps, 250),
            "--no_xpos", "--no_ufeats", *PARSER_SIZE]
    print(" ".join(args), flush=True)
    subprocess.run(args, check=True)
    return {"max_steps": max_steps, "size": " ".join(PARSER_SIZE)}
