"""Train Stanza's tokenizer (tokens and sentences) on UD Indonesian GSD 2018 train + CSUI train.

GSD's units that hold several sentences are split at clear boundaries first
(see `split_merged_sentences`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GSD = "UD_Indonesian-GSD"
CSUI = "UD_Indonesian-CSUI"
TRAIN_FILES = [f"{GSD}/id_gsd-ud-train.2018.conllu", f"{CSUI}/id_csui-ud-train.conllu"]
DEV_FILE = f"{GSD}/id_gsd-ud-dev.conllu"
TEST_FILES = {"gsd_test": f"{GSD}/id_gsd-ud-test.conllu", "csui_test": f"{CSUI}/id_csui-ud-test.conllu"}
# Not in korwatch's targets; a third unseen set (news and Wikipedia, one sentence per unit).
EXTRA_TEST_FILES = {"pud_test": "UD_Indonesian-PUD/id_pud-ud-test.conllu"}
# Words of four letters or more, or capitals, that GSD writes before a period inside a sentence.
ABBREVIATIONS = {"prof", "jend", "brig", "kapt", "kol", "letjen", "mayjen", "brigjen", "dra", "drs", "bpk", "mrs",
                 "vol", "jln", "tbk", "ltd", "inc", "corp", "dll", "dsb", "dst", "dkk", "yth", "hlm", "kec", "kab"}
QUOTES = {'"', "“", "”"}
SENTENCE_ENDS = {".", "!", "?"}


def collapse_mwt(conllu: str) -> str:
    """Replace each multi-word token by one word carrying its surface form.

    GSD 2018 has no multi-word tokens while CSUI and GSD 2025 split clitics
    (menyetujuinya = menyetujui + nya). korwatch's pipeline has no MWT
    expander, so the tokenizer learns surface tokens: words equal tokens.
    """
    out = []
    for block in conllu.strip().split("\n\n"):
        lines, skip_until, number = [], 0, 0
        renumber: list[str] = []
        for line in block.split("\n"):
            if not line or line.startswith("#"):
                lines.append(line)
                continue
            cols = line.split("\t")
            if "." in cols[0]:
                continue  # empty nodes carry no surface text
            if "-" in cols[0]:
                first, last = (int(x) for x in cols[0].split("-"))
                skip_until = last
                number += 1
                renumber.append(_word(number, cols[1], cols[1], "X", cols[9]))
                continue
            if int(cols[0]) <= skip_until:
                continue
            number += 1
            renumber.append(_word(number, cols[1], cols[2], cols[3], cols[9]))
        out.append("\n".join(lines + renumber))
    return "\n\n".join(out) + "\n\n"


def split_merged_sentences(conllu: str) -> tuple[str, int]:
    """Split units that hold two or more sentences at clear boundaries; return the text and the number of cuts.

    About 4 % of GSD's units are passages of several sentences ("... di bulan Juli.
    Sampul resmi album ..."). Trained on them, the tokenizer learns that a period
    before a capital may not end a sentence and misses clear boundaries in news
    (CSUI). A cut is made after ". ! ?" outside quotation marks when the next
    word is capitalised and the word before is no abbreviation: four letters or
    more, or three capitals or more ("KDRT."), and not in ABBREVIATIONS. CSUI
    keeps multi-sentence quotations whole by convention; quotes are never cut.
    Trees become flat, as in `collapse_mwt`.
    """
    out, cuts_made = [], 0
    for block in conllu.strip().split("\n\n"):
        words = [line for line in block.split("\n") if line and not line.startswith("#")]
        forms = [word.split("\t")[1] for word in words]
        cuts, inside_quote = [], False
        for i, form in enumerate(forms[:-1]):
            if form in QUOTES:
                inside_quote = not inside_quote
            if form in SENTENCE_ENDS and i and not inside_quote and forms[i + 1][:1].isupper() and _ends_sentence(forms[i - 1]):
                cuts.append(i + 1)
        if not cuts:
            out.append(block)
            continue
        cuts_made += len(cuts)
        bounds = [0, *cuts, len(words)]
        for start, end in zip(bounds, bounds[1:]):
            piece = [word.split("\t") for word in words[start:end]]
            lines = [f"# text = {' '.join(cols[1] for cols in piece)}"]
            lines += [_word(n, cols[1], cols[2], cols[3], cols[9]) for n, cols in enumerate(piece, 1)]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n\n", cuts_made


def _ends_sentence(word: str) -> bool:
    if word.lower() in ABBREVIATIONS:
        return False
    return len(word) >= 4 or (len(word) >= 3 and word.isupper())


def _word(number: int, form: str, lemma: str, upos: str, misc: str) -> str:
    """A CoNLL-U word line; the tree is a flat one rooted at word 1 (the scorer needs a valid tree)."""
    head, deprel = ("0", "root") if number == 1 else ("1", "dep")
    return "\t".join([str(number), form, lemma, upos, "_", "_", head, deprel, "_", misc])


def prepare(data: Path, work: Path) -> dict:
    """Write train/dev txt, character labels and gold CoNLL-U into work/."""
    from stanza.utils.datasets import conllu_to_text, prepare_tokenizer_data

    work.mkdir(parents=True, exist_ok=True)
    parts, counts = [], {}
    for rel in TRAIN_FILES:
        text = collapse_mwt((data / "ud" / rel).read_text(encoding="utf-8"))
        if rel.startswith(GSD):
            text, counts["gsd_cuts"] = split_merged_sentences(text)
        parts.append(text)
    train = "".join(parts)
    splits = {"train": train, "dev": collapse_mwt((data / "ud" / DEV_FILE).read_text(encoding="utf-8"))}
    for name, text in splits.items():
        conllu = work / f"{name}.conllu"
        conllu.write_text(text, encoding="utf-8")
        conllu_to_text.convert_text(str(conllu), str(work / f"{name}.txt"))
        prepare_tokenizer_data.main([str(work / f"{name}.txt"), str(conllu), "-o", str(work / f"{name}.toklabels"),
                                     "-m", str(work / f"{name}-mwt.json")])
        counts[name] = text.count("\n\n")
    return counts


def train_tokenizer(work: Path, save_dir: Path, save_name: str, *, steps: int, options: tuple[str, ...] = ()) -> dict:
    """Run stanza.models.tokenizer in a subprocess with fixed seed; options are more of its arguments."""
    args = [
        sys.executable, "-m", "stanza.models.tokenizer", "--mode", "train", "--lang", "id", "--shorthand", "id_korwatch",
        "--txt_file", str(work / "train.txt"), "--label_file", str(work / "train.toklabels"),
        "--mwt_json_file", str(work / "train-mwt.json"),
        "--dev_txt_file", str(work / "dev.txt"), "--dev_label_file", str(work / "dev.toklabels"),
        "--dev_conll_gold", str(work / "dev.conllu"), "--conll_file", str(work / "dev.pred.conllu"),
        "--save_dir", str(save_dir), "--save_name", save_name, "--steps", str(steps), "--eval_steps", "500",
        "--seed", "1234", *options,
    ]
    print(" ".join(args), flush=True)
    subprocess.run(args, check=True)
    return {"steps": steps}
