"""The cheap, pure parts of research/: span votes, seed-study summaries and folders, the charlm command lines,
the anneal variant's options, and build comparison.

Nothing here trains a model: research.seed_study.variants.average_ner is left untested, since a few steps
on the shipped tagger take 2 to 10 s on the 2-core machine.
"""

from pathlib import Path

import pytest
import torch

from korwatch_utils.nlp.ner import MODEL_FILES
from research.charlm.charlm import EVAL_FILE, charlm_paths, corpus_split, tagger_charlm_args, train_charlm
from research.reproducibility.compare_models import compare_files, find_model_file
from research.seed_study.seed_study import models_folder, summary_rows, vote
from research.seed_study.variants import anneal_variant


def test_vote_keeps_spans_enough_taggers_agree_on():
    a = {(0, 0, 2, "PER"), (0, 3, 4, "LOC")}
    b = {(0, 0, 2, "PER"), (0, 3, 4, "ORG")}
    c = {(0, 0, 1, "PER"), (0, 3, 4, "LOC")}
    assert vote([a, b, c], 2) == {(0, 0, 2, "PER"), (0, 3, 4, "LOC")}
    assert vote([a, b, c], 3) == set()
    assert vote([a, b, c], 1) == a | b | c


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


def test_anneal_variant_adds_tagger_options_before_the_fine_tune_options(tmp_path, monkeypatch):
    start = tmp_path / "tagger.pt"
    torch.save({"config": {"lr": 0.1}, "model": {"w": torch.ones(2)}}, start)
    seen = []

    def fake_run(argv, check):
        seen.append(argv)
        assert torch.load(argv[-1], weights_only=True)["config"]["lr"] == 0.01  # the lowered copy exists meanwhile

    monkeypatch.setattr("research.seed_study.variants.subprocess.run", fake_run)
    details = anneal_variant(start, tmp_path / "ner", tmp_path / "vec.pt", tmp_path / "out", "t.pt", lr=0.01,
                             max_steps=5, seed=2, train_set="news_train", extra_args=("--emb_finetune_known_only",))
    [argv] = seen
    assert argv[-4:-2] == ["--emb_finetune_known_only", "--finetune"]
    assert details["extra_args"] == ["--emb_finetune_known_only"] and details["train_set"] == "news_train"
    assert list((tmp_path / "out").iterdir()) == []


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
    monkeypatch.setattr("research.charlm.charlm.subprocess.Popen", lambda args, env, **kw: started.append((args, env)))
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


def test_compare_files_tells_build_paths_from_real_differences(tmp_path):
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
