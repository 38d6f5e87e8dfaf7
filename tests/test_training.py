"""The pure parts of training/ (the rebuild): tag mapping, hyphen rejoining, MWT collapsing, passage splits,
harmonisation, mention replacement, conversion, span scoring, the NER commands and stage dependencies.

research/ code is tested in tests/test_research.py."""

import json
from pathlib import Path

import pytest
import torch

from training.build_all import with_downstream
from training.convert_ner import (EVAL_SOURCES, TRAIN_SOURCES, convert, domain_names, harmonise_locations,
                                   location_names, map_tag, rejoin_hyphens, replace_mentions)
from training.evaluate import bio_spans, span_scores
from training.train_ner import anneal_ner, train_ner
from training.train_syntax import collapse_sentence, train_parser, train_pos
from training.train_tokenizer import collapse_mwt, split_merged_sentences, train_tokenizer


@pytest.mark.parametrize("tag, mapped", [("B-PERSON", "B-PER"), ("I-PLACE", "I-LOC"), ("B-ORGANISATION", "B-ORG"),
                                         ("I-ORGANIZATION", "I-ORG"), ("B-LOCATION", "B-LOC"), ("O", "O")])
def test_map_tag(tag, mapped):
    assert map_tag(tag) == mapped


@pytest.mark.parametrize(
    "tokens, joined",
    [
        ([("sama", "O"), ("-", "O"), ("sama", "O")], ["sama-sama"]),
        ([("antar", "O"), ("-", "O"), ("Korea", "O")], ["antar-Korea"]),
        ([("Kim", "B-PER"), ("Jong", "I-PER"), ("-", "I-PER"), ("un", "I-PER")], ["Kim", "Jong-un"]),
        ([("JAKARTA", "B-LOC"), ("-", "O"), ("Presiden", "O")], ["JAKARTA", "-", "Presiden"]),
        ([("Rusia", "B-LOC"), ("-", "O"), ("Korea", "B-LOC")], ["Rusia", "-", "Korea"]),
        ([("2018", "O"), ("-", "O"), ("2019", "O")], ["2018", "-", "2019"]),
    ],
)
def test_rejoin_hyphens(tokens, joined):
    assert [t for t, _ in rejoin_hyphens(tokens)[0]] == joined


def test_bio_spans_and_scores():
    gold = bio_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"])
    assert gold == {(0, 0, 2, "PER"), (0, 3, 4, "LOC"), (0, 4, 5, "LOC"), (0, 5, 6, "ORG")}
    pred = bio_spans(["B-PER", "O", "O", "B-LOC", "B-LOC", "O"])
    scores = span_scores(gold, pred)
    assert scores["micro"] == {"p": pytest.approx(66.67), "r": 50.0, "f1": pytest.approx(57.14), "gold": 4}
    assert scores["by_type"]["LOC"]["f1"] == 100.0 and scores["by_type"]["PER"]["f1"] == 0.0


def test_collapse_mwt_keeps_surface_tokens():
    conllu = ("# text = menyetujuinya .\n1-2\tmenyetujuinya\t_\t_\t_\t_\t_\t_\t_\t_\n1\tmenyetujui\tsetuju\tVERB\t_\t_\t0"
              "\troot\t_\t_\n2\tnya\tnya\tPRON\t_\t_\t1\tobj\t_\tSpaceAfter=No\n3\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_\n")
    lines = [line.split("\t") for line in collapse_mwt(conllu).strip().split("\n")[1:]]
    assert [(cols[0], cols[1], cols[6]) for cols in lines] == [("1", "menyetujuinya", "0"), ("2", ".", "1")]


def _unit(*forms: str) -> str:
    rows = [f"{i}\t{form}\t{form}\tX\t_\t_\t{0 if i == 1 else 1}\tdep\t_\t_" for i, form in enumerate(forms, 1)]
    return "\n".join([f"# text = {' '.join(forms)}", *rows])


def test_split_merged_sentences_cuts_clear_boundaries_only():
    passage = _unit("Album", "dirilis", "bulan", "Juli", ".", "Sampul", "resmi", "dikritik", "KDRT", ".", "Ia", "diam", ".")
    abbreviations = _unit("Kata", "Prof", ".", "Budi", "dan", "Dr", ".", "Ani", "di", "Jl", ".", "Siak", ".")
    quotation = _unit("“", "Kami", "menolak", "keras", ".", "Itu", "final", "”", ",", "katanya", ".")
    text, cuts = split_merged_sentences("\n\n".join([passage, abbreviations, quotation]))
    units = [[line.split("\t") for line in block.split("\n")[1:]] for block in text.strip().split("\n\n")]
    assert cuts == 2
    assert [[cols[1] for cols in unit] for unit in units[:3]] == [
        ["Album", "dirilis", "bulan", "Juli", "."], ["Sampul", "resmi", "dikritik", "KDRT", "."], ["Ia", "diam", "."]]
    assert [cols[0] for cols in units[1]] == ["1", "2", "3", "4", "5"]  # renumbered, rooted at word 1
    assert [cols[6] for cols in units[1]] == ["0", "1", "1", "1", "1"]
    assert len(units) == 5  # abbreviations and the quotation stay whole


def test_location_names_and_harmonisation():
    loc = [("di", "O"), ("Korea", "B-LOC"), ("Selatan", "I-LOC")]
    ambiguous = [("Bank", "B-ORG"), ("Korea", "I-ORG"), ("Selatan", "I-ORG")]
    once_untagged = [("Korea", "O"), ("Selatan", "O"), ("menolak", "O")]
    names = location_names([loc] * 9 + [ambiguous] * 5 + [once_untagged])
    assert names == {("Korea", "Selatan")}  # 9 of 10 outside other names; inside ORG does not count
    assert location_names([loc] * 8 + [once_untagged] * 2) == set()  # 80 % is below the bar
    relabelled, changed = harmonise_locations([once_untagged, ambiguous], names)
    assert changed == 1
    assert relabelled == [[("Korea", "B-LOC"), ("Selatan", "I-LOC"), ("menolak", "O")], ambiguous]


def test_replace_mentions_swaps_every_entity_for_a_name_of_its_type():
    sentence = [("Presiden", "O"), ("Joko", "B-PER"), ("Widodo", "I-PER"), ("tiba", "O"), ("di", "O"),
                ("Jakarta", "B-LOC"), ("bersama", "O"), ("Kemlu", "B-ORG"), (".", "O")]
    names = {"PER": [("Kim", "Jong", "Un")], "LOC": [("Pyongyang",)], "ORG": [("Dewan", "Keamanan", "PBB")]}
    [copy] = replace_mentions([sentence, [("tanpa", "O"), ("nama", "O")]], names, share=1.0)
    assert copy == [("Presiden", "O"), ("Kim", "B-PER"), ("Jong", "I-PER"), ("Un", "I-PER"), ("tiba", "O"),
                    ("di", "O"), ("Pyongyang", "B-LOC"), ("bersama", "O"), ("Dewan", "B-ORG"),
                    ("Keamanan", "I-ORG"), ("PBB", "I-ORG"), (".", "O")]


def test_replace_mentions_copies_about_the_share_asked_and_reads_the_alias_table():
    names = domain_names()
    assert ("Dewan", "Keamanan", "PBB") in names["ORG"] and ("Pyongyang",) in names["LOC"]
    sentences = [[("Putin", "B-PER"), ("bicara", "O")]] * 1000
    copies = replace_mentions(sentences, names, share=0.3)
    assert 250 < len(copies) < 350
    assert all(tag.endswith("PER") for copy in copies for _, tag in copy[:-1])


def _write_ner_source(path: Path, sentences: list[list[tuple[str, str]]], token_col: int, tag_col: int) -> None:
    """One NER source file in its own column layout (IDNER has a POS column between token and tag)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for sentence in sentences:
        for token, tag in sentence:
            columns = [token, "X", "X"]
            columns[token_col], columns[tag_col] = token, tag
            lines.append((" " if tag_col == 2 else "\t").join(columns[:tag_col + 1]))
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_convert_keeps_every_evaluation_sentence_out_of_training(tmp_path):
    def sentence(word):
        return [("Menteri", "O"), (word, "B-PERSON"), ("tiba", "O"), (".", "O")]

    shared_with_test = sentence("Sarwono")
    contents = {name: [sentence(f"{name}{i}") for i in range(3)] for name, *_ in TRAIN_SOURCES + EVAL_SOURCES}
    contents["nerui1_train"].append(shared_with_test)
    contents["idner_train"].append(shared_with_test)
    contents["nerui1_test"].append(shared_with_test)
    for name, rel, token_col, tag_col in TRAIN_SOURCES + EVAL_SOURCES:
        _write_ner_source(tmp_path / "data" / "ner" / rel, contents[name], token_col, tag_col)

    stats = convert(tmp_path / "data", tmp_path / "out")

    def words(split):
        return {token["text"] for sent in json.loads((tmp_path / "out" / f"{split}.json").read_text())
                for token in sent}

    evaluation_names = {f"{name}{i}" for name, *_ in EVAL_SOURCES for i in range(3)}
    trained = words("train") | words("news_train")
    assert not evaluation_names & trained and "Sarwono" not in trained  # the sentence also in test is dropped
    assert {"idner_train0", "nerui1_train0", "nergrit_train0"} <= words("train")
    assert "nergrit_train0" not in words("news_train") and {"idner_train0", "nerui1_train0"} <= words("news_train")
    assert stats["nerui1_train"] == {"sentences": 3, "dropped": 1} and "Sarwono" in words("nerui1_test")
    assert not (tmp_path / "out" / "news_dev_train.json").exists()


def test_stable_hash_is_the_same_in_every_process():
    import subprocess
    import sys

    code = "from training.word_vectors import stable_hash; print(stable_hash('pyongyang'))"
    root = str(Path(__file__).resolve().parents[1])
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PYTHONPATH": root}).stdout for seed in ("1", "2")}
    assert len(runs) == 1 and runs.pop().strip().isdigit()


def test_train_ner_runs_the_tagger_on_all_sets_with_the_seed_and_selects_on_ner_ui_dev(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr("training.train_ner.subprocess.run", lambda argv, check: seen.append(argv))
    details = train_ner(tmp_path / "ner", tmp_path / "vec.pt", tmp_path, "t.pt", max_steps=10, seed=4)
    [argv] = seen
    assert argv[argv.index("--seed") + 1] == "4" and argv[argv.index("--max_steps") + 1] == "10"
    assert argv[argv.index("--train_file") + 1] == str(tmp_path / "ner" / "train.json")
    assert argv[argv.index("--eval_file") + 1] == str(tmp_path / "ner" / "nerui1_dev.json")
    assert details == {"max_steps": 10, "seed": 4}


def test_anneal_ner_fine_tunes_a_copy_with_the_lower_rate(tmp_path, monkeypatch):
    start = tmp_path / "tagger.pt"
    torch.save({"config": {"lr": 0.1, "optim": "sgd"}, "model": {"w": torch.ones(2)}}, start)
    seen = {}

    def fake_run(argv, check):
        load_name = Path(argv[argv.index("--finetune_load_name") + 1])
        seen["config"] = torch.load(load_name, weights_only=True)["config"]
        seen["argv"] = argv

    monkeypatch.setattr("training.train_ner.subprocess.run", fake_run)
    out = tmp_path / "annealed"
    details = anneal_ner(start, tmp_path / "ner", tmp_path / "vec.pt", out, "tagger.pt", lr=0.01, max_steps=500, seed=3,
                         train_set="news_train")
    assert seen["config"] == {"lr": 0.01, "optim": "sgd"}
    argv = seen["argv"]
    assert "--finetune" in argv and argv[argv.index("--max_steps") + 1] == "500" and argv[argv.index("--seed") + 1] == "3"
    assert argv[argv.index("--save_dir") + 1] == str(out)
    assert torch.load(start, weights_only=True)["config"]["lr"] == 0.1  # the start tagger is left as it was
    assert list(out.iterdir()) == []  # the temporary copy is removed
    assert argv[argv.index("--train_file") + 1] == str(tmp_path / "ner" / "news_train.json")
    assert details == {"anneal_lr": 0.01, "anneal_steps": 500, "seed": 3, "train_set": "news_train"}


CSUI_LINES = [  # "ADB mempertimbangkan untuk menyetujuinya karena ini ...", cut short
    "# sent_id = csui-train-1",
    "1\tADB\tADB\tPROPN\tNNP\t_\t2\tnsubj\t_\t_",
    "2\tmempertimbangkan\ttimbang\tVERB\tVB\tVoice=Act\t0\troot\t_\t_",
    "3\tuntuk\tuntuk\tSCONJ\tIN\t_\t4\tmark\t_\t_",
    "4-5\tmenyetujuinya\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No",
    "4\tmenyetujui\tsetuju\tVERB\tVB\tVoice=Act\t2\tadvcl\t_\t_",
    "5\tnya\tnya\tPRON\tPRP\t_\t4\tobj\t_\t_",
    "6\tkarena\tkarena\tSCONJ\tIN\t_\t8\tmark\t_\t_",
    "7\tini\tini\tPRON\tPRP\tPronType=Dem\t8\tnsubj\t_\t_",
    "8\tmenggunakan\tguna\tVERB\tVB\tVoice=Act\t4\tadvcl\t_\t_",
]


def test_collapse_sentence_keeps_the_attachment_of_the_clitic_host_and_renumbers_heads():
    rows = [line.split("\t") for line in collapse_sentence(CSUI_LINES) if not line.startswith("#")]
    assert [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows] == [
        ("1", "ADB", "ADB", "PROPN", "_", "_", "2", "nsubj"),
        ("2", "mempertimbangkan", "mempertimbangkan", "VERB", "_", "_", "0", "root"),
        ("3", "untuk", "untuk", "SCONJ", "_", "_", "4", "mark"),
        ("4", "menyetujuinya", "menyetujuinya", "VERB", "_", "_", "2", "advcl"),  # lemma = form, no XPOS/features
        ("5", "karena", "karena", "SCONJ", "_", "_", "7", "mark"),
        ("6", "ini", "ini", "PRON", "_", "_", "7", "nsubj"),
        ("7", "menggunakan", "menggunakan", "VERB", "_", "_", "4", "advcl"),
    ]
    assert rows[3][9] == "SpaceAfter=No"


def test_a_word_attached_to_a_merged_clitic_attaches_to_the_merged_word():
    lines = ["1-2\tbukunya\t_\t_\t_\t_\t_\t_\t_\t_", "1\tbuku\tbuku\tNOUN\t_\t_\t0\troot\t_\t_",
             "2\tnya\tdia\tPRON\t_\t_\t1\tnmod:poss\t_\t_", "3\tsendiri\tsendiri\tDET\t_\t_\t2\tdet\t_\t_"]
    rows = [line.split("\t") for line in collapse_sentence(lines)]
    assert [(r[0], r[1], r[6]) for r in rows] == [("1", "bukunya", "0"), ("2", "sendiri", "1")]


def test_pos_and_parser_train_on_the_collapsed_sets_and_select_on_gsd_dev(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr("training.train_syntax.subprocess.run", lambda argv, check: seen.append(argv))
    train_pos(tmp_path / "syntax", tmp_path / "vec.pt", tmp_path / "pos", "tagger.pt", max_steps=7)
    train_parser(tmp_path / "syntax", tmp_path / "vec.pt", tmp_path / "parser", "parser.pt", max_steps=9)
    tagger, parser = seen
    assert tagger[tagger.index("-m") + 1] == "stanza.models.tagger" and parser[parser.index("-m") + 1] == "stanza.models.parser"
    for argv, steps in ((tagger, "7"), (parser, "9")):
        assert argv[argv.index("--train_file") + 1] == str(tmp_path / "syntax" / "train.conllu")
        assert argv[argv.index("--eval_file") + 1] == str(tmp_path / "syntax" / "dev.conllu")
        assert argv[argv.index("--max_steps") + 1] == steps
    assert "--no_xpos" in parser and "--no_ufeats" in parser


def test_tokenizer_trains_with_the_seed_on_the_prepared_files_and_passes_more_options(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr("training.train_tokenizer.subprocess.run", lambda argv, check: seen.append(argv))
    train_tokenizer(tmp_path, tmp_path / "out", "tok.pt", steps=11)
    train_tokenizer(tmp_path, tmp_path / "out", "tok.pt", steps=11, options=("--hidden_dim", "32"))
    shipped, smaller = seen
    assert shipped[shipped.index("--txt_file") + 1] == str(tmp_path / "train.txt")
    assert shipped[shipped.index("--steps") + 1] == "11" and shipped[shipped.index("--seed") + 1] == "1234"
    assert "--hidden_dim" not in shipped and smaller[smaller.index("--hidden_dim") + 1] == "32"


def test_forcing_a_stage_rebuilds_what_reads_from_it():
    # the attributor learns from what the NER, tokenizer and parser find: it is downstream of each
    assert with_downstream(["syntax_data"]) == {"syntax_data", "train_pos", "train_parser", "train_attribution"}
    assert with_downstream(["convert_ner"]) == {"convert_ner", "train_ner", "news_finetune", "train_attribution"}
    assert with_downstream(["train_ner"]) == {"train_ner", "news_finetune", "train_attribution"}
    assert with_downstream(["tokenizer_data"]) == {"tokenizer_data", "train_tokenizer", "train_attribution"}
    assert with_downstream(["news_finetune"]) == {"news_finetune", "train_attribution"}
    assert with_downstream(["train_attribution"]) == {"train_attribution"}
    assert with_downstream(["train_lines"]) == {"train_lines", "train_attribution"}  # it learns from cleaned text
    assert with_downstream([]) == set()
