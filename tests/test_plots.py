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
