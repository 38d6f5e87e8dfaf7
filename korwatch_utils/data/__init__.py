"""korwatch's editable data files (CSV lexicons and tables): where they are, and the shared ones read once.

Loaders that also take an analyst's file (aliases, cue lexicon, boilerplate rules) live beside the code that
uses them and read the shipped file from DATA_DIR.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent


def read_csv(name: str, *, commented: bool = False) -> pd.DataFrame:
    """A shipped data file as strings, empty cells kept as '' (not NaN).

    commented: the file opens with "# " lines (its sources and notes), skipped here.
    """
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False, comment="#" if commented else None)


@lru_cache(maxsize=1)
def titles() -> tuple[str, ...]:
    """Titles and honorifics as written in titles.csv ("Presiden", "Tn.", "Menlu" ...)."""
    return tuple(read_csv("titles.csv")["title"])
