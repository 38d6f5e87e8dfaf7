"""Date expressions, reference dates and events: every expression form, year inference, unknown references, seeds."""

import io

import pandas as pd
import pytest

from datetime import date

from korwatch_utils.analyses.analysis import analyse
from korwatch_utils.cli import main
from korwatch_utils.views.plots import timeline_chart
from korwatch_utils.tables import join_lists
from korwatch_utils.analyses.timeline import (
    DATE_COLUMNS, EVENT_COLUMNS, PATTERNS, RESOLVERS, dates_to_settle, filter_events, find_dates, infer_reference, reference_dates, scan,
    timeline,
)
from korwatch_utils.input.articles import url_date

TODAY = date(2026, 12, 7)  # the analyses take the day they run as a parameter; the tests fix it


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
    ("krisis moneter, Senin (13/7/98)", ("Senin (13/7/98)", "1998-07-13", "1998-07-13", "day", "explicit")),
    ("disetujui pada Kamis (24/10/24)", ("Kamis (24/10/24)", "2024-10-24", "2024-10-24", "day", "explicit")),
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
    ("tiba kemarin lusa", ("kemarin lusa", "2024-06-12", "2024-06-12", "day", "reference")),
    ("berangkat lusa", ("lusa", "2024-06-16", "2024-06-16", "day", "reference")),
    ("bertemu Senin sampai Kamis pekan depan",
     ("Senin sampai Kamis pekan depan", "2024-06-17", "2024-06-20", "range", "reference")),
    ("tiba hari Kamis pekan depan", ("hari Kamis pekan depan", "2024-06-20", "2024-06-20", "day", "reference")),
    ("datang Kamis mendatang", ("Kamis mendatang", "2024-06-20", "2024-06-20", "day", "reference")),
    ("tiba besok Jumat", ("besok Jumat", "2024-06-21", "2024-06-21", "day", "reference")),  # said on a Friday
    ("terjadi dua bulan lalu", ("dua bulan lalu", "2024-04-01", "2024-04-30", "month", "reference")),
    ("dibangun lima tahun lalu", ("lima tahun lalu", "2019-01-01", "2019-12-31", "year", "reference")),
    ("digelar medio Juni", ("medio Juni", "2024-06-11", "2024-06-20", "range", "reference")),
])
def test_expression_forms(text, expected):
    assert first(text, "2024-06-14") == expected


@pytest.mark.parametrize("text", ["bertemu pekan lalu", "tiba kemarin lusa", "bertemu Senin sampai Kamis pekan depan",
                                  "datang Kamis mendatang", "terjadi dua bulan lalu", "berbicara pada hari Rabu"])
def test_relative_forms_stay_unresolved_without_a_reference(text):
    assert first(text)[1:] == ("", "", first(text, "2024-06-14")[3], "unresolved")


def test_every_pattern_kind_has_a_resolver():
    assert {kind for kind, _ in PATTERNS} == set(RESOLVERS)


def test_day_slash_month_takes_the_reference_year():
    assert first("ditangkap pada Selasa (13/8)", "2024-08-15") == ("Selasa (13/8)", "2024-08-13", "2024-08-13", "day",
                                                                   "reference")
    assert first("ditangkap pada (28/12)", "2025-01-03")[1] == "2024-12-28"  # across the new year


def test_minggu_is_sunday_only_when_not_followed_by_lalu_depan_ini():
    kinds = [(item["kind"], item["expression"]) for item in scan("Minggu lalu ia datang; pada hari Minggu ia pergi.", TODAY)]
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


@pytest.mark.parametrize("published", ["", "2024-06-14"])
def test_year_zero_in_a_template_date_is_left_unresolved(published):
    text = "Rapat 13 Juni 0000, lalu 13/6/0000; pada Juni 0000 dan akhir Juni 0000. Tahun 0000 juga."
    found = dates_in(text, published)
    assert len(found) >= 4 and set(found.resolved_by) == {"unresolved"} and set(found.date) == {""}
    references = reference_dates(pd.DataFrame({"doc_id": ["a"], "text": [text], "published": [published]}))
    assert references.iloc[0].reference == (published or "")


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
    from korwatch_utils.analyses.stance import stance_cues

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


def test_cli_timeline_writes_the_events_table_with_lists_joined(capsys, seeds_dir, seeds_cleaned, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path))
    assert main(["timeline", str(seeds_dir)]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False, dtype=str)
    expected = join_lists(analyse(seeds_cleaned.articles).events).astype(str)
    pd.testing.assert_frame_equal(frame, expected)
    assert "1961-01-01" in set(frame.date) and frame.entities.str.contains("; ").any()
    assert not frame.entities.str.startswith("[").any()


# (URL, the day it carries): each outlet's form; None where the URL carries no date.
URLS = [
    ("http://www.cnnindonesia.com/internasional/20160823205431-106-153279/korut-uji-rudal/", "2016-08-23"),
    ("http://www.suara.com/news/2016/08/31/181222/putin-tiba", "2016-08-31"),
    ("http://poskotanews.com/2017/09/18/kalahkan-real-madrid/", "2017-09-18"),
    ("https://internasional.kompas.com/read/2017/09/18/10402821/korea-utara", "2017-09-18"),
    ("https://news.detik.com/internasional/2016/08/23/korut-kembali", "2016-08-23"),
    ("https://dunia.tempo.co/read/news/2016/08/23/118798/rusia", "2016-08-23"),
    ("https://news.okezone.com/read/2017/09/18/18/1778469/kim-jong-un", "2017-09-18"),
    ("https://www.tribunnews.com/internasional/2017/09/18/putin-dan-kim", "2017-09-18"),
    ("http://rimanews.com/internasional/read/20170406/322240/korut", "2017-04-06"),
    ("https://www.republika.co.id/berita/internasional/global/17/09/18/owg2yx-korut-tembakkan-rudal", "2017-09-18"),
    ("https://www.liputan6.com/global/read/3074950/korut-luncurkan-rudal", None),
    ("https://www.antaranews.com/berita/659644/korut", None),
    ("https://kumparan.com/berita-dunia/korut-luncurkan-rudal", None),
]


@pytest.mark.parametrize("url, day", URLS)
def test_url_date_reads_each_outlets_form(url, day):
    found = url_date(url)
    assert (found.isoformat() if found else None) == day


def test_a_date_in_the_url_is_the_reference_when_published_is_empty():
    articles = pd.DataFrame({"doc_id": ["a"], "text": ["Korut menembakkan rudal pada Senin (22/8)."],
                             "published": [""], "published_source": ["unknown"], "modified": [""],
                             "url": [URLS[0][0]]})
    row = reference_dates(articles).iloc[0]
    assert (row.reference, row.source, bool(row.ambiguous)) == ("2016-08-23", "url", False)


def test_weekday_and_date_keep_every_fitting_year_and_never_say_only():
    text = "Korut menembakkan rudal pada Senin (22/8) pagi."
    reference, source, evidence, ambiguous, candidates = infer_reference(text, date(2026, 11, 1), today=TODAY)
    assert source == "inferred" and ambiguous
    assert {"2016-08-22", "2022-08-22"} <= {reference, *candidates}
    assert "only" not in evidence and "2016" in evidence and "2022" in evidence


def test_a_titled_officeholder_narrows_the_year():
    text = "Presiden AS Donald Trump mengecam uji coba rudal Korut pada Jumat (7/4)."
    reference, source, evidence, ambiguous, candidates = infer_reference(text, date(2026, 11, 1), today=TODAY)
    assert reference == "2017-04-07" and not ambiguous and not candidates
    assert "Donald Trump" in evidence


def test_a_former_or_dated_title_does_not_narrow():
    for text in ("Mantan Presiden AS Donald Trump mengecam uji coba rudal Korut pada Jumat (7/4).",
                 "Presiden AS Donald Trump pada 2019 bertemu Kim. Korut menguji rudal pada Jumat (7/4)."):
        assert infer_reference(text, date(2026, 11, 1), today=TODAY)[3], text  # still ambiguous


def test_the_modification_day_is_an_upper_bound_only():
    text = "Korut menembakkan rudal pada Senin (22/8) pagi."
    assert infer_reference(text, date(2017, 1, 1), today=TODAY)[0] == "2016-08-22"  # 2022 is after the file was written
    reference, _, _, ambiguous, _ = infer_reference(text, date(2016, 8, 20), today=TODAY)
    assert reference != "2016-08-20" and reference < "2016-08-20"  # never the modification day itself
    assert ambiguous


def test_a_full_date_alone_is_a_flagged_lower_bound():
    reference, source, evidence, ambiguous, _ = infer_reference("Perjanjian itu diteken pada 12 Juli 2017.", today=TODAY)
    assert (reference, source, ambiguous) == ("2017-07-12", "text", True) and "or later" in evidence


def test_an_ambiguous_reference_flags_its_events_and_the_chart():
    articles = pd.DataFrame({"doc_id": ["a"], "text": ["Korut menembakkan rudal pada Senin (22/8) pagi."],
                             "published": [""]})
    sentences = pd.DataFrame({"doc_id": ["a"], "sent_id": [0], "start_char": [0], "end_char": [48],
                              "text": [articles.text[0]]})
    mentions = pd.DataFrame(columns=["doc_id", "sent_id", "start_char", "end_char", "text", "type", "entity"])
    cues = pd.DataFrame(columns=["doc_id", "sent_id", "speaker", "category", "target"])
    events = timeline(articles, mentions, cues, sentences)
    assert events.ambiguous.tolist() == [True]
    figure = timeline_chart(events)
    hatched = [c for ax in figure.axes for c in ax.collections if c.get_gid() == "ambiguous"]
    assert len(hatched) == 1 and len(hatched[0].get_offsets()) == 1
    assert filter_events(events, hide_ambiguous=True).empty
    settle = dates_to_settle(reference_dates(articles))
    assert settle.doc_id.tolist() == ["a"] and "metadata.csv" in settle.settle[0]


def test_the_seeds_june_2024_stays_2024(seeds_cleaned):
    references = reference_dates(seeds_cleaned.articles)
    dates = find_dates(seeds_cleaned.articles, references)
    june = dates[dates.expression.str.contains("Juni") & (dates.date != "")]
    assert len(june) and june.date.str.startswith("2024").all()
    assert "metadata" not in set(references.source)  # the seeds have no published dates: all of this is inferred


def test_weekday_pairs_across_new_year_agree_and_an_old_december_day_stays_in_its_year():
    text = "Korut menembakkan rudal pada Rabu (31/12) dan Jumat (2/1). Pertemuan sebelumnya digelar (28/12)."
    reference, source, _, _, candidates = infer_reference(text, date(2026, 11, 1), today=TODAY)
    assert source == "inferred" and reference.endswith("-01-02")
    assert all(day.endswith("-01-02") for day in candidates)  # 28 December stays in the year before


def test_a_year_the_text_names_settles_only_that_year_or_the_next():
    later = date(2026, 1, 1)
    named_2017 = infer_reference("Rencana itu disusun pada 2017. Ia berbicara di Jakarta, Jumat (11/8).", later, today=TODAY)
    assert named_2017[0] == "2017-08-11" and named_2017[3] is False
    # 2004 leaves 2006 in the window (-1, +2 years): picked, but flagged, with the years it could not rule out
    reference, source, evidence, ambiguous, others = infer_reference(
        "Menteri itu menjabat sejak 2004. Ia berbicara di Jakarta, Jumat (11/8).", later, today=TODAY)
    assert (reference, source, ambiguous) == ("2006-08-11", "inferred", True)
    assert "2017-08-11" in others and "ambiguous: picked 2006" in evidence
