"""Load a folder, a file or a list of them into the articles table and a load report."""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, NamedTuple

import dateparser
from htmldate.extractors import COMPLETE_URL
import pandas as pd

from korwatch_utils.tables import columns

ARTICLE_COLUMNS = columns("articles")
REPORT_COLUMNS = columns("load_report")
METADATA_FILE = "metadata.csv"
METADATA_FIELDS = ("published", "outlet", "url", "title")
# Files an input folder may hold beside the articles; they configure a run and are not articles.
SIDECAR_FILES = {METADATA_FILE, "aliases.csv", "boilerplate.csv", "outlets.csv"}
TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
DEFAULT_MAX_BYTES = 5_000_000

_BOMS = [  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
]
_MAGIC = {
    b"%PDF": "PDF", b"PK\x03\x04": "ZIP/Office", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF", b"\x7fELF": "executable", b"\x1f\x8b": "gzip", b"\xd0\xcf\x11\xe0": "MS Office (OLE)",
}
# The shipped `source_line` rule's line, read before cleaning so that a site's repeated lines can be grouped
# by its URL; [^\S\n] keeps each try on one line (a \s* from every line start is quadratic in blank lines).
_SOURCE_URL = re.compile(r"^[^\S\n]*(?:Sumber|Source)[^\S\n]*:[^\S\n]*(https?://\S+)[^\S\n]*\|?[^\S\n]*$",
                         re.IGNORECASE | re.MULTILINE)


class LoadResult(NamedTuple):
    """The articles table and one report row per input file."""

    articles: pd.DataFrame
    report: pd.DataFrame


class SkipFile(Exception):
    """An input file that cannot become an article; the message is the reason."""


def load_articles(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadResult:
    """Load articles from a folder (recursively), a file, or a list of either.

    Reads .txt, .md, .html and .htm. A metadata.csv beside the files fills
    published/outlet/url/title; a "Sumber: URL" line fills an empty url.
    Nothing is dropped silently: every input appears in the report as
    loaded, skipped (with the reason) or metadata.

    Args:
        paths: a folder, a file, or a list of folders and files.
        max_bytes: files larger than this are skipped.

    Returns:
        LoadResult(articles, report); articles.text is the text as loaded
        (cleaning happens in `korwatch_utils.text.cleaning.clean`).

    Raises:
        FileNotFoundError: a path given by the caller does not exist.

    Example:
        >>> articles, report = load_articles("seeds")
        >>> report.status.value_counts()
    """
    files, report_rows = _input_files([paths] if isinstance(paths, (str, os.PathLike)) else paths)
    sidecars: dict[Path, dict[str, dict]] = {}
    for folder in sorted({path.parent for path in files}):  # a file given alone still gets its folder's metadata
        sidecars[folder], problems = _read_sidecar(folder / METADATA_FILE)
        report_rows.extend(problems)
    rows: list[dict] = []
    seen_hashes: dict[str, str] = {}
    used_ids: set[str] = set()
    for path in files:
        if path.name == METADATA_FILE:
            continue  # read above, with its folder
        if path.name in SIDECAR_FILES:
            report_rows.append(_report(path, "", "sidecar", "configuration file, not an article"))
            continue
        doc_id = _unique_doc_id(path, used_ids)
        record, skipped = _read_new_article(path, doc_id, seen_hashes, max_bytes=max_bytes)
        if skipped:
            report_rows.append(_report(path, doc_id, "skipped", skipped))
            continue
        used_ids.add(doc_id)
        _fill_metadata(record, sidecars.get(path.parent, {}).get(path.name, {}))
        rows.append({"doc_id": doc_id, "path": str(path), **record})
        report_rows.append(_report(path, doc_id, "loaded", ""))

    articles = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    articles["n_chars"] = articles["n_chars"].astype("int64")
    report = pd.DataFrame(report_rows, columns=REPORT_COLUMNS)
    return LoadResult(articles.reset_index(drop=True), report.reset_index(drop=True))


def _input_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[dict]]:
    """Every file the given folders (walked) and files name, and a report row for each folder problem."""
    files: list[Path] = []
    problems: list[dict] = []
    for given in map(Path, paths):
        if not given.exists() and not given.is_symlink():
            raise FileNotFoundError(f"no such file or folder: {given}")
        if given.is_dir():
            found, trouble = _walk(given)
            files.extend(found)
            problems.extend(trouble)
        else:
            files.append(given)
    return files, problems


def _read_new_article(path: Path, doc_id: str, seen_hashes: dict[str, str], *, max_bytes: int) -> tuple[dict, str]:
    """The article's record and '', or {} and why it is skipped (unreadable, or the same text as one loaded)."""
    try:
        record = _read_article(path, max_bytes=max_bytes)
    except SkipFile as skip:
        return {}, str(skip)
    if record["sha256"] in seen_hashes:
        return {}, f"duplicate of {seen_hashes[record['sha256']]} (same text)"
    seen_hashes[record["sha256"]] = doc_id
    return record, ""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes, returning (text, encoding); never raises.

    Written by hand rather than with a charset detector: detectors guess
    wrongly on short Indonesian texts, while this cascade is deterministic.
    BOMs decide first; then strict UTF-8; then cp1252 (the usual legacy
    Windows encoding, a superset of latin-1's printable range); latin-1
    maps every byte and so ends the cascade.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def text_sha256(text: str) -> str:
    """Hash of the text with line endings unified, so re-encoded copies match."""
    return hashlib.sha256(_unify_newlines(text).encode("utf-8")).hexdigest()


def _walk(folder: Path) -> tuple[list[Path], list[dict]]:
    """Every file below folder, sorted; hidden files and folders are not inputs."""
    files, problems = [], []

    def on_error(error: OSError) -> None:
        problems.append(_report(Path(error.filename or folder), "", "skipped", f"unreadable folder: {error.strerror}"))

    for root, dirs, names in os.walk(folder, onerror=on_error, followlinks=False):
        linked = sorted(d for d in dirs if not d.startswith(".") and (Path(root) / d).is_symlink())
        # Linked folders are not followed: a link can loop back or leave the input folder.
        problems.extend(_report(Path(root) / d, "", "skipped", "symbolic link to a folder, not followed")
                        for d in linked)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in linked)
        for name in sorted(names):
            if not name.startswith("."):
                files.append(Path(root) / name)
    return files, problems


def _unique_doc_id(path: Path, used: set[str]) -> str:
    for candidate in (path.stem, path.name, str(path.with_suffix(""))):
        if candidate not in used:
            return candidate
    return str(path)


def _read_article(path: Path, *, max_bytes: int) -> dict:
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise SkipFile(f"unsupported file type '{suffix or '(none)'}' (korwatch reads .txt, .md, .html, .htm)")
    if path.is_symlink() and not path.exists():
        raise SkipFile("broken symbolic link")
    try:
        size = path.stat().st_size
        if size <= max_bytes:
            data = path.read_bytes()
    except FileNotFoundError:
        raise SkipFile("file vanished before it could be read") from None
    except OSError as error:
        raise SkipFile(f"unreadable: {error.strerror or error}") from None
    if size > max_bytes:
        raise SkipFile(f"file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB limit)")
    if not data.strip():
        raise SkipFile("empty file")
    kind = _binary_kind(data)
    if kind:
        raise SkipFile(f"binary file ({kind}), not text")
    text, encoding = decode_bytes(data)
    text = _unify_newlines(text)
    if not text.strip():
        raise SkipFile("empty file")

    meta = {"title": "", "outlet": "", "url": "", "published": ""}
    if suffix in HTML_SUFFIXES:
        text, meta = _extract_html(text)
    elif suffix == ".md":
        text = _markdown_to_text(text)
    return {
        **meta,
        "published_source": "html" if meta["published"] else "",
        "modified": _modified_day(path),
        "dateline": "",
        "cleaning_note": "",
        "lang": "",
        "text": text,
        "n_chars": len(text),
        "sha256": text_sha256(text),
        "encoding": encoding,
        "raw_text": text,
    }


def _modified_day(path: Path) -> str:
    """The file's modification day (ISO): a file is written after its article appeared, so an upper bound."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).date().isoformat()  # the local day the file was written
    except (OSError, ValueError, OverflowError):
        return ""


def _binary_kind(data: bytes) -> str:
    """Name the kind of a binary file, or '' for text."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return ""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            return kind
    head = data[:8192]
    if b"\x00" in head:
        return "contains NUL bytes"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return "mostly control characters" if controls > len(head) * 0.1 else ""


def _extract_html(html: str) -> tuple[str, dict]:
    import trafilatura  # imported lazily: it loads slowly and text files do not need it

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False)
    if doc is None or not (doc.text or "").strip():
        raise SkipFile("HTML page with no article text that trafilatura could find")
    meta = {
        "title": doc.title or "",
        "outlet": doc.sitename or "",
        "url": doc.url or "",
        "published": doc.date or "",
    }
    return _unify_newlines(doc.text), meta


_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+", re.MULTILINE)
# Emphasis spans at most 300 characters: an unclosed "**" would otherwise be searched to the line's end
# from every later "**", quadratic in a long line.
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)([^\n]{1,300}?)(?<=\S)\1")


def _markdown_to_text(text: str) -> str:
    """Drop the Markdown markup that would otherwise reach NER (headings, links, images, bold).

    A Markdown library would render HTML we then strip again; these four
    patterns cover what news exports use, and leave everything else as written.
    """
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    return _MD_EMPHASIS.sub(r"\2", text)


EARLIEST_YEAR = 1990  # no publication or reference date is read before this year


def valid_day(year: int, month: int, day: int) -> bool:
    """Whether year-month-day is a day of the calendar."""
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


# URL dates in forms htmldate's Y/M/D pattern does not read: cnnindonesia's 14 digits before the
# article number ("/20160823205431-..."), rimanews' "/read/20170406/", republika's "/17/09/18/" (yy/mm/dd).
URL_DATE_PATTERNS = [
    re.compile(r"/(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)\d{6}-\d"),
    re.compile(r"/read/(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)/"),
    re.compile(r"republika\.co\.id/berita/.*?/(?P<year>\d\d)/(?P<month>[01]\d)/(?P<day>[0-3]\d)/"),
]


def url_date(url: str, today: date | None = None) -> date | None:
    """The publication day an article's URL carries, if any (none after today, default the current day).

    htmldate's URL reader covers "/2016/08/31/", "/2017-09-18/" (suara, poskotanews,
    kompas, detik, tempo, okezone, tribunnews ...); URL_DATE_PATTERNS adds the
    compact forms of cnnindonesia, rimanews and republika.
    """
    if not isinstance(url, str) or not url.strip():
        return None
    candidates = [match.groups() for match in [COMPLETE_URL.search(url)] if match]
    for pattern in URL_DATE_PATTERNS:
        match = pattern.search(url)
        if match:
            year = match["year"]
            candidates.append((year if len(year) == 4 else f"20{year}", match["month"], match["day"]))
    for year, month, day in candidates:
        if valid_day(int(year), int(month), int(day)) and EARLIEST_YEAR <= int(year) <= (today or date.today()).year:
            return date(int(year), int(month), int(day))
    return None


def parse_full_date(expression: str) -> date | None:
    """A full date read by dateparser ("13 Juni 2024", "24/10/2024", "Juli 2000" gives its first day)."""
    parsed = dateparser.parse(expression, languages=["id"],
                              settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first",
                                        "REQUIRE_PARTS": ["year"]})
    return parsed.date() if parsed else None


def parse_published(value) -> date | None:
    """A published date as metadata gives it: ISO first, else any full date dateparser reads; None if neither."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return parse_full_date(value)


class Sidecar(NamedTuple):
    """A folder's metadata.csv: the usable values keyed by file name, and a report row per unusable value."""

    by_file: dict[str, dict]
    problems: list[dict]


def _read_sidecar(path: Path) -> Sidecar:
    """Read a metadata.csv; every value that cannot be used becomes a report row, and nothing else is lost."""
    if not path.is_file():
        return Sidecar({}, [])

    def problem(line: int | None, field: str, value: str, why: str) -> dict:
        where = f"line {line}: " if line else ""
        return _report(path, "", "metadata", where + why, field=field, value=value)

    try:
        text, _ = decode_bytes(path.read_bytes())
        reader = csv.DictReader(io.StringIO(_unify_newlines(text)))
        rows = list(reader)
        header = reader.fieldnames or []
    except (OSError, csv.Error) as error:
        return Sidecar({}, [problem(None, "", "", f"unreadable, ignored: {error}")])
    if not header:
        return Sidecar({}, [_report(path, "", "sidecar", "metadata file is empty")])
    if "file" not in header:
        return Sidecar({}, [problem(1, "file", "", "no 'file' column, so no row can be matched to an article; "
                                                    "the file is ignored")])
    problems = [_report(path, "", "sidecar", f"metadata for {len(rows)} rows")]
    problems += [problem(1, column or "(blank)", "", f"unknown column, ignored (korwatch reads file, "
                                                    f"{', '.join(METADATA_FIELDS)})")
                 for column in header if column not in ("file", *METADATA_FIELDS)]
    by_file: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        name = (row.get("file") or "").strip()
        if not name:
            problems.append(problem(line, "file", "", "row without a file name, ignored"))
            continue
        if row.get(None):  # DictReader's key for fields beyond the header's
            problems.append(problem(line, "file", name, f"{len(row[None])} more field(s) than the header has (a "
                                                        f"comma inside an unquoted value?), row ignored"))
            continue
        if Path(name).name != name:
            problems.append(problem(line, "file", name, "names a file with a folder; metadata.csv describes the "
                                                        "files beside it by name alone, row ignored"))
            continue
        if name in by_file:
            problems.append(problem(line, "file", name, f"duplicate row for this file, ignored (line "
                                                        f"{first_line[name]} is used)"))
            continue
        if not (path.parent / name).is_file():
            problems.append(problem(line, "file", name, "names no file in this folder, ignored"))
            continue
        values = {field: (row.get(field) or "").strip() for field in METADATA_FIELDS}
        if values["published"] and parse_published(values["published"]) is None:
            problems.append(problem(line, "published", values["published"],
                                    f"not a date korwatch can read; {name} is loaded without it"))
            values["published"] = ""
        by_file[name], first_line[name] = values, line
    return Sidecar(by_file, problems)


def _fill_metadata(record: dict, sidecar: dict) -> None:
    """Sidecar values win; values found in the file fill what the sidecar leaves empty."""
    for field in METADATA_FIELDS:
        if sidecar.get(field):
            record[field] = sidecar[field]
    if sidecar.get("published"):
        record["published_source"] = "metadata"
    if not record["url"]:
        match = _SOURCE_URL.search(record["text"])
        if match:
            record["url"] = match.group(1).rstrip(").,;|")
    if not record["published"]:
        record["published_source"] = "unknown"


def _report(path: Path, doc_id: str, status: str, reason: str, *, field: str = "", value: str = "") -> dict:
    return {"path": str(path), "doc_id": doc_id, "status": status, "reason": reason, "field": field, "value": value}


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
