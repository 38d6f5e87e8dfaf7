"""Charts draw Korean, Cyrillic and Latin names with real glyphs, never empty boxes."""

import io
import warnings

import pandas as pd

from korwatch_utils.views.plots import entity_bar_chart


def test_a_chart_naming_hangul_and_cyrillic_entities_has_no_missing_glyph():
    totals = pd.DataFrame({"entity": ["김정은", "Владимир Путин", "Kim Jong Un"], "type": ["PER"] * 3,
                           "mentions": [3, 2, 1]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        entity_bar_chart(totals).savefig(io.BytesIO(), format="png")
    missing = [str(warning.message) for warning in caught if "missing from font" in str(warning.message)]
    assert missing == []


def test_share_over_time_draws_the_outlets_that_name_the_entity_most_and_says_so():
    from korwatch_utils.views.plots import share_over_time_chart

    attention = pd.DataFrame([{"entity": "Korea Utara", "outlet": f"outlet {n:02d}", "period": period,
                               "mentions": n + 1, "share": 0.1, "share_low": 0.05, "share_high": 0.2}
                              for n in range(10) for period in ("2024-05", "2024-06")])
    figure = share_over_time_chart(attention, "Korea Utara", max_outlets=3)
    ax = figure.axes[0]
    assert sorted(line.get_label() for line in ax.get_lines()) == ["outlet 07", "outlet 08", "outlet 09"]
    assert "the 3 of 10 outlets naming it most" in ax.get_title()
    every = share_over_time_chart(attention, "Korea Utara", max_outlets=10).axes[0]
    assert len(every.get_lines()) == 10 and "naming it most" not in every.get_title()
