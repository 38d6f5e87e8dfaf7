"""The pure parts of training/: tag mapping, hyphen rejoining, MWT collapsing, span scoring."""

import pytest

from training.convert_ner import harmonise_locations, location_names, map_tag, rejoin_hyphens
from training.evaluate import bio_spans, span_scores
from training.train_tokenizer import collapse_mwt


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
