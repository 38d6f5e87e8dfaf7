"""The outlet an article comes from: one name per outlet, from its metadata, its URL or its credit line.

The name comes from the outlet as the metadata names it (or, where there is
none and no URL, the credit of the story's dateline: "Jakarta, CNN Indonesia
--", filled in by cleaning), else from the URL's host. Spellings and hosts are
read through an alias table (data/outlets.csv, extended by an analyst's
outlets.csv): "Kompas com", "kompas.com" and "https://internasional.kompas.com/..."
are all "Kompas.com". An outlet the table does not know keeps its spelling
(case and spacing aside: `outlet_key`) or its host.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from korwatch_utils.data import read_csv

OUTLETS_FILE = "outlets.csv"  # an analyst's outlet aliases, beside the articles (alias, outlet)
NO_OUTLET = "(no outlet)"  # what an article that names no outlet is counted under
_SPACES = re.compile(r"\s+")


def outlet_key(name: str) -> str:
    """What makes two spellings of an outlet one: case, spacing and a leading "www." ignored."""
    return _SPACES.sub(" ", str(name or "")).strip().casefold().removeprefix("www.")


def host(url: str) -> str:
    """The URL's host without "www." and a port ('' for none or a malformed URL)."""
    try:
        return (urlsplit(str(url or "").strip()).hostname or "").removeprefix("www.")
    except ValueError:  # a malformed URL names no host
        return ""


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[str, str], ...]:
    table = read_csv(OUTLETS_FILE, commented=True)
    return tuple(zip(table["alias"], table["outlet"]))


@lru_cache(maxsize=1)
def _shipped_aliases() -> dict[str, str]:
    """The shipped table as outlet_aliases() gives it, built once: `site` asks for it once per article."""
    return _aliases(_shipped())


def _aliases(pairs) -> dict[str, str]:
    return {outlet_key(alias): outlet.strip() for alias, outlet in pairs if outlet_key(alias) and outlet.strip()}


def outlet_aliases(extra: str | Path | None = None) -> dict[str, str]:
    """outlet_key(alias) -> outlet name: the shipped table, then an analyst's file over it.

    Raises:
        ValueError: the analyst's file lacks the alias and outlet columns.
    """
    if extra is None or not Path(extra).is_file():
        return dict(_shipped_aliases())
    table = pd.read_csv(extra, dtype=str, keep_default_na=False, comment="#")
    if not {"alias", "outlet"} <= set(table.columns):
        raise ValueError(f"{extra}: an outlets file needs the columns alias and outlet")
    return _aliases([*_shipped(), *zip(table["alias"], table["outlet"])])


def outlet_name(outlet: str, url: str, aliases: dict[str, str] | None = None) -> str:
    """The outlet's one name ('' when neither the outlet nor the URL names one)."""
    aliases = _shipped_aliases() if aliases is None else aliases
    written = _SPACES.sub(" ", str(outlet or "")).strip()
    if written:
        return aliases.get(outlet_key(written), written)
    name = host(url)
    labels = name.split(".")
    for start in range(max(1, len(labels) - 1)):  # news.detik.com, then detik.com
        found = aliases.get(".".join(labels[start:]))
        if found:
            return found
    return name


def site(outlet: str, url: str) -> str:
    """The key of the site an article belongs to, for what its articles share (`cleaning.repeated_lines`)."""
    return outlet_key(outlet_name(outlet, url))
