"""Attention over time: period arithmetic, undated and ambiguous articles, and sums that match the totals."""

import pandas as pd
import pytest

from korwatch_utils.analyses.entities import entity_table, entity_totals
from korwatch_utils.analyses.trends import period_of, trends


@pytest.mark.parametrize("day, freq, period", [
    ("2024-06-19", "month", "2024-06"), ("2024-06-19", "week", "2024-W25"),
    ("2024-12-30", "week", "2025-W01"), ("2021-01-03", "week", "2020-W53"), ("2024-01-01", "month", "2024-01"),
])
def test_periods_are_iso_weeks_and_months(day, freq, period):
    assert period_of(day, freq) == period


def test_period_refuses_an_unknown_frequency():
    with pytest.raises(ValueError, match="week, month"):
        period_of("2024-06-19", "year")


def tables():
    mentions = pd.DataFrame([
        ["a", 0, "Korea Utara", "LOC"], ["a", 1, "Korea Utara", "LOC"], ["a", 1, "Rusia", "LOC"],
        ["b", 0, "Korea Utara", "LOC"], ["c", 0, "Rusia", "LOC"], ["d", 0, "Korea Utara", "LOC"],
        ["d", 0, "", "PER"],
    ], columns=["doc_id", "sent_id", "entity", "type"])
    cues = pd.DataFrame([
        ["a", "Korea Selatan", "Korea Utara", "negative"], ["a", "Korea Utara", "Rusia", "positive"],
        ["b", "Korea Utara", "", "negative"], ["c", "Rusia", "Rusia", "negative"],
    ], columns=["doc_id", "speaker", "target", "polarity"])
    references = pd.DataFrame([
        ["a", "2024-06-14", False], ["b", "2024-06-28", True], ["c", "2024-07-02", False], ["d", "", False],
    ], columns=["doc_id", "reference", "ambiguous"])
    return mentions, cues, references


def test_trends_count_mentions_articles_and_cues_per_period_and_add_up_to_the_totals():
    mentions, cues, references = tables()
    found = trends(mentions, cues, references)
    rows = {(r.period, r.entity): (r.mentions, r.articles, r.negative, r.positive, r.ambiguous_articles)
            for r in found.table.itertuples(index=False)}
    assert rows[("2024-06", "Korea Utara")] == (3, 2, 2, 1, 1)  # a: target of one, speaker of one; b: speaker
    assert rows[("2024-06", "Rusia")] == (1, 1, 0, 1, 0)
    assert rows[("2024-07", "Rusia")] == (1, 1, 1, 0, 0)  # speaker and target of one cue: counted once
    assert (found.undated, found.ambiguous) == (1, 1)
    dated = mentions[mentions.doc_id.isin(["a", "b", "c"])]
    totals = entity_totals(entity_table(dated)).set_index("entity").mentions
    assert found.table.groupby("entity").mentions.sum().to_dict() == totals.to_dict()


def test_ambiguous_articles_can_be_left_out_and_filters_apply():
    mentions, cues, references = tables()
    found = trends(mentions, cues, references, exclude_ambiguous=True, entities=["Korea Utara"], freq="week")
    assert found.table[["period", "entity", "mentions"]].values.tolist() == [["2024-W24", "Korea Utara", 2]]
    assert found.ambiguous == 1  # left out, and still counted


def test_pair_balance_counts_one_speaker_towards_one_target_per_period():
    from korwatch_utils.analyses.trends import pair_balance, top_pair

    _, cues, references = tables()
    cues = pd.concat([cues, pd.DataFrame([["c", "Korea Selatan", "Korea Utara", "positive"]], columns=cues.columns)])
    assert top_pair(cues) == ("Korea Selatan", "Korea Utara")
    balance = pair_balance(cues, references, "Korea Selatan", "Korea Utara")
    assert balance.values.tolist() == [["2024-06", 1, 0], ["2024-07", 0, 1]]
    no_such_pair = pair_balance(cues, references, "Korea Selatan", "Atlantis")
    assert no_such_pair.empty and list(no_such_pair.columns) == list(balance.columns)


def test_periods_between_fill_quiet_weeks_and_months_across_years():
    from korwatch_utils.analyses.trends import periods_between

    assert periods_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert periods_between("2024-W52", "2025-W02") == ["2024-W52", "2025-W01", "2025-W02"]


def test_the_attention_chart_draws_a_quiet_month_at_zero():
    from korwatch_utils.views.plots import attention_chart

    table = pd.DataFrame([["2024-06", "Rusia", "LOC", 3], ["2024-08", "Rusia", "LOC", 1]],
                         columns=["period", "entity", "type", "mentions"])
    line = attention_chart(table).axes[0].get_lines()[0]
    assert list(line.get_ydata()) == [3, 0, 1]
