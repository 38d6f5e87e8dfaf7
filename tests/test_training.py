"""The pure parts of training/: tag mapping, hyphen rejoining, MWT collapsing, span scoring, build comparison,
seed studies, annealing."""

import json
from pathlib import Path

import pytest
import torch

from training.build_all import with_downstream
from training.charlm import EVAL_FILE, charlm_paths, corpus_split, tagger_charlm_args, train_charlm
from training.compare_models import compare_files, find_model_file
from training.convert_ner import (EVAL_SOURCES, TRAIN_SOURCES, convert, domain_names, harmonise_locations,
                                   location_names, map_tag, rejoin_hyphens, replace_mentions)
from korwatch_utils.ner import MODEL_FILES
from training.evaluate import bio_spans, span_scores, vote
from training.seed_study import models_folder, summary_rows
from training.train_ner import anneal_ner, average_ner, train_ner
from training.train_tokenizer import collapse_mwt, split_merged_sentences


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


def test_vote_keeps_spans_enough_taggers_agree_on():
    a = {(0, 0, 2, "PER"), (0, 3, 4, "LOC")}
    b = {(0, 0, 2, "PER"), (0, 3, 4, "ORG")}
    c = {(0, 0, 1, "PER"), (0, 3, 4, "LOC")}
    assert vote([a, b, c], 2) == {(0, 0, 2, "PER"), (0, 3, 4, "LOC")}
    assert vote([a, b, c], 3) == set()
    assert vote([a, b, c], 1) == a | b | c


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


def test_convert_adds_ner_ui_dev_to_news_dev_train_only_and_keeps_every_test_sentence_out(tmp_path):
    def sentence(word):
        return [("Menteri", "O"), (word, "B-PERSON"), ("tiba", "O"), (".", "O")]

    shared_with_test = sentence("Sarwono")
    contents = {name: [sentence(f"{name}{i}") for i in range(3)] for name, *_ in TRAIN_SOURCES + EVAL_SOURCES}
    contents["nerui1_dev"].append(shared_with_test)
    contents["nerui1_test"].append(shared_with_test)
    for name, rel, token_col, tag_col in TRAIN_SOURCES + EVAL_SOURCES:
        _write_ner_source(tmp_path / "data" / "ner" / rel, contents[name], token_col, tag_col)

    stats = convert(tmp_path / "data", tmp_path / "out")

    def words(split):
        return {token["text"] for sent in json.loads((tmp_path / "out" / f"{split}.json").read_text())
                for token in sent}

    dev_names = {f"nerui1_dev{i}" for i in range(3)}
    assert stats["news_dev_train"]["nerui1_dev"] == 3  # the one also in test is left out
    assert dev_names <= words("news_dev_train") and "Sarwono" not in words("news_dev_train")
    assert not dev_names & (words("train") | words("news_train"))
    news = json.loads((tmp_path / "out" / "news_train.json").read_text())
    assert json.loads((tmp_path / "out" / "news_dev_train.json").read_text())[:len(news)] == news


def test_charlm_corpus_split_holds_out_ntrex_and_can_run_again(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("indosum_dev.txt", "bppt_panl.txt", EVAL_FILE):
        (corpus / name).write_text(f"Teks {name}.\n", encoding="utf-8")
    for _ in range(2):  # a killed stage runs again over what it left
        train_dir, eval_file = corpus_split(corpus, tmp_path / "charlm")
    assert sorted(p.name for p in train_dir.iterdir()) == ["bppt_panl.txt", "indosum_dev.txt"]
    assert eval_file == corpus / EVAL_FILE
    assert (train_dir / "bppt_panl.txt").read_text(encoding="utf-8") == "Teks bppt_panl.txt.\n"


def test_charlm_training_and_tagger_options_name_the_same_files(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr("training.charlm.subprocess.Popen", lambda args, env, **kw: started.append((args, env)))
    paths = charlm_paths(tmp_path)
    for direction in ("forward", "backward"):
        train_charlm(tmp_path / "train", tmp_path / "eval.txt", direction, 64, paths[direction],
                     epochs=2, cutoff=100, threads=1, quiet=True)
    saved = [Path(args[args.index("--save_dir") + 1]) / args[args.index("--save_name") + 1] for args, _ in started]
    options = tagger_charlm_args(tmp_path)
    assert saved == [Path(options[options.index("--charlm_forward_file") + 1]),
                     Path(options[options.index("--charlm_backward_file") + 1])]
    assert [args[args.index("--direction") + 1] for args, _ in started] == ["forward", "backward"]
    assert all(env["OMP_NUM_THREADS"] == "1" and args[args.index("--char_hidden_dim") + 1] == "64"
               for args, env in started)
    # evaluated (and so annealed and checkpointed) every epoch, not after Stanza's default 100,000 steps
    assert all(args[args.index("--eval_steps") + 1] == "-1" for args, _ in started)


def test_stable_hash_is_the_same_in_every_process():
    import subprocess
    import sys

    code = "from training.word_vectors import stable_hash; print(stable_hash('pyongyang'))"
    root = str(Path(__file__).resolve().parents[1])
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PYTHONPATH": root}).stdout for seed in ("1", "2")}
    assert len(runs) == 1 and runs.pop().strip().isdigit()


def test_fasttext_pretrain_holds_frequent_corpus_words_and_training_words(tmp_path):
    from stanza.models.common.pretrain import Pretrain
    from stanza.models.common.vocab import VOCAB_PREFIX

    from training.word_vectors import train_fasttext_vectors

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = ["Presiden Putin tiba di Pyongyang hari ini ."] * 20 + ["Sekali disebut : Vladivostok ."]
    (corpus / "news.txt").write_text("\n".join(lines), encoding="utf-8")
    pretrain_pt = tmp_path / "vectors.pt"
    details = train_fasttext_vectors(corpus, tmp_path / "vectors.txt", pretrain_pt, extra_words={"kremlin", "dua kata"},
                                     dim=8)
    vocab = Pretrain(str(pretrain_pt)).vocab
    assert {"putin", "pyongyang", "kremlin"} <= set(vocab)  # seen often, and a training word the corpus lacks
    assert "vladivostok" not in vocab and "dua kata" not in vocab  # seen once; a "word" with a space
    assert details["corpus_vocab"] + 1 == details["vocab"] == len(vocab) - len(VOCAB_PREFIX)


def test_compare_files_tells_build_paths_from_real_differences(tmp_path):
    torch = pytest.importorskip("torch")
    weights = torch.arange(6.0).reshape(2, 3)
    torch.save({"model": {"w": weights}, "config": {"save_dir": "/a/work", "lr": 0.1}}, tmp_path / "a.pt")
    torch.save({"model": {"w": weights.clone()}, "config": {"save_dir": "/b/work", "lr": 0.1}}, tmp_path / "b.pt")
    torch.save({"model": {"w": weights + 0.5}, "config": {"save_dir": "/a/work", "lr": 0.2}}, tmp_path / "c.pt")

    same = compare_files(tmp_path / "a.pt", tmp_path / "b.pt")
    assert (same["tensors_differing"], same["values_differing"], same["paths_differing"]) == (0, [], 1)
    different = compare_files(tmp_path / "a.pt", tmp_path / "c.pt")
    assert different["tensors_differing"] == 1 and different["max_abs_difference"] == pytest.approx(0.5)
    assert different["values_differing"] == ["config.lr: 0.1 vs 0.2"]


def test_find_model_file_looks_below_but_refuses_to_guess(tmp_path):
    (tmp_path / "ner_model").mkdir()
    (tmp_path / "ner_model" / "m.pt").write_bytes(b"")
    assert find_model_file(tmp_path, "m.pt") == tmp_path / "ner_model" / "m.pt"
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "m.pt").write_bytes(b"")
    with pytest.raises(SystemExit, match="found"):
        find_model_file(tmp_path, "m.pt")


def test_seed_study_summary_adds_mean_and_sample_sd():
    runs = {1: {"test": 89.0, "dev": 91.0}, 2: {"test": 91.0, "dev": 92.0}, 3: {"test": 90.0, "dev": 93.0}}
    rows = dict(summary_rows(runs))
    assert list(rows) == ["seed 1", "seed 2", "seed 3", "mean", "sd"]
    assert rows["mean"] == {"test": 90.0, "dev": 92.0}
    assert rows["sd"] == {"test": pytest.approx(1.0), "dev": pytest.approx(1.0)}
    assert list(dict(summary_rows({7: {"test": 90.0}}))) == ["seed 7"]


def test_seed_study_folder_is_a_loadable_models_folder(tmp_path):
    pretrain, tokenizer, resources = tmp_path / "vectors.pt", tmp_path / "tok.pt", tmp_path / "res.json"
    for path in (pretrain, tokenizer, resources):
        path.write_text(path.name)
    for _ in range(2):  # a resumed study re-links without error
        folder = models_folder(tmp_path / "study" / "seed5", pretrain, tokenizer, resources)
    assert folder == tmp_path / "study" / "seed5"
    assert (folder / MODEL_FILES["pretrain"]).read_text() == "vectors.pt"
    assert (folder / MODEL_FILES["tokenize"]).read_text() == "tok.pt"
    assert (folder / "resources.json").read_text() == "res.json"


def test_train_ner_adds_extra_tagger_options(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr("training.train_ner.subprocess.run", lambda argv, check: seen.append(argv))
    details = train_ner(tmp_path, tmp_path / "vec.pt", tmp_path, "t.pt", max_steps=10, seed=4,
                        extra_args=("--emb_finetune_known_only",))
    assert seen[0][-1] == "--emb_finetune_known_only" and seen[0][seen[0].index("--seed") + 1] == "4"
    assert details["extra_args"] == ["--emb_finetune_known_only"]
    train_ner(tmp_path, tmp_path / "vec.pt", tmp_path, "t.pt", max_steps=10, seed=4)
    assert "--emb_finetune_known_only" not in seen[1]


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
    details = anneal_ner(start, tmp_path / "ner", tmp_path / "vec.pt", out, "tagger.pt", lr=0.01, max_steps=500, seed=3)
    assert seen["config"] == {"lr": 0.01, "optim": "sgd"}
    argv = seen["argv"]
    assert "--finetune" in argv and argv[argv.index("--max_steps") + 1] == "500" and argv[argv.index("--seed") + 1] == "3"
    assert argv[argv.index("--save_dir") + 1] == str(out)
    assert torch.load(start, weights_only=True)["config"]["lr"] == 0.1  # the start tagger is left as it was
    assert list(out.iterdir()) == []  # the temporary copy is removed
    assert argv[argv.index("--train_file") + 1] == str(tmp_path / "ner" / "train.json")
    assert details == {"anneal_lr": 0.01, "anneal_steps": 500, "seed": 3, "train_set": "train"}


def _tiny_ner_sets(folder: Path) -> Path:
    """A news_train.json and a nerui1_dev.json of a few tagged sentences, in Stanza's JSON format."""
    import json

    sentences = [
        [("Vladimir", "B-PER"), ("Putin", "I-PER"), ("tiba", "O"), ("di", "O"), ("Pyongyang", "B-LOC"), (".", "O")],
        [("Dewan", "B-ORG"), ("Keamanan", "I-ORG"), ("PBB", "I-ORG"), ("bersidang", "O"), (".", "O")],
        [("Kim", "B-PER"), ("Jong", "I-PER"), ("Un", "I-PER"), ("menerima", "O"), ("Shoigu", "B-PER"), (".", "O")],
    ]
    as_json = [[{"text": word, "ner": tag} for word, tag in sentence] for sentence in sentences]
    folder.mkdir()
    (folder / "news_train.json").write_text(json.dumps(as_json * 4))
    (folder / "nerui1_dev.json").write_text(json.dumps(as_json))
    return folder


def test_average_ner_saves_the_mean_of_the_snapshots_it_names(tmp_path, monkeypatch):
    from stanza.models.ner.trainer import Trainer

    from korwatch_utils.ner import MODELS_DIR

    snapshots, real_update = [], Trainer.update

    def update_and_record(self, batch, eval=False):
        loss = real_update(self, batch, eval)
        snapshots.append({k: v.detach().clone() for k, v in self.model.named_parameters()})
        return loss

    monkeypatch.setattr(Trainer, "update", update_and_record)
    details = average_ner(MODELS_DIR / MODEL_FILES["ner"], _tiny_ner_sets(tmp_path / "ner"),
                          MODELS_DIR / MODEL_FILES["pretrain"], tmp_path / "out", "tagger.pt",
                          lr=0.5, max_steps=5, average_from=2, average_every=2, seed=3, eval_interval=5)
    assert len(snapshots) == 5 and details["snapshots"] == 2  # steps 2 and 4
    saved = torch.load(tmp_path / "out" / "tagger.pt", map_location="cpu", weights_only=False)
    assert saved["config"]["lr"] == 0.5
    moved = 0
    for name, weights in saved["model"].items():
        if name in snapshots[1]:
            expected = (snapshots[1][name] + snapshots[3][name]) / 2
            assert torch.allclose(weights, expected, atol=1e-6), name
            moved += not torch.equal(snapshots[1][name], snapshots[3][name])
    assert moved > 0  # the two snapshots differ, so the mean is not just one of them
    assert set(details["dev_f1_by_step"]) == {5}
    with pytest.raises(ValueError, match="nothing would be averaged"):
        average_ner(MODELS_DIR / MODEL_FILES["ner"], tmp_path / "ner", MODELS_DIR / MODEL_FILES["pretrain"],
                    tmp_path / "out", "t.pt", lr=0.5, max_steps=2, average_from=3, average_every=1, seed=3)


def test_forcing_a_stage_rebuilds_what_reads_from_it():
    assert with_downstream(["convert_ner"]) == {"convert_ner", "train_ner", "news_finetune"}
    assert with_downstream(["train_ner"]) == {"train_ner", "news_finetune"}
    assert with_downstream(["tokenizer_data"]) == {"tokenizer_data", "train_tokenizer"}
    assert with_downstream(["news_finetune"]) == {"news_finetune"}
    assert with_downstream([]) == set()
