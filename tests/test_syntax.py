"""The shipped POS tagger and dependency parser: words keep their offsets, heads point inside the sentence,
damaged or missing files are named."""

import shutil

import pytest

from korwatch_utils.nlp.ner import MODELS_DIR, ModelFilesError
from korwatch_utils.nlp.syntax import PARSER_FILES, has_parser, load_parser, parse


def test_each_word_keeps_its_offsets_and_a_head_inside_the_sentence():
    text = "Menlu Rusia Sergei Lavrov mengecam sanksi baru AS, Senin (22/8)."
    [words] = parse([text])
    assert [text[w.start:w.end] for w in words] == [w.text for w in words]
    assert [w.text for w in words][:5] == ["Menlu", "Rusia", "Sergei", "Lavrov", "mengecam"]
    assert sum(w.head == -1 for w in words) == 1 and all(-1 <= w.head < len(words) for w in words)
    assert words[4].upos == "VERB" and words[-1].upos == "PUNCT"


def test_empty_texts_give_empty_parses():
    assert parse(["", "   "]) == [[], []]


def test_a_damaged_parser_file_is_named(tmp_path):
    models = tmp_path / "models"
    shutil.copytree(MODELS_DIR, models)
    (models / PARSER_FILES["depparse"]).write_bytes(b"not a model")
    with pytest.raises(ModelFilesError, match=PARSER_FILES["depparse"]):
        load_parser(models)


def test_without_the_parser_files_there_is_no_parser(tmp_path):
    assert has_parser(MODELS_DIR)
    assert not has_parser(tmp_path)
