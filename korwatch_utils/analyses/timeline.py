"""Indonesian date expressions, each article's reference date, and dated events.

Indonesian news rarely writes a full date: "Kamis (13 Juni)", "(13/8)", "pekan
lalu", "akhir Juni", "19 dan 20 Juni", "September tahun lalu". dateparser
resolves the expressions it reads correctly (full dates, "Juli 2000", "3 hari
lalu"); the project's rules below handle what it gets wrong or cannot read
(see ../shared/data/README.md): "pekan lalu", "Month lalu", "minggu lalu" vs
Minggu (Sunday), awal/akhir/pertengahan, number words, "19 Juni lalu", day
ranges, and choosing the year of a year-less date. A year-less date is never
given the current year: without a reference date it stays unresolved.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from korwatch_utils.data import read_csv
from korwatch_utils.input.articles import EARLIEST_YEAR, parse_full_date, parse_published, url_date, valid_day
from korwatch_utils.tables import columns
from korwatch_utils.text.indonesian import (
    AT, DAY, DAY_SHIFTS, EVERY, FUTURE_WORDS, MONTH_ABBREVIATIONS, MONTH_WORD, MONTHS, NOT_IN_OFFICE, NUMBER_WORDS,
    OFFICE_TITLES, ON, PARTS_OF_MONTH, PRAYER, TEMPORAL_PREPOSITIONS, TIME_UNITS, TOMORROW, UNTIL, WEEK_SHIFTS,
    WEEK_WORDS, WEEKDAY_NAMES, WEEKDAYS, YEAR_WORD, alternation,
)

FUTURE = re.compile(rf"\b(?:{alternation(FUTURE_WORDS)})\b", re.I)
DATE_COLUMNS = columns("dates")
REFERENCE_COLUMNS = columns("references")
EVENT_COLUMNS = columns("events")

_M = "|".join(sorted(MONTHS, key=len, reverse=True))
_W = alternation(WEEKDAY_NAMES)
_WEEK = alternation(WEEK_WORDS)
_UNTIL = alternation(UNTIL)
_ON = alternation(TEMPORAL_PREPOSITIONS)
_N = "|".join(["\\d{1,2}", *NUMBER_WORDS])
_WEEKDAY_PREFIX = rf"(?:(?:{DAY}\s+)?(?P<weekday>{_W})\s*,?\s*\(?\s*)?"
# Each pattern is tried in this order; a later one never overlaps an earlier match.
PATTERNS = [
    ("numeric", re.compile(_WEEKDAY_PREFIX + r"(?<![\d/.])(?P<day>\d{1,2})/(?P<month>\d{1,2})"
                           r"(?:\s?/\s?(?P<year>\d{4}|\d{2}))?(?![\d/])\)?")),
    # "Selasa-Jumat (13-16 Februari)": the weekdays go with the days, not on their own.
    ("day_range", re.compile(rf"(?:(?:{DAY}\s+)?(?P<weekday>{_W})\s*(?:-|–|{_UNTIL})\s*(?:{_W})\s*\(\s*)?"
                             rf"\b(?P<day>\d{{1,2}})\s*(?:-|–|dan|{_UNTIL}|s\.d\.?)\s*(?P<day2>\d{{1,2}})\s+"
                             rf"(?P<month>{_M})\b\.?(?:\s+(?P<year>\d{{4}}))?\)?", re.I)),
    ("day_month", re.compile(_WEEKDAY_PREFIX + rf"(?:tanggal\s+)?(?<!\d)(?P<day>\d{{1,2}})\s+(?P<month>{_M})\b\.?"
                             rf"(?:\s+(?P<year>\d{{4}}))?\)?(?:\s+(?P<ago>lalu))?", re.I)),
    ("part_month", re.compile(rf"\b(?P<part>awal|akhir|pertengahan|medio)\s+(?:bulan\s+)?(?P<month>{_M})\b"
                              rf"(?:\s+(?P<year>\d{{4}})|\s+(?P<rel>tahun lalu|tahun depan|lalu))?", re.I)),
    # A bare month name counts only with a year, "lalu"/"depan" or a word before it ("pada Juni").
    ("month", re.compile(rf"\b(?P<lead>(?:{_ON}|{MONTH_WORD})\s+)?(?P<month>{_M})\b"
                         rf"(?:\s+(?:(?P<year>\d{{4}})|(?P<rel>tahun lalu|tahun depan|lalu|depan))\b)?", re.I)),
    # "Senin sampai Kamis pekan depan": days of a week.
    ("weekday_range", re.compile(rf"\b(?:(?:{ON}\s+)?{DAY}\s+)?(?P<weekday>{_W})\s*(?:-|–|{_UNTIL})\s*"
                                 rf"(?P<weekday2>{_W})\s+(?P<unit>{_WEEK})\s+(?P<rel>lalu|depan|ini)\b")),
    # "hari Kamis pekan depan", "Kamis mendatang", "besok Jumat": a weekday placed by a week word.
    ("weekday_week", re.compile(rf"\b(?:(?:{ON}\s+|{AT}\s+)?{DAY}\s+)?(?:(?P<soon>{alternation(TOMORROW)})\s+)?"
                                rf"(?P<weekday>{_W})(?:\s+(?P<unit>{_WEEK})\s+(?P<rel>lalu|depan|ini)\b|\s+(?P<next>"
                                r"mendatang|depan|esok|besok)\b)?")),
    ("relative_count", re.compile(rf"\b(?P<count>{_N})\s+(?P<unit>{alternation(tuple(TIME_UNITS))})\s+"
                                  r"(?P<rel>(?:yang\s+)?lalu|sebelumnya|lagi|mendatang|ke\s+depan)\b", re.I)),
    ("relative_span", re.compile(rf"\b(?:(?P<part>awal|akhir|pertengahan)\s+)?(?P<unit>{_WEEK}|{MONTH_WORD}|{YEAR_WORD})\s+"
                                 r"(?P<rel>lalu|depan|ini|kemarin)\b", re.I)),
    ("relative_day", re.compile(r"\b(?P<word>kemarin lusa|kemarin|hari ini|besok|lusa)\b", re.I)),
    ("weekday", re.compile(rf"\b(?:(?:{ON}\s+)?{DAY}\s+)?(?P<weekday>{_W})\b(?!\s+(?:lalu|depan|ini)\b)")),
    ("year", re.compile(rf"(?<![\d/.,])\b(?:(?P<lead>{YEAR_WORD}|{_ON}|awal|akhir|pertengahan|era)\s+)?"
                        r"(?P<year>(?:19|20)\d{2})\b(?![\d/.,]\d)", re.I)),
]


def _expression(raw: str) -> str:
    """The expression as written, without the sentence's full stop or an unmatched bracket."""
    text = raw.strip()
    if text.endswith(".") and text[:-1].split()[-1].lower() not in MONTH_ABBREVIATIONS:
        text = text[:-1]
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    if text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1]
    return text


def _month(name: str | None) -> int | None:
    return MONTHS.get(name.lower().rstrip(".")) if name else None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text.lower()]


def _year(text: str) -> int:
    """A written year; two digits as strptime's %y reads them (POSIX: 69-99 are 1969-1999, 00-68 2000-2068)."""
    return datetime.strptime(text, "%y").year if len(text) == 2 else int(text)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


NOT_A_DAY_BEFORE = re.compile(rf"\b(?:(?:{alternation(EVERY)})\s+(?:(?:{_W})\s*(?:,|dan|atau)\s*)*|"
                              rf"(?:{alternation(PRAYER)})\s+)$", re.I)
WEEKDAY_WORDS = (DAY, *TEMPORAL_PREPOSITIONS, "dan", "atau", "sebelum", "setelah", *WEEK_WORDS)


# Characters read either side of an expression for its context: a line of megabytes costs no more per date.
CONTEXT = 300


def _is_a_day(text: str, start: int, end: int) -> bool:
    """A weekday name that names a day: not "setiap Senin" (every), "salat Jumat", "Pasar Minggu" (a place),
    nor a weekday inside brackets that glosses a date already given ("(Jumat, Selasa, dan Rabu)", "(Minggu WIB)")."""
    low = max(0, start - CONTEXT)
    before = text[max(low, text.rfind("\n", low, start) + 1):start]
    if NOT_A_DAY_BEFORE.search(before):
        return False
    previous = re.search(r"(\S+)\s+$", before)
    if text[start:end].split()[0].lower() in (ON, DAY):
        previous = None  # "pada hari Senin" names a day whatever comes before it
    if previous and previous.group(1)[:1].isupper() and not previous.group(1).lower() in WEEKDAY_WORDS \
            and not re.search(r"[.!?:\"“”]$", previous.group(1)):
        return False  # a capitalised word before it, mid-sentence: part of a name
    opened = before.rfind("(")
    after = text[end:end + CONTEXT].split("\n", 1)[0]
    return not (opened > before.rfind(")") and ")" in after)


def _before_in_sentence(text: str, start: int) -> str:
    """The text from the start of an expression's sentence (approximately: a full stop or line break) to it,
    at most CONTEXT characters."""
    low = max(0, start - CONTEXT)
    return text[max(low, text.rfind(". ", low, start) + 1, text.rfind("\n", low, start) + 1):start]


def is_planned(text_before: str) -> bool:
    """Reported future: the words before a date say "akan mengunjungi … pada 19 dan 20 Juni", "dijadwalkan"…"""
    return bool(FUTURE.search(text_before))


@lru_cache(maxsize=512)  # reference_dates and find_dates both scan each text
def scan(text: str, today: date) -> tuple[dict, ...]:
    """Every date expression in a text: kind, span and the parts the patterns captured (not yet resolved)."""
    taken = bytearray(len(text))  # 1 where an earlier match sits: overlap checks stay linear
    found = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end or any(taken[start:end]):
                continue
            parts = {k: v for k, v in match.groupdict().items() if v}
            if kind == "numeric" and not (1 <= int(parts["day"]) <= 31 and 1 <= int(parts["month"]) <= 12):
                continue
            if kind == "weekday_week" and not parts.keys() & {"soon", "unit", "next"}:
                continue
            if kind == "weekday" and not _is_a_day(text, start, end):
                continue
            if kind == "month" and not (parts.keys() & {"lead", "year", "rel"}):
                continue
            if kind == "year" and not parts.get("lead") and not 1900 <= int(parts["year"]) <= today.year + 10:
                continue
            taken[start:end] = b"\x01" * (end - start)
            found.append({"kind": kind, "start": start, "end": end, "expression": _expression(text[start:end]),
                          "parts": parts, "planned": is_planned(_before_in_sentence(text, start))})
    return tuple(sorted(found, key=lambda item: item["start"]))


def _granularity(item: dict) -> str:
    """What an expression names, resolved or not: day, week, month, year or range."""
    kind, parts = item["kind"], item["parts"]
    if kind in ("day_range", "part_month", "weekday_range") or parts.get("part"):
        return "range"
    if kind in ("relative_span", "relative_count"):
        return TIME_UNITS[parts["unit"].lower()]
    return {"month": "month", "year": "year"}.get(kind, "day")


def _closest_year(month: int, day: int, reference: date, planned: bool, slack: int = 7) -> int | None:
    """The year of a year-less day that fits the reference date: on or before it, or after it when planned.

    `slack` days either way: news mentions tomorrow's date, and a plan may be
    reported the day after it began ("19 Juni lalu" has none).
    """
    candidates = [y for y in (reference.year - 1, reference.year, reference.year + 1) if valid_day(y, month, day)]
    if planned:
        later = [y for y in candidates if date(y, month, day) >= reference - timedelta(days=slack)]
        return min(later) if later else None
    earlier = [y for y in candidates if date(y, month, day) <= reference + timedelta(days=slack)]
    return max(earlier) if earlier else None


def _swapped(day: int, month: int, weekday: int, reference: date) -> date | None:
    """The month/day reading of a d/m date when it, and not d/m, falls on the weekday within 60 days of the reference."""
    for year in (reference.year, reference.year - 1, reference.year + 1):
        if valid_day(year, day, month):
            candidate = date(year, day, month)
            if candidate.weekday() == weekday and abs((candidate - reference).days) <= 60:
                return candidate
    return None


def _weekday_years(weekday: int, month: int, day: int, low: int, high: int) -> list[int]:
    return [y for y in range(low, high + 1) if valid_day(y, month, day) and date(y, month, day).weekday() == weekday]


# References that are the publication day itself; the others are inferred from the text.
PUBLISHED_SOURCES = ("metadata", "url", "html")


def _part_of_month(year: int, month: int, part: str) -> tuple[date, date]:
    """First and last day of awal (1-10), pertengahan/medio (11-20) or akhir (21-end) of a month."""
    first, last = PARTS_OF_MONTH[part.lower()]
    return date(year, month, first), date(year, month, last) if last < 28 else _month_end(year, month)


def _shift_month(day: date, months: int) -> tuple[int, int]:
    """Year and month `months` after (or before) the month of `day`."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return year, month + 1


def _week(reference: date, shift: int) -> date:
    """The Monday of the week `shift` weeks from the reference's week."""
    return reference - timedelta(days=reference.weekday()) + timedelta(weeks=shift)


def _found(start: date, end: date | None = None, granularity: str = "day", resolved_by: str = "",
           check: str = "") -> dict:
    return {"date": start, "end": end or start, "granularity": granularity, "resolved_by": resolved_by,
            "check": check}


def _weekday_check(start: date, weekday: int | None) -> str:
    return "" if weekday is None else ("ok" if start.weekday() == weekday else "weekday mismatch")


def _resolve_day(item: dict, reference: date | None, via: str, today: date) -> dict | None:
    """numeric "(13/8)", day_month "Kamis (13 Juni)", day_range "19 dan 20 Juni": year from the text,
    the reference, or the weekday."""
    kind, parts, planned = item["kind"], item["parts"], item["planned"]
    month = int(parts["month"]) if kind == "numeric" else _month(parts["month"])
    day = int(parts["day"])
    weekday = WEEKDAYS.get(parts.get("weekday", "").lower())

    def spanning(start: date, resolved_by: str, check: str) -> dict:
        if kind != "day_range":
            return _found(start, resolved_by=resolved_by, check=check)
        second = int(parts["day2"])
        end = date(start.year, month, second) if valid_day(start.year, month, second) else start
        return _found(start, end, "range", resolved_by, check)

    if parts.get("year"):
        year = _year(parts["year"])
        if not valid_day(year, month, day):
            return None
        start = parse_full_date(f"{day}/{month}/{year}") or date(year, month, day)
        return spanning(start, "explicit", _weekday_check(start, weekday))
    if reference is None:
        if weekday is None:
            return None
        years = _weekday_years(weekday, month, day, 1990, today.year)
        return spanning(date(years[-1], month, day), "weekday", "ok") if years else None
    ago = bool(parts.get("ago"))
    year = _closest_year(month, day, reference, planned and not ago, slack=0 if ago else 7)
    if year is None:
        return None
    start = date(year, month, day)
    check = _weekday_check(start, weekday)
    if check == "weekday mismatch":  # the weekday is evidence too: a year where both agree wins
        years = _weekday_years(weekday, month, day, reference.year - 1, reference.year + 1)
        if years:
            return _found(date(min(years, key=lambda y: abs(y - year)), month, day), resolved_by="weekday",
                          check="weekday fixed the year")
        swapped = _swapped(day, month, weekday, reference) if kind == "numeric" else None
        if swapped:  # "Sabtu (6/3)" in a June article about 3 June, a Saturday
            return _found(swapped, resolved_by=via, check="day and month swapped")
    return spanning(start, via, check)


def _resolve_month(item: dict, reference: date | None, via: str, today: date) -> dict | None:
    """month "Juni 2024", "September lalu" and part_month "akhir Juni": the month's year, then its days."""
    parts, planned = item["parts"], item["planned"]
    month = _month(parts["month"])
    rel = (parts.get("rel") or "").lower()
    if parts.get("year"):
        year, via = int(parts["year"]), "explicit"
    elif reference is None:
        return None
    elif rel in ("tahun lalu", "tahun depan"):
        year = reference.year + (1 if rel == "tahun depan" else -1)
    elif rel == "lalu":  # "September lalu": the last September before the reference
        year = reference.year if month < reference.month else reference.year - 1
    elif rel == "depan":
        year = reference.year if month > reference.month else reference.year + 1
    else:
        year = _closest_year(month, 1, reference.replace(day=1), planned)
        if year is None:
            return None
    if item["kind"] == "part_month":
        return _found(*_part_of_month(year, month, parts["part"]), "range", via)
    explicit = parse_full_date(f"{parts['month']} {year}") if via == "explicit" else None
    return _found(explicit or date(year, month, 1), _month_end(year, month), "month", via)


def _resolve_year(item: dict, reference: date | None, via: str, today: date) -> dict:
    year = int(item["parts"]["year"])
    return _found(date(year, 1, 1), date(year, 12, 31), "year", "explicit")


def _resolve_relative_span(item: dict, reference: date, via: str, today: date) -> dict:
    """"pekan lalu", "awal bulan depan", "tahun ini"."""
    parts = item["parts"]
    unit, shift, part = parts["unit"].lower(), WEEK_SHIFTS[parts["rel"].lower()], (parts.get("part") or "").lower()
    if unit in WEEK_WORDS:
        monday = _week(reference, shift)
        first, last = monday, monday + timedelta(days=6)
        if part == "awal":
            last = monday + timedelta(days=2)
        elif part == "akhir":
            first = monday + timedelta(days=4)
        return _found(first, last, "range" if part else "week", via)
    if unit == "bulan":
        year, month = _shift_month(reference, shift)
        if part:
            return _found(*_part_of_month(year, month, part), "range", via)
        return _found(date(year, month, 1), _month_end(year, month), "month", via)
    year = reference.year + shift
    return _found(date(year, 1, 1), date(year, 12, 31), "year", via)


def _resolve_relative_count(item: dict, reference: date, via: str, today: date) -> dict:
    """"tiga hari lalu", "dua pekan lagi", "5 tahun yang lalu"."""
    parts = item["parts"]
    count, unit = _number(parts["count"]), parts["unit"].lower()
    sign = -1 if parts["rel"].lower() in ("lalu", "yang lalu", "sebelumnya") else 1
    if unit == "hari":
        return _found(reference + timedelta(days=sign * count), resolved_by=via)
    if unit in WEEK_WORDS:
        monday = _week(reference + timedelta(weeks=sign * count), 0)
        return _found(monday, monday + timedelta(days=6), "week", via)
    if unit == "bulan":
        year, month = _shift_month(reference, sign * count)
        return _found(date(year, month, 1), _month_end(year, month), "month", via)
    year = reference.year + sign * count
    return _found(date(year, 1, 1), date(year, 12, 31), "year", via)


def _resolve_relative_day(item: dict, reference: date, via: str, today: date) -> dict:
    """"kemarin", "hari ini", "besok", "lusa"."""
    return _found(reference + timedelta(days=DAY_SHIFTS[item["parts"]["word"].lower()]), resolved_by=via)


def _resolve_weekday_range(item: dict, reference: date, via: str, today: date) -> dict:
    """"Senin sampai Kamis pekan depan"."""
    parts = item["parts"]
    monday = _week(reference, WEEK_SHIFTS[parts["rel"].lower()])
    return _found(monday + timedelta(days=WEEKDAYS[parts["weekday"].lower()]),
                  monday + timedelta(days=WEEKDAYS[parts["weekday2"].lower()]), "range", via)


def _resolve_weekday_week(item: dict, reference: date, via: str, today: date) -> dict:
    """"hari Kamis pekan depan", "Kamis mendatang", "besok Jumat"."""
    parts = item["parts"]
    weekday = WEEKDAYS[parts["weekday"].lower()]
    if parts.get("unit"):
        return _found(_week(reference, WEEK_SHIFTS[parts["rel"].lower()]) + timedelta(days=weekday), resolved_by=via)
    ahead = (weekday - reference.weekday()) % 7 or 7  # "Kamis mendatang" said on a Thursday: next week's
    return _found(reference + timedelta(days=ahead), resolved_by=via)


def _resolve_weekday(item: dict, reference: date, via: str, today: date) -> dict:
    """A bare weekday: the nearest such day before the reference (after it when planned)."""
    weekday = WEEKDAYS[item["parts"]["weekday"].lower()]
    back = (reference.weekday() - weekday) % 7
    ahead = (weekday - reference.weekday()) % 7
    if item["planned"]:
        offset = ahead
    elif via == "reference":
        offset = -back  # published after the day it reports
    else:
        offset = ahead if 0 < ahead < back else -back  # an inferred reference may be a day or two early
    return _found(reference + timedelta(days=offset), resolved_by=via)


# kind -> (resolver, whether it needs a reference date)
RESOLVERS = {
    "numeric": (_resolve_day, False), "day_month": (_resolve_day, False), "day_range": (_resolve_day, False),
    "part_month": (_resolve_month, False), "month": (_resolve_month, False), "year": (_resolve_year, False),
    "relative_span": (_resolve_relative_span, True), "relative_count": (_resolve_relative_count, True),
    "relative_day": (_resolve_relative_day, True), "weekday_range": (_resolve_weekday_range, True),
    "weekday_week": (_resolve_weekday_week, True), "weekday": (_resolve_weekday, True),
}


def resolve(item: dict, reference: date | None, source: str, today: date) -> dict:
    """Date, end, granularity, resolved_by and check for one scanned expression.

    resolved_by: explicit (the expression is a full date or year), weekday (the
    weekday fixed the year), reference (computed from the published date),
    inferred (computed from a reference date inferred from the article), or
    unresolved (no reference date: said so, never guessed).
    """
    resolver, needs_reference = RESOLVERS[item["kind"]]
    unresolved = {"date": None, "end": None, "granularity": _granularity(item), "resolved_by": "unresolved",
                  "check": ""}
    if needs_reference and reference is None:
        return unresolved
    if item["parts"].get("year") and _year(item["parts"]["year"]) < 1:  # "01/01/0000" in a template: no day
        return unresolved
    found = resolver(item, reference, "reference" if source in PUBLISHED_SOURCES else "inferred", today)
    return found or unresolved


TERM_SLACK = timedelta(days=31)
# Softly, a candidate year is kept within this window around the latest year the text names: an article
# names its own year or the last, and sometimes the next few ("Asian Games 2018", "Pemilu 2019").
NAMED_YEAR_WINDOW = (-1, 2)
NAME_BEFORE_OFFICE_YEARS = 5  # a person is named in the news years before first taking office  # a title may be used a little before or after a term's exact days
NOT_IN_OFFICE_BEFORE = re.compile(rf"\b(?:{alternation(NOT_IN_OFFICE)})\s+$", re.I)
_YEAR_IN_SENTENCE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
class _Term(NamedTuple):
    office: str
    person: str
    start: date
    end: date


@lru_cache(maxsize=1)
def _officeholders() -> tuple[dict[str, list[_Term]], re.Pattern, re.Pattern]:
    """Terms by folded name (person and aliases), a pattern for "title ... name", and one for full names."""
    table = read_csv("officeholders.csv", commented=True)
    terms: dict[str, list[_Term]] = defaultdict(list)
    for row in table.itertuples(index=False):
        term = _Term(row.office, row.person, date.fromisoformat(row.start),
                     date.fromisoformat(row.end) if row.end else date.max)
        for name in {row.person, *filter(None, row.aliases.split("|"))}:
            terms[name.casefold()].append(term)
    names = "|".join(re.escape(name) for name in sorted({t.person for ts in terms.values() for t in ts} |
                                                        set(_aliases(table)), key=len, reverse=True))
    titles = "|".join(f"(?P<{office}>{pattern})" for office, pattern in OFFICE_TITLES.items())
    titled = re.compile(rf"(?<![\w-])(?:{titles})(?:\s+[A-Z][\w.'’-]*){{0,3}}?\s+(?P<name>{names})(?![\w-])")
    full_names = "|".join(re.escape(name) for name in sorted(
        {name for name in [*table["person"], *_aliases(table)] if " " in name}, key=len, reverse=True))
    return dict(terms), titled, re.compile(rf"(?<![\w-])(?:{full_names})(?![\w-])")


def _aliases(table: pd.DataFrame) -> list[str]:
    return [alias for aliases in table["aliases"] for alias in aliases.split("|") if alias]


def officeholder_evidence(text: str) -> tuple[list[tuple[str, list[tuple[date, date]]]], list[tuple[str, date]]]:
    """What the officeholders named in a text say about when it was written.

    Returns:
        titled: ("Presiden Donald Trump", the spans of that person's terms in that office, widened by
            TERM_SLACK) for each name written after its office's title and not after "mantan", "calon" ...;
            the article falls inside one of the spans.
        named: (full name, the day the person first took any listed office) for each full name: a
            soft lower bound only, since a former officeholder is still named.
    """
    terms, titled_pattern, named_pattern = _officeholders()
    titled, named = [], []
    for match in titled_pattern.finditer(text):
        office = next(office for office in OFFICE_TITLES if match.group(office))
        if NOT_IN_OFFICE_BEFORE.search(text[max(0, match.start() - 20):match.start()]):
            continue
        sentence = text[text.rfind(". ", 0, match.start()) + 1:(text.find(". ", match.end()) + 1) or len(text)]
        if _YEAR_IN_SENTENCE.search(sentence):
            continue  # "Presiden SBY memberikannya grasi ... pada tahun 2012": the title is of that year
        spans = [(t.start - TERM_SLACK, min(t.end, date.max - TERM_SLACK) + TERM_SLACK)
                 for t in terms[match["name"].casefold()] if t.office == office]
        if spans:
            titled.append((" ".join(match.group().split()), spans))
    for match in named_pattern.finditer(text):
        first = min(t.start for t in terms[match.group().casefold()])
        named.append((match.group(), first))
    return titled, named


def today_in_key(today: date, modified: str) -> str:
    """What of `today` an article's dates depend on, for the store key: its year (no date is read after
    it), and the day itself only where the file has no modification day on or before it (then today is the
    latest its reference date may be)."""
    written = parse_published(modified)
    return today.isoformat() if written is None or written > today else str(today.year)


def reference_dates(articles: pd.DataFrame, *, today: date | None = None) -> pd.DataFrame:
    """Each article's reference date, from the strongest evidence it has.

    In order: metadata.csv's published date; a date in the article's URL
    (`url_date`); an HTML file's own date metadata; else inferred from the
    text (`infer_reference`: full dates; weekday + date pairs, narrowed by the
    officeholders the text names with their titles, the years it names and the
    file's modification day). An inferred date that more than one candidate
    fits is the likeliest, flagged ambiguous, with the others listed.

    Args:
        articles: the cleaned articles.
        today: the day the analysis runs (default: the current day); no date after it is inferred.

    Returns:
        doc_id, reference (ISO date or ''), source (metadata | url | html | text |
        inferred | unknown), evidence (in words), ambiguous, candidates (the other
        dates considered, ISO).
    """
    column = lambda name: articles[name] if name in articles else pd.Series([""] * len(articles))  # noqa: E731
    today = today or date.today()
    rows = []
    for doc_id, text, published, kind, url, modified in zip(
            articles["doc_id"], articles["text"], column("published"), column("published_source"), column("url"),
            column("modified")):
        given = parse_published(published)
        from_url = url_date(url, today)
        if given and kind != "html":
            rows.append([doc_id, given.isoformat(), "metadata", f"published {published}", False, []])
        elif from_url:
            rows.append([doc_id, from_url.isoformat(), "url", f"the date in the URL {url}", False, []])
        elif given:
            rows.append([doc_id, given.isoformat(), "html", f"the HTML page's date metadata: {published}", False, []])
        else:
            rows.append([doc_id, *infer_reference(text, parse_published(modified), today=today)])
    return pd.DataFrame(rows, columns=REFERENCE_COLUMNS)


def _day_month(item: dict) -> tuple[int, int]:
    month = int(item["parts"]["month"]) if item["kind"] == "numeric" else _month(item["parts"]["month"])
    return month, int(item["parts"]["day"])


class Reference(NamedTuple):
    """An article's reference date, as the references table holds it."""

    reference: str  # ISO, or '' when unknown
    source: str  # metadata | url | html | text | inferred | unknown
    evidence: str  # in words
    ambiguous: bool
    candidates: list[str]  # the other dates that fit, ISO


@dataclass
class _Candidates:
    """Candidate reference days by year, narrowed step by step, and the evidence for each step."""

    by_year: dict[int, date]
    evidence: list[str]

    def narrow(self, keep, reason: str, *, hard: bool) -> None:
        """Keep the candidates keep(year, day) accepts, when any is left; a hard reason that leaves none is said."""
        kept = {year: day for year, day in self.by_year.items() if keep(year, day)}
        if kept and kept != self.by_year:
            self.evidence.append(f"{reason}: {_years_text(kept)}")
            self.by_year = kept
        elif not kept and hard:
            self.evidence.append(f"{reason} fits none of them; not used")


def infer_reference(text: str, modified: date | None = None, *, today: date) -> Reference:
    """The reference date a text implies.

    A weekday + date pair ("Senin (22/8)") fits one year in five, six or eleven,
    so the candidates are the years in which every pair of the text agrees, each
    giving the latest day the text reports in that year. They are narrowed:
    to the terms of officeholders named with their title ("Presiden AS Donald
    Trump"), never after the file's modification day (nor today), and softly (only
    while a candidate is left) to no earlier than the latest full date the text
    reports or than a few years before the first term of a person it names, and
    to NAMED_YEAR_WINDOW around the latest year it names. One candidate left: it is
    the reference, unless the window alone left it and it is not that year or the
    next (then the candidates before the window stay, flagged ambiguous). Several:
    the one nearest the latest year the text names (else the latest), flagged
    ambiguous. Without such a pair, the latest full date the text reports is the
    reference (source text), flagged ambiguous: the article is from that day or
    later, but a full date is as often a past event as the day of the news.
    """
    latest = min(filter(None, [modified, today]))
    items = scan(text, today)
    full = _full_dates(items, latest, today)
    pairs = [item for item in items if item["kind"] in ("numeric", "day_month") and item["parts"].get("weekday")
             and not item["parts"].get("year")]
    titled, named = officeholder_evidence(text)
    if not pairs:
        return _from_full_dates(full, titled)
    shown = ", ".join(dict.fromkeys(repr(item["expression"]) for item in pairs[:3]))
    years = _agreeing_years(pairs, latest)
    if not years:
        return Reference("", "unknown", f"the weekdays and dates in the text ({shown}) agree on no year", False, [])
    candidates = _Candidates(_latest_day_per_year(items, pairs, years, latest), [])
    candidates.evidence.append(f"weekday + date ({shown}) fits {_years_text(candidates.by_year)}")
    if not candidates.by_year:
        return Reference("", "unknown", candidates.evidence[0] + f", none on or before {latest.isoformat()}",
                         False, [])
    _narrow_by_evidence(candidates, titled, named, full)
    named_years = sorted({_year(item["parts"]["year"]) for item in items if item["parts"].get("year")
                          and not item["planned"] and EARLIEST_YEAR <= _year(item["parts"]["year"]) <= latest.year})
    return _pick(candidates, named_years)


def _full_dates(items, latest: date, today: date) -> list[tuple[date, str]]:
    """(day, expression) of each full date the text reports as past, on or before latest."""
    full = []
    for item in items:
        if item["kind"] in ("numeric", "day_month") and item["parts"].get("year") and not item["planned"]:
            resolved = resolve(item, None, "unknown", today)
            if resolved["date"] and EARLIEST_YEAR <= resolved["date"].year and resolved["date"] <= latest:
                full.append((resolved["date"], item["expression"]))
    return full


def _from_full_dates(full: list[tuple[date, str]], titled) -> Reference:
    """With no weekday + date pair: the latest full date the text reports (ambiguous), else unknown."""
    if full:
        day, expression = max(full)
        return Reference(day.isoformat(), "text", f"no weekday with a date; the latest full date in the text, "
                         f"{expression!r}: the article is from that day or later", True, [])
    note = "; ".join(f"{name!r} narrows it to {_spans_text(spans)}" for name, spans in titled)
    return Reference("", "unknown", "no published date, URL date, full date or weekday with a date in the text"
                     + (f"; {note}" if note else ""), False, [])


def _agreeing_years(pairs, latest: date) -> set[int]:
    """The years in which the first weekday + date pair falls on its weekday and every other pair on its own,
    near the first ("Rabu (31/12)", "Jumat (2/1)": across New Year)."""
    anchor_month, anchor_day = _day_month(pairs[0])
    years = set()
    for year in _weekday_years(WEEKDAYS[pairs[0]["parts"]["weekday"].lower()], anchor_month, anchor_day,
                               EARLIEST_YEAR, latest.year):
        anchor = date(year, anchor_month, anchor_day)
        if all(_near_day(item, anchor) and _near_day(item, anchor).weekday() == WEEKDAYS[item["parts"]["weekday"].lower()]
               for item in pairs[1:]):
            years.add(year)
    return years


def _latest_day_per_year(items, pairs, years: set[int], latest: date) -> dict[int, date]:
    """For each year, the latest year-less day the text reports as past (or a pair names), on or before latest."""
    anchor_month, anchor_day = _day_month(pairs[0])
    by_year = {}
    for year in sorted(years):
        anchor = date(year, anchor_month, anchor_day)
        days = [_near_day(item, anchor) for item in items
                if item["kind"] in ("numeric", "day_month") and not item["parts"].get("year")
                and (not item["planned"] or item in pairs)]
        days = [day for day in days if day and day <= latest]
        if days:
            by_year[year] = max(days)
    return by_year


def _narrow_by_evidence(candidates: _Candidates, titled, named, full) -> None:
    """Narrow by titled officeholders' terms (hard), then softly by the latest full date and first terms."""
    for name, spans in titled:  # the title says the person held the office then
        candidates.narrow(lambda year, day: any(start <= day <= end for start, end in spans), repr(name), hard=True)
    if full:
        day, expression = max(full)
        candidates.narrow(lambda year, reported: year >= day.year, f"the text reports {expression!r}", hard=False)
    if named:
        name, first = max(named, key=lambda pair: pair[1])
        candidates.narrow(lambda year, day: year >= first.year - NAME_BEFORE_OFFICE_YEARS,
                          f"{name!r} first took office in {first.year}", hard=False)


def _pick(candidates: _Candidates, named_years: list[int]) -> Reference:
    """The candidate nearest the latest named year (else the latest); ambiguous when others are left.

    The latest year a text names is soft evidence: a pick in that year or the next is trusted; a pick the
    window kept further off (a year before it, two after) stays ambiguous among the candidates before it.
    """
    before_window = dict(candidates.by_year)
    if named_years:
        low, high = (named_years[-1] + offset for offset in NAMED_YEAR_WINDOW)
        candidates.narrow(lambda year, day: low <= year <= high,
                          f"the latest year the text names is {named_years[-1]}", hard=False)
    nearest = (lambda year: (abs(year - named_years[-1]), year)) if named_years else (lambda year: -year)
    picked = min(candidates.by_year, key=nearest)
    kept = before_window if named_years and not 0 <= picked - named_years[-1] <= 1 else candidates.by_year
    others = [day.isoformat() for year, day in sorted(kept.items()) if year != picked]
    if others:
        candidates.evidence.append(f"ambiguous: picked {picked}, " + (
            "the nearest to the latest year the text names" if named_years else "the latest"))
    candidates.evidence.append("the latest reported day of that year")
    return Reference(candidates.by_year[picked].isoformat(), "inferred", "; ".join(candidates.evidence),
                     bool(others), others)


def _near_day(item: dict, anchor: date) -> date | None:
    """A year-less day-month placed in the year that puts it nearest the anchor day (None: no such day)."""
    month, day = _day_month(item)
    options = [date(year, month, day) for year in (anchor.year - 1, anchor.year, anchor.year + 1)
               if valid_day(year, month, day)]
    return min(options, key=lambda option: abs((option - anchor).days)) if options else None


def _years_text(candidates) -> str:
    years = sorted(candidates)
    if not years:
        return "no year"
    return f"the year {years[0]}" if len(years) == 1 else "the years " + ", ".join(map(str, years))


def _spans_text(spans: list[tuple[date, date]]) -> str:
    return " or ".join(f"{(start + TERM_SLACK).year}-{'' if end.year > 9000 else (end - TERM_SLACK).year}"
                       for start, end in spans)


def find_dates(articles: pd.DataFrame, references: pd.DataFrame | None = None, *,
               today: date | None = None) -> pd.DataFrame:
    """Every date expression in the articles, resolved against each article's reference date.

    Args:
        articles: the cleaned articles (doc_id, text, published).
        references: from `reference_dates` (computed when not given).
        today: the day the analysis runs (default: the current day).

    Returns:
        doc_id, start_char, end_char, expression, date and end (ISO, '' when
        unresolved), granularity (day | week | month | year | range),
        resolved_by (explicit | weekday | reference | inferred | unresolved) and
        check (a weekday + date pair: ok, weekday mismatch, weekday fixed the year,
        day and month swapped),
        planned (a future word such as "akan" comes before it in its sentence),
        ambiguous (its date rests on an ambiguous reference, or on a weekday that
        several years fit).
    """
    today = today or date.today()
    references = reference_dates(articles, today=today) if references is None else references
    by_doc = {row.doc_id: (date.fromisoformat(row.reference) if row.reference else None, row.source,
                           bool(row.ambiguous)) for row in references.itertuples(index=False)}
    rows = []
    for doc_id, text in zip(articles["doc_id"], articles["text"]):
        reference, source, uncertain = by_doc.get(doc_id, (None, "unknown", False))
        for item in scan(text, today):
            resolved = resolve(item, reference, source, today)
            ambiguous = resolved["resolved_by"] in ("inferred", "weekday") and (uncertain or reference is None)
            rows.append([doc_id, item["start"], item["end"], item["expression"], _iso(resolved["date"]),
                         _iso(resolved["end"]), resolved["granularity"], resolved["resolved_by"], resolved["check"],
                         item["planned"], ambiguous])
    return pd.DataFrame(rows, columns=DATE_COLUMNS)


def dates_to_settle(references: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """The articles whose reference date is ambiguous or unknown, and what would settle it.

    Returns:
        doc_id, file (when `articles` gives paths), reference, source, candidates, evidence, settle.
    """
    chosen = references[references["ambiguous"] | (references["source"] == "unknown")]
    files = dict(zip(articles["doc_id"], articles["path"].map(lambda path: Path(path).name))) \
        if articles is not None and "path" in articles else {}
    return pd.DataFrame({
        "doc_id": chosen["doc_id"], "file": chosen["doc_id"].map(lambda doc: files.get(doc, "")),
        "reference": chosen["reference"], "source": chosen["source"], "candidates": chosen["candidates"],
        "evidence": chosen["evidence"],
        "settle": [f"a published date for {files.get(doc) or doc} in metadata.csv (or its url, if the URL "
                   "carries the date)" for doc in chosen["doc_id"]],
    }).reset_index(drop=True)


def stance_labels(cues: pd.DataFrame) -> dict[tuple[str, int], list[str]]:
    """"speaker category target" of each cue ("?" for an unknown speaker), by (doc_id, sent_id)."""
    labels: dict[tuple, list] = defaultdict(list)
    for cue in cues.itertuples(index=False):
        labels[(cue.doc_id, cue.sent_id)].append(
            " ".join(part for part in (cue.speaker or "?", cue.category, cue.target) if part))
    return labels


def timeline(articles: pd.DataFrame, mentions: pd.DataFrame, cues: pd.DataFrame, sentences: pd.DataFrame,
             dates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The events table: one row per dated sentence, with its entities and stance cues.

    The sentence's first resolved date expression dates it (its first one when
    none resolved). planned marks reported future ("akan mengunjungi … pada 19
    dan 20 Juni"): a future word before the date in its sentence.

    Returns:
        doc_id, sent_id, date, end, granularity, expression, resolved_by, planned,
        ambiguous (dated against an ambiguous reference: see `find_dates`),
        entities (a list of canonical names, in order of appearance), sentence,
        stance (a list: `stance_labels` of the sentence's cues).
    """
    dates = find_dates(articles) if dates is None else dates
    dates_by_doc: dict[str, list] = defaultdict(list)
    for row in dates.itertuples(index=False):
        dates_by_doc[row.doc_id].append(row)
    for found in dates_by_doc.values():
        found.sort(key=lambda row: row.start_char)  # stable: the dates table's order (doc_id, start_char)
    starts_by_doc = {doc_id: [row.start_char for row in found] for doc_id, found in dates_by_doc.items()}
    entities_by_sentence: dict[tuple, list] = defaultdict(list)
    for doc_id, sent_id, entity in zip(mentions["doc_id"], mentions["sent_id"], mentions["entity"]):
        if entity:
            entities_by_sentence[(doc_id, sent_id)].append(entity)
    labels = stance_labels(cues)
    rows = []
    for sentence in sentences.itertuples(index=False):
        starts = starts_by_doc.get(sentence.doc_id, [])  # bisection: an article of many sentences stays linear
        inside = dates_by_doc.get(sentence.doc_id, [])[bisect_left(starts, sentence.start_char):
                                                        bisect_left(starts, sentence.end_char)]
        if not inside:
            continue
        chosen = next((d for d in inside if d.date), inside[0])
        key = (sentence.doc_id, sentence.sent_id)
        rows.append([sentence.doc_id, sentence.sent_id, chosen.date, chosen.end, chosen.granularity,
                     chosen.expression, chosen.resolved_by, bool(chosen.planned), bool(chosen.ambiguous),
                     list(dict.fromkeys(entities_by_sentence.get(key, ()))), sentence.text, labels.get(key, [])])
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def filter_events(events: pd.DataFrame, *, entities=None, start: str | None = None, end: str | None = None,
                  dated_only: bool = False, hide_ambiguous: bool = False) -> pd.DataFrame:
    """Events naming any of the entities, and overlapping [start, end] (ISO dates; None: open).

    An unresolved event (no date) is kept only when no date range is given and dated_only is False;
    hide_ambiguous drops events dated against an ambiguous reference.
    """
    keep = pd.Series(True, index=events.index)
    if hide_ambiguous:
        keep &= ~events["ambiguous"]
    if entities:
        wanted = set(entities)
        keep &= events["entities"].map(lambda names: bool(wanted.intersection(names)))
    if start or end or dated_only:
        keep &= events["date"] != ""
    if start:
        keep &= events["end"].where(events["end"] != "", events["date"]) >= start
    if end:
        keep &= events["date"] <= end
    return events[keep]
