"""Every table of korwatch, defined once: its columns, their kinds and the order its rows are read in.

The store creates and reads its tables from this registry, the analysing
modules take their column lists from it, and the CLI and the report write what
`analysis.Analysis` and the store return, so a table has one name and one shape
everywhere. Views derived from them (entity totals, co-occurrence, the stance
matrix) are defined by the functions that compute them. Kinds: str, int, float, bool, and list (a list
of strings: DuckDB VARCHAR[], a Python list in pandas, joined with "; " only
when written to CSV).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

LIST_SEPARATOR = "; "  # how a list cell is written to CSV; nothing in korwatch splits it again


@dataclass(frozen=True)
class Table:
    """One table: name, column -> kind (in column order), and the columns that order its rows."""

    name: str
    kinds: dict[str, str]
    order: tuple[str, ...]
    per_article: bool = True  # rows belong to one doc_id, replaced when that article changes

    @property
    def columns(self) -> list[str]:
        return list(self.kinds)


def _table(name: str, order: tuple[str, ...], columns: str, per_article: bool = True, **kinds: str) -> Table:
    """A Table from space-separated column names; columns not named in `kinds` are str."""
    return Table(name, {column: kinds.get(column, "str") for column in columns.split()}, order, per_article)


TABLES: dict[str, Table] = {table.name: table for table in (
    _table("load_report", ("path",), "path doc_id status reason field value", per_article=False),
    _table("articles", ("doc_id",), "doc_id path title outlet url published published_source modified dateline lang "
           "text n_chars sha256 encoding raw_text cleaning_note", n_chars="int"),
    _table("removed", ("doc_id", "line_no"), "doc_id line_no text rule score", line_no="int", score="float"),
    _table("paragraphs", ("doc_id", "line_no"), "doc_id line_no lang rule text", line_no="int"),
    _table("sentences", ("doc_id", "sent_id"), "doc_id sent_id start_char end_char text",
           sent_id="int", start_char="int", end_char="int"),
    _table("mentions", ("doc_id", "start_char", "end_char"), "doc_id sent_id start_char end_char text type entity code",
           sent_id="int", start_char="int", end_char="int"),
    _table("cues", ("doc_id", "start_char", "end_char"), "doc_id sent_id speaker cue category polarity target quote "
           "sentence negated hedged attribution start_char end_char confidence speaker_text speaker_source kind "
           "content_start content_end",
           sent_id="int", negated="bool", hedged="bool", start_char="int", end_char="int", confidence="float",
           content_start="int", content_end="int"),
    _table("references", ("doc_id",), "doc_id reference source evidence ambiguous candidates",
           ambiguous="bool", candidates="list"),
    _table("dates", ("doc_id", "start_char"), "doc_id start_char end_char expression date end granularity "
           "resolved_by check planned ambiguous", start_char="int", end_char="int", planned="bool", ambiguous="bool"),
    _table("events", ("doc_id", "sent_id"), "doc_id sent_id date end granularity expression resolved_by planned "
           "ambiguous entities sentence stance", sent_id="int", planned="bool", ambiguous="bool", entities="list",
           stance="list"),
)}
# The tables `analysis.analyse` returns, in the order of `analysis.Analysis`.
ANALYSIS_TABLES = ("sentences", "mentions", "cues", "references", "dates", "events")


def columns(name: str) -> list[str]:
    """The columns of a table, in order."""
    return TABLES[name].columns


def conform(table: str | Table, frame: pd.DataFrame, *, sort: bool = False) -> pd.DataFrame:
    """The frame with the table's columns in order and one dtype per kind (int64, bool, str, list of str).

    Args:
        table: a table's name, or a Table.
        sort: put the rows in the table's order (stable: ties keep their order).
    """
    table = TABLES[table] if isinstance(table, str) else table
    frame = frame[table.columns].copy()
    for column, kind in table.kinds.items():
        if kind == "int":
            frame[column] = frame[column].astype("int64")
        elif kind == "float":
            frame[column] = frame[column].astype("float64")
        elif kind == "bool":
            frame[column] = frame[column].astype(bool)
        elif kind == "list":
            frame[column] = pd.Series([_as_list(value) for value in frame[column]], index=frame.index, dtype=object)
        else:
            frame[column] = frame[column].fillna("").astype(str)
    if sort:
        frame = frame.sort_values(list(table.order), kind="mergesort")
    return frame.reset_index(drop=True)


def _as_list(value) -> list[str]:
    """A list cell as a list of strings: from a list, a tuple or DuckDB's array; None or NaN is empty."""
    if isinstance(value, str):
        raise TypeError(f"a list cell holds the string {value[:40]!r}: korwatch never splits strings into lists")
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [str(item) for item in value]


def join_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with list cells joined by LIST_SEPARATOR, for CSV files and HTML tables."""
    lists = [column for column in frame.columns if frame[column].dtype == object  # only object columns hold lists
             and frame[column].map(lambda value: isinstance(value, list)).any()]
    return frame.assign(**{column: frame[column].map(LIST_SEPARATOR.join) for column in lists}) if lists else frame
