"""The learned attributor: it decides the rules' rows, abstains rather than guess, scores confidence, and never
raises on hostile text."""

import json

import pandas as pd
import pytest

from conftest import handwritten_tables
from korwatch_utils.analyses import attribution
from korwatch_utils.analyses.attribution import attribute, load_model, quotes
from korwatch_utils.analyses.stance import stance_cues
from korwatch_utils.nlp.ner import ModelFilesError
from korwatch_utils.tables import columns, conform


tables_of = handwritten_tables


def decided(text: str, names: list[tuple[str, str]], **options) -> pd.DataFrame:
    articles, mentions, sentences = tables_of(text, names)
    return attribute(stance_cues(articles, mentions, sentences), articles, mentions, sentences, **options)


def test_every_row_gets_the_decided_columns_and_conforms_to_the_cues_table():
    rows = decided("Menteri Luar Negeri Rusia Sergei Lavrov mengecam sanksi baru Amerika Serikat.",
                   [("Rusia", "LOC"), ("Sergei Lavrov", "PER"), ("Amerika Serikat", "LOC")], min_confidence=0.0)
    assert len(rows) == 1
    table = conform("cues", rows)
    assert list(table.columns) == columns("cues")
    row = table.iloc[0]
    assert row.speaker == "Sergei Lavrov" and row.speaker_source == "sentence" and row.kind == "stance"
    assert 0.0 <= row.confidence <= 1.0


def test_a_cue_that_names_a_danger_scores_below_one_that_reports_a_threat():
    threat = decided("Korea Utara mengancam Jepang dengan serangan rudal.", [("Korea Utara", "LOC"), ("Jepang", "LOC")],
                     min_confidence=0.0)
    danger = decided("Ancaman nuklir Korea Utara kian meningkat di kawasan.", [("Korea Utara", "LOC")],
                     min_confidence=0.0)
    assert threat.confidence.max() > danger.confidence.max()


def test_the_minimum_confidence_drops_rows_and_zero_keeps_every_rule_row():
    text = ("Presiden Yoon Suk Yeol mengecam peluncuran rudal itu.\n"
            "Ancaman nuklir di kawasan kian meningkat.\n"
            "Jepang mendukung langkah Korea Selatan.")
    names = [("Yoon Suk Yeol", "PER"), ("Jepang", "LOC"), ("Korea Selatan", "LOC")]
    articles, mentions, sentences = tables_of(text, names)
    rule_rows = stance_cues(articles, mentions, sentences)
    every = attribute(rule_rows, articles, mentions, sentences, min_confidence=0.0)
    assert len(every) == len(rule_rows)
    middle = float(every.confidence.median())
    some = attribute(rule_rows, articles, mentions, sentences, min_confidence=middle)
    assert len(some) == (every.confidence >= middle).sum() < len(every) and (some.confidence >= middle).all()


def test_the_speaker_is_left_empty_when_no_actor_stands_near_the_cue():
    rows = decided("Langkah tersebut dikecam secara luas.", [], min_confidence=0.0)
    assert list(rows.speaker) == [""] and list(rows.speaker_source) == [""]


def test_a_quote_is_a_direct_statement_with_its_content():
    text = '"Kami mengecam keras uji coba rudal itu," kata Menteri Luar Negeri Jepang Yoko Kamikawa.'
    articles, mentions, sentences = tables_of(text, [("Jepang", "LOC"), ("Yoko Kamikawa", "PER")])
    rows = attribute(stance_cues(articles, mentions, sentences), articles, mentions, sentences, min_confidence=0.0)
    said = quotes(conform("cues", rows), articles)
    assert list(said.kind) == ["direct"]
    assert said.content.iloc[0] == "Kami mengecam keras uji coba rudal itu,"


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    '"Kami mengecam keras serangan itu, kata juru bicara tanpa tanda penutup',  # a quote never closed
    'Ia berkata: "Mereka menuduh kami \'mengancam\' kawasan," ujar Menlu Rusia.',  # nested quotes
    "Rusia mengecam " + "dan mengecam " * 4_000 + "itu.",  # one huge sentence of cues
])
def test_hostile_text_gives_rows_or_none_never_an_exception(text):
    names = [("Rusia", "LOC")] if text.startswith("Rusia") or "Rusia" in text else []
    rows = decided(text, names, min_confidence=0.0)
    assert set(rows.columns) >= {"confidence", "kind", "speaker_source"}
    assert rows.confidence.between(0, 1).all()


def test_a_missing_or_damaged_model_is_one_line_naming_the_file(tmp_path, monkeypatch):
    damaged = tmp_path / "attribution.json"
    damaged.write_text("{not json", encoding="utf-8")
    load_model.cache_clear()
    with pytest.raises(ModelFilesError, match="attribution.json cannot be read"):
        load_model(damaged)
    monkeypatch.setattr(attribution, "MODEL_FILE", tmp_path / "missing.json")
    monkeypatch.setattr(attribution, "load_model", lambda: None)
    with pytest.raises(ModelFilesError, match="missing.json is missing"):
        attribution.require_model()


def test_the_shipped_model_has_its_thresholds_and_three_scorers():
    data = json.loads(attribution.MODEL_FILE.read_text(encoding="utf-8"))
    assert {"sense", "speaker", "target", "calibrator", "thresholds", "version"} <= set(data)
    assert 0 < data["thresholds"]["min_confidence"] < 1 and 0 < data["thresholds"]["speaker"] < 1


def test_quotations_are_sorted_and_disjoint_so_a_cue_inside_a_reopened_quote_is_direct():
    from korwatch_utils.analyses.stance import quotations

    text = 'Kami menolak "A" dan mengecam "B" karena itu", kata Menteri Luar Negeri Rusia Sergei Lavrov.'
    spans = quotations(text)
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    rows = decided(text, [("Rusia", "LOC"), ("Sergei Lavrov", "PER")], min_confidence=0.0)
    assert set(rows.loc[rows.cue.isin(["menolak", "mengecam"]), "kind"]) == {"direct"}
