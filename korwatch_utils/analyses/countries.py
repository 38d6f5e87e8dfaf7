"""ISO 3166-1 alpha-3 codes for the countries among korwatch's entities.

pycountry supplies the codes and each country's Indonesian name (its gettext
catalogue for ISO 3166-1); data/country_aliases.csv adds the forms Indonesian
news writes that neither gives ("Korut", "AS", "Tiongkok", "Rusia", "Inggris"),
and an analyst's aliases.csv decides whether a capital stands for its country
(map "Pyongyang" to "Korea Utara" and it takes PRK). A capital on its own stays
a place: it gets no code.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

import pandas as pd

from korwatch_utils.data import read_csv
from korwatch_utils.text.indonesian import fold


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """Folded name -> alpha-3, from pycountry's English and Indonesian names and korwatch's aliases."""
    import pycountry

    indonesian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"], fallback=True)
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for name in (getattr(country, attribute, "") for attribute in ("name", "official_name", "common_name")):
            if name:
                codes.setdefault(fold(name), country.alpha_3)
                codes.setdefault(fold(indonesian.gettext(name)), country.alpha_3)
    aliases = read_csv("country_aliases.csv", commented=True)
    for alias, code in zip(aliases["alias"], aliases["code"]):
        codes[fold(alias)] = code
    return codes


def country_code(name: str) -> str:
    """The alpha-3 code of a country name as Indonesian news writes it ("Korut" -> PRK), else ''."""
    return _codes().get(fold(name), "") if name else ""


def add_country_codes(frame: pd.DataFrame, name: str = "entity", kind: str = "type") -> pd.DataFrame:
    """The frame with a `code` column: the alpha-3 code of each LOC (or ORG-typed state) name that is a country."""
    codes = [country_code(entity) if entity_type in ("LOC", "ORG") else ""
             for entity, entity_type in zip(frame[name], frame[kind])]
    return frame.assign(code=codes)
