"""Date expressions, reference dates and events: every expression form, year inference, unknown references, seeds."""

import io

import pandas as pd
import pytest

from korwatch_utils.cli import main
from korwatch_utils.timeline import DATE_COLUMNS, EVENT_COLUMNS, find_dates, reference_dates, scan, timeline


def dates_in(text: str, published: str = "") -> pd.DataFrame:
    return find_dates(pd.DataFrame({"doc_id": ["a"], "text": [text], "published": [published]}))


def first(text: str, published: str = "") -> tuple:
    row = dates_in(text, published).iloc[0]
    return row.expression, row.date, row.end, row.granularity, row.resolved_by


# Published Friday 2024-06-14 unless said otherwise.
@pytest.mark.parametrize("text, expected", [
    ("pada Kamis (13 Juni) lalu", ("Kamis (13 Juni) lalu", "2024-06-13", "2024-06-13", "day", "reference")),
    ("diumumkan pada 14 Juni", ("14 Juni", "2024-06-14", "2024-06-14", "day", "reference")),
    ("disetujui pada Kamis (24/10/2024)", ("Kamis (24/10/2024)", "2024-10-24", "2024-10-24", "day", "explicit")),
    ("ditangkap pada (11/6)", ("11/6", "2024-06-11", "2024-06-11", "day", "reference")),
    ("kunjungan September tahun lalu", ("September tahun lalu", "2023-09-01", "2023-09-30", "month", "reference")),
    ("kunjungan September lalu", ("September lalu", "2023-09-01", "2023-09-30", "month", "reference")),
    ("bertemu pekan lalu", ("pekan lalu", "2024-06-03", "2024-06-09", "week", "reference")),
    ("bertemu minggu lalu", ("minggu lalu", "2024-06-03", "2024-06-09", "week", "reference")),
    ("digelar pada akhir Juni", ("akhir Juni", "2024-06-21", "2024-06-30", "range", "reference")),
    ("dimulai awal Oktober", ("awal Oktober", "2023-10-01", "2023-10-10", "range", "reference")),
    ("akan berkunjung pada 19 dan 20 Juni", ("19 dan 20 Juni", "2024-06-19", "2024-06-20", "range", "reference")),
    ("akan tiba pada awal pekan depan", ("awal pekan depan", "2024-06-17", "2024-06-19", "range", "reference")),
    ("berbicara pada hari Rabu", ("pada hari Rabu", "2024-06-12", "2024-06-12", "day", "reference")),
    ("berbicara pada hari Minggu", ("pada hari Minggu", "2024-06-09", "2024-06-09", "day", "reference")),
    ("kunjungan pada Juli 2000", ("pada Juli 2000", "2000-07-01", "2000-07-31", "month", "explicit")),
    ("dipasok pada 2022", ("pada 2022", "2022-01-01", "2022-12-31", "year", "explicit")),
    ("perjanjian tahun 1961", ("tahun 1961", "1961-01-01", "1961-12-31", "year", "explicit")),
    ("tewas dua hari lalu", ("dua hari lalu", "2024-06-12", "2024-06-12", "day", "reference")),
    ("tiga pekan lalu", ("tiga pekan lalu", "2024-05-20", "2024-05-26", "week", "reference")),
    ("dilantik 3 hari lalu", ("3 hari lalu", "2024-06-11", "2024-06-11", "day", "reference")),
    ("ditemukan 19 Juni lalu", ("19 Juni lalu", "2023-06-19", "2023-06-19", "day", "reference")),
    ("berangkat akhir bulan ini", ("akhir bulan ini", "2024-06-21", "2024-06-30", "range", "reference")),
    ("tiba kemarin", ("kemarin", "2024-06-13", "2024-06-13", "day", "reference")),
])
def test_expression_forms(text, expected):
    assert first(text, "2024-06-14") == expected


def test_day_slash_month_takes_the_reference_year():
    assert first("ditangkap pada Selasa (13/8)", "2024-08-15") == ("Selasa (13/8)", "2024-08-13", "2024-08-13", "day",
                                                                   "reference")
    assert first("ditangkap pada (28/12)", "2025-01-03")[1] == "2024-12-28"  # across the new year


def test_minggu_is_sunday_only_when_not_followed_by_lalu_depan_ini():
    kinds = [(item["kind"], item["expression"]) for item in scan("Minggu lalu ia datang; pada hari Minggu ia pergi.")]
    assert kinds == [("relative_span", "Minggu lalu"), ("weekday", "pada hari Minggu")]


def test_numbers_that_are_not_dates_are_left_alone():
    assert dates_in("UU 41/2014 tentang peternakan; 3.000 tentara; pasal 5; skor 2-1.").empty


def test_planned_dates_look_forward():
    row = dates_in("Putin akan mengunjungi Vietnam pada 2 Juni.", "2024-06-14").iloc[0]
    assert (row.date, bool(row.planned)) == ("2025-06-02", True)  # a plan for 2 June after 14 June is next year's
    row = dates_in("Menteri itu akan berbicara pada hari Rabu.", "2024-06-14").iloc[0]
    assert row.date == "2024-06-19"


def test_weekday_checks_the_date_and_fixes_the_year_when_it_disagrees():
    row = dates_in("pada Kamis (13 Juni)", "2024-06-14").iloc[0]
    assert row.check == "ok"
    row = dates_in("pada Kamis (13 Juni)", "2025-07-01").iloc[0]  # 13 June 2025 is a Friday; 2024's a Thursday
    assert (row.date, row.resolved_by, row.check) == ("2024-06-13", "weekday", "weekday fixed the year")
    row = dates_in("pada Rabu (24/10/2024)").iloc[0]
    assert row.check == "weekday mismatch" and row.date == "2024-10-24"  # an explicit date is kept, but flagged


def test_reference_inferred_from_weekday_pairs_fixes_the_year():
    text = "Citra satelit pada Kamis (13 Juni) menunjukkan... Diumumkan pada 14 Juni. Putin bertemu September tahun lalu."
    references = reference_dates(pd.DataFrame({"doc_id": ["a"], "text": [text], "published": [""]}))
    assert references.iloc[0][["reference", "source"]].tolist() == ["2024-06-14", "inferred"]
    assert "2024" in references.iloc[0].evidence and "Kamis (13 Juni)" in references.iloc[0].evidence
    found = dates_in(text).set_index("expression")
    assert found.loc["Kamis (13 Juni)", "resolved_by"] == "inferred" and found.loc["14 Juni", "date"] == "2024-06-14"
    assert found.loc["September tahun lalu", "date"] == "2023-09-01"


def test_reference_from_planned_weekday_dates_only():
    text = "Presiden akan berkunjung pada Rabu (19/6) dan Kamis (20/6)."  # every dated day is a plan
    references = reference_dates(pd.DataFrame({"doc_id": ["a"], "text": [text], "published": [""]}))
    assert references.iloc[0].source == "inferred" and references.iloc[0].reference.endswith("-06-20")


def test_reference_inferred_from_the_latest_full_date():
    text = "Pada Kamis (24/10/2024), Duma menyetujui pakta. Kementerian berbicara pada hari Jumat."
    found = dates_in(text).set_index("expression")
    assert found.loc["pada hari Jumat", ["date", "resolved_by"]].tolist() == ["2024-10-25", "inferred"]


def test_unknown_reference_leaves_year_less_dates_unresolved_and_says_so():
    text = "Pada tanggal 14 Juni mereka bertemu. Pekan lalu ia datang. Pada Juli 2000 Putin berkunjung."
    references = reference_dates(pd.DataFrame({"doc_id": ["a"], "text": [text], "published": [""]}))
    assert references.iloc[0].source == "unknown" and references.iloc[0].reference == ""
    found = dates_in(text)
    assert list(found.columns) == DATE_COLUMNS
    rows = found.set_index("expression")
    assert rows.loc["tanggal 14 Juni", ["date", "resolved_by"]].tolist() == ["", "unresolved"]
    assert rows.loc["Pekan lalu", ["date", "granularity"]].tolist() == ["", "week"]
    assert rows.loc["Pada Juli 2000", "date"] == "2000-07-01"


def test_metadata_date_wins_over_inference():
    text = "Pada Kamis (24/10/2024), Duma menyetujui pakta."
    references = reference_dates(pd.DataFrame({"doc_id": ["a"], "text": [text], "published": ["2024-10-26"]}))
    assert references.iloc[0][["reference", "source"]].tolist() == ["2024-10-26", "metadata"]


# What each seed's text fixes (read by hand): (doc prefix, expression, date, end, planned).
SEED_DATES = [
    ("000", "Kamis (13 Juni)", "2024-06-13", "2024-06-13", False),
    ("000", "14 Juni", "2024-06-14", "2024-06-14", False),
    ("000", "19 dan 20 Juni", "2024-06-19", "2024-06-20", True),
    ("000", "akhir Juni", "2024-06-21", "2024-06-30", True),
    ("000", "awal pekan depan", "2024-06-17", "2024-06-19", True),
    ("000", "pada September tahun lalu", "2023-09-01", "2023-09-30", False),
    ("001", "pada September 2023", "2023-09-01", "2023-09-30", False),
    ("001", "pada Juli 2000", "2000-07-01", "2000-07-31", False),
    ("001", "tanggal 14 Juni", "", "", False),  # no year anywhere in 001 fixes June's: unresolved
    ("002", "Kamis (24/10/2024)", "2024-10-24", "2024-10-24", False),
    ("002", "pada hari Jumat", "2024-10-25", "2024-10-25", False),
    ("002", "pada hari Senin", "2024-10-21", "2024-10-21", False),
    ("002", "bulan Juni", "2024-06-01", "2024-06-30", False),
    ("003", "pada 2022", "2022-01-01", "2022-12-31", False),
    ("003", "pekan lalu", "", "", False),  # 003 has no date to anchor it
    ("004", "tahun 1961", "1961-01-01", "1961-12-31", False),
]


@pytest.fixture(scope="module")
def seed_events(seeds_cleaned, seeds_annotations, seeds_mentions):
    from korwatch_utils.stance import stance_cues

    cues = stance_cues(seeds_cleaned.articles, seeds_mentions, seeds_annotations.sentences)
    return timeline(seeds_cleaned.articles, seeds_mentions, cues, seeds_annotations.sentences)


@pytest.mark.parametrize("doc, expression, start, end, planned", SEED_DATES)
def test_seed_dates(seeds_cleaned, doc, expression, start, end, planned):
    found = find_dates(seeds_cleaned.articles)
    rows = found[found.doc_id.str.startswith(doc) & (found.expression == expression)]
    assert len(rows), f"{expression!r} not found in seed {doc}"
    assert rows.iloc[0][["date", "end", "planned"]].tolist() == [start, end, planned]


def test_seed_events_carry_entities_and_stance(seed_events):
    assert list(seed_events.columns) == EVENT_COLUMNS
    visit = seed_events[seed_events.expression == "19 dan 20 Juni"].iloc[0]
    assert visit.planned and {"Vladimir Putin", "Korea Utara", "Vietnam"} <= set(visit.entities)
    denial = seed_events[seed_events.expression == "pada hari Senin"].iloc[0]
    assert denial.date == "2024-10-21" and "Korea Utara deny Rusia" in denial.stance
    assert not seed_events.sentence.str.contains("July 22, 2024").any()  # the comment's timestamp was boilerplate


def test_cli_timeline_writes_the_events_table(capsys, seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path))
    assert main(["timeline", str(seeds_dir)]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert list(frame.columns[:10]) == ["doc_id", "sent_id", "date", "end", "granularity", "expression",
                                        "resolved_by", "planned", "entities", "sentence"]
    assert "1961-01-01" in set(frame.date)
