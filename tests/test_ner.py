"""The shipped Stanza pipeline: loads offline from the package, finds the seeds' actors, caches."""

import io
import os
import shutil
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from korwatch_utils.cli import main
from korwatch_utils.nlp.ner import (
    ENTITY_TYPES, MENTION_COLUMNS, MODEL_FILES, MODELS_DIR, NER_BATCH_SIZE, SENTENCE_COLUMNS, ModelFilesError, annotate,
    join_abbreviations, load_pipeline, predicting_only, tag_spans,
)
from korwatch_utils.nlp.syntax import load_parser


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


# Verbatim sentences from seeds/ (000, 000, 000, 004).
PUTIN_VISIT = "Presiden Rusia Vladimir Putin akan segera mengunjungi Korea Utara."
KIM_MEETING = ("Laporan intelijen yang diperoleh Korea Selatan menunjukkan Putin akan bertemu dengan pemimpin Korea Utara "
               "Kim Jong Un dalam beberapa hari ke depan.")
SATELLITE = ("Citra satelit pada Kamis (13 Juni) menunjukkan Lapangan Kim Il Sung di pusat Pyongyang telah didekorasi dan "
             "Bandara Pyongyang juga telah dibersihkan.")
UN_RESOLUTION = ("Miller juga menambahkan bahwa \"tergantung pada jenis senjata yang mereka berikan, maka terdapat kemungkinan "
                 "melanggar resolusi Dewan Keamanan PBB yang didukung oleh Rusia sendiri.\"")


@pytest.mark.parametrize(
    "sentence, entity, kind",
    [
        (PUTIN_VISIT, "Vladimir Putin", "PER"),
        (PUTIN_VISIT, "Korea Utara", "LOC"),
        (KIM_MEETING, "Kim Jong Un", "PER"),
        (KIM_MEETING, "Korea Selatan", "LOC"),
        (SATELLITE, "Pyongyang", "LOC"),  # inside "di pusat Pyongyang" (in the centre of Pyongyang)
        (SATELLITE, "Bandara Pyongyang", "LOC"),
        (UN_RESOLUTION, "Dewan Keamanan PBB", "ORG"),
        (UN_RESOLUTION, "Rusia", "LOC"),
    ],
)
def test_seed_sentences(nlp, sentence, entity, kind):
    """The issue's named cases, as the plain pipeline tags them."""
    found = {(e.text, e.type) for e in nlp(sentence).ents}
    assert (entity, kind) in found, f"found {found}"


def test_un_security_council_spelled_out_and_both_capitals_are_found(nlp):
    sentence = ("Reuters melaporkan bahwa selama panggilan telepon tersebut, Wakil Menteri Kim Hong-kyun mengatakan bahwa "
                "kunjungan Putin tidak akan mengarah pada kerja sama militer yang lebih dalam antara Pyongyang dan "
                "Moskow, karena akan melanggar resolusi Dewan Keamanan Perserikatan Bangsa-Bangsa.")  # seed 001
    found = {(e.text, e.type) for e in nlp(sentence).ents}
    assert {("Dewan Keamanan Perserikatan Bangsa-Bangsa", "ORG"), ("Pyongyang", "LOC"), ("Moskow", "LOC")} <= found


def test_title_abbreviation_does_not_hide_the_person(tmp_path):
    """The tokenizer splits "Tn." and the tagger alone then tags "Tn" as a place or an organisation (seed 001)."""
    text = ("Menanggapi kekhawatiran mitranya, Tn. Campbell berjanji untuk terus bekerja sama erat dengan Korea "
            "Selatan. Berbicara pada konferensi pers, Tn. Miller menegaskan kembali komitmen keamanan.")
    _, mentions = annotate(pd.DataFrame({"doc_id": ["a"], "text": [text]}), cache_dir=tmp_path)
    found = set(zip(mentions.text, mentions.type))
    assert {("Tn. Campbell", "PER"), ("Tn. Miller", "PER")} <= found
    assert not {text for text in mentions.text if text.strip(".") == "Tn"}


def test_pipelines_are_built_without_training_optimizers_and_stanza_is_restored_after(nlp):
    from stanza.models.common import utils

    assert nlp.processors["tokenize"].trainer.optimizer is None
    assert load_parser().processors["pos"].trainer.optimizers == {}
    with pytest.raises(ValueError):
        with predicting_only():
            assert utils.get_optimizer("adam", None, 0.1) is None
            raise ValueError("a model file that cannot be read")
    restored = utils.get_optimizer.__name__, utils.get_split_optimizer.__name__  # Stanza's own, not the stubs
    assert restored == ("get_optimizer", "get_split_optimizer")


def test_join_abbreviations_joins_tokens_and_sentences():
    split = [[("Kata", 0, 4, "O"), ("Tn", 5, 7, "B-LOC"), (".", 7, 8, "O")], [("Kim", 9, 12, "B-PER"), (".", 12, 13, "O")],
             [("Akhir", 14, 19, "O"), (".", 19, 20, "O")]]
    joined = join_abbreviations(split)
    assert [[t[0] for t in s] for s in joined] == [["Kata", "Tn.", "Kim", "."], ["Akhir", "."]]
    assert joined[0][1] == ("Tn.", 5, 8, None)  # to be tagged again
    assert joined[1] == split[2]  # untouched sentences keep their tags
    spaced = [[("Tn", 0, 2, "O"), (".", 3, 4, "O")]]  # "Tn ." is not an abbreviation
    assert join_abbreviations(spaced) == spaced


def test_tag_spans_reads_bio_and_bioes():
    assert tag_spans(["B-PER", "I-PER", "O", "S-LOC", "B-ORG", "E-ORG", "I-LOC"]) == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 6, "ORG"), (6, 7, "LOC")]


def test_pipeline_is_built_once_per_setting(nlp):
    assert load_pipeline() is nlp
    # annotate passes models_dir=None: the same setting spelled otherwise must not load the models again
    assert load_pipeline(models_dir=None) is nlp
    assert load_pipeline(False, str(MODELS_DIR), ner_batch_size=NER_BATCH_SIZE) is nlp
    assert set(nlp.processors) == {"tokenize", "ner"}


@pytest.mark.slow
def test_pipeline_loads_and_tags_with_the_network_blocked(tmp_path):
    """A fresh process where any connection attempt raises, and no HF_HUB_OFFLINE to lean on."""
    script = textwrap.dedent("""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("korwatch tried to use the network")
        socket.socket.connect = socket.socket.connect_ex = socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from korwatch_utils.nlp.ner import load_pipeline
        doc = load_pipeline()("Presiden Rusia Vladimir Putin tiba di Pyongyang.")
        print(sorted((e.text, e.type) for e in doc.ents))
    """)
    env = {key: value for key, value in os.environ.items() if key not in ("HF_HUB_OFFLINE", "STANZA_RESOURCES_DIR")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={**env, "HOME": str(tmp_path)},
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "('Vladimir Putin', 'PER')" in done.stdout and "('Pyongyang', 'LOC')" in done.stdout


@pytest.mark.slow
def test_batch_size_changes_speed_not_tags(nlp, seeds_cleaned):
    one_at_a_time = load_pipeline(ner_batch_size=1)
    assert nlp.processors["ner"].config["batch_size"] == NER_BATCH_SIZE != 1
    assert one_at_a_time.processors["ner"].config["batch_size"] == 1
    texts = list(seeds_cleaned.articles.text)
    tagged = [[(e.start_char, e.end_char, e.type) for e in doc.ents] for doc in map(nlp, texts)]
    assert tagged == [[(e.start_char, e.end_char, e.type) for e in doc.ents] for doc in map(one_at_a_time, texts)]
    assert sum(map(len, tagged)) > 100


def test_pretokenized_input():
    doc = load_pipeline(pretokenized=True)([["Vladimir", "Putin", "tiba", "di", "Pyongyang", "."]])
    assert [t.text for t in doc.sentences[0].tokens] == ["Vladimir", "Putin", "tiba", "di", "Pyongyang", "."]
    assert {(e.text, e.type) for e in doc.ents} == {("Vladimir Putin", "PER"), ("Pyongyang", "LOC")}


def test_annotate_tables_and_types(seeds_cleaned, tmp_path):
    sentences, mentions = annotate(seeds_cleaned.articles, cache_dir=tmp_path)
    assert list(sentences.columns) == SENTENCE_COLUMNS and list(mentions.columns) == MENTION_COLUMNS
    assert set(mentions.type) <= set(ENTITY_TYPES)
    assert set(mentions.doc_id) == set(seeds_cleaned.articles.doc_id)
    texts = seeds_cleaned.articles.set_index("doc_id").text
    for row in mentions.itertuples():  # offsets point into the cleaned text
        assert texts[row.doc_id][row.start_char:row.end_char] == row.text
        assert row.sent_id >= 0


def test_second_run_reads_the_cache(seeds_cleaned, tmp_path):
    first = annotate(seeds_cleaned.articles, cache_dir=tmp_path)

    class NoModel:
        def __call__(self, docs):
            raise AssertionError("the model ran although every text was cached")

    from korwatch_utils.nlp import ner

    original = ner.load_pipeline
    ner.load_pipeline = lambda *a, **k: NoModel()
    try:
        second = annotate(seeds_cleaned.articles, cache_dir=tmp_path)
    finally:
        ner.load_pipeline = original
    pd.testing.assert_frame_equal(first.mentions, second.mentions)


@pytest.mark.parametrize("damage", ["missing", "empty", "garbage"])
def test_broken_model_file_gives_one_line_error(tmp_path, damage):
    folder = tmp_path / "models"
    shutil.copytree(MODELS_DIR, folder)
    target = folder / MODEL_FILES["ner"]
    if damage == "missing":
        target.unlink()
    elif damage == "empty":
        target.write_bytes(b"")
    else:
        target.write_bytes(b"this is not a torch file" * 100)
    with pytest.raises(ModelFilesError) as error:
        load_pipeline(models_dir=str(folder))
    message = str(error.value)
    assert "\n" not in message and MODEL_FILES["ner"] in message and "make models" in message


def test_cli_ner_writes_mentions(capsys, seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path))
    assert main(["ner", str(seeds_dir)]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert list(frame.columns) == MENTION_COLUMNS
    assert {"Vladimir Putin", "Pyongyang"} <= set(frame.text)


def test_torch_uses_one_thread_per_process_unless_told(monkeypatch):
    from korwatch_utils.nlp import ner

    monkeypatch.delenv(ner.THREADS_ENV, raising=False)
    assert ner.torch_threads() == 1
    monkeypatch.setenv(ner.THREADS_ENV, "3")
    assert ner.torch_threads() == 3
    monkeypatch.setenv(ner.THREADS_ENV, "many")
    assert ner.torch_threads() == 1


def test_the_threads_option_reaches_the_models_of_this_process(monkeypatch, capsys, seeds_dir):
    from korwatch_utils.nlp import ner

    monkeypatch.delenv(ner.THREADS_ENV, raising=False)
    assert main(["ner", str(seeds_dir / "000_123b081560ab25d8.txt"), "--workers", "1", "--threads", "2"]) == 0
    assert ner.torch_threads() == 2
    monkeypatch.delenv(ner.THREADS_ENV, raising=False)
