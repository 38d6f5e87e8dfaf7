"""Normalise article text and remove boilerplate with named, recorded rules."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

import ftfy
import pandas as pd

from korwatch_utils.data import DATA_DIR
from korwatch_utils.tables import columns

REMOVED_COLUMNS = columns("removed")
PARAGRAPH_COLUMNS = columns("paragraphs")
ACTIONS = {"line", "rest", "inline", "comment"}
# Paragraphs shorter than this are too short for language identification to be reliable.
MIN_WORDS_FOR_LANG = 6
MALAY_MARGIN_PER_WORD = 1.0
MAX_TITLE_WORDS = 30

_QUOTES = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
})
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[^\S\n]+")
_LETTER_WORD = re.compile(r"[^\W\d_]+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_TITLE_KEY = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Rule:
    """One boilerplate rule from a rules file.

    action is one of: line (drop the line), rest (drop the line and all
    after it), inline (cut the matched fragment out of the line), comment
    (a comment's timestamp: drop it, its author line and all after it).
    A named group `url` in the pattern keeps the URL as article metadata.
    """

    rule: str
    action: str
    pattern: re.Pattern
    description: str = ""


class CleanResult(NamedTuple):
    """Cleaned articles, the removed lines and fragments, and every paragraph's fate."""

    articles: pd.DataFrame
    removed: pd.DataFrame
    paragraphs: pd.DataFrame


# --- normalisation: small str -> str steps ---------------------------------

def fix_mojibake(text: str) -> str:
    """Repair text that was decoded with the wrong codec ("donâ€™t" -> "don’t")."""
    return ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=False, normalization="NFC")


def normalize_quotes(text: str) -> str:
    """Replace typographic quotes and primes with their ASCII forms."""
    return text.translate(_QUOTES)


def normalize_whitespace(text: str) -> str:
    """Drop invisible characters, unify spaces, strip each line; line breaks stay."""
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def normalize(text: str) -> str:
    """fix_mojibake, then normalize_quotes, then normalize_whitespace."""
    return normalize_whitespace(normalize_quotes(fix_mojibake(text)))


# --- rules -------------------------------------------------------------------

def default_rules_path() -> Path:
    """The shipped rules file, korwatch_utils/data/boilerplate.csv."""
    return DATA_DIR / "boilerplate.csv"


def load_rules(*paths: str | os.PathLike | None) -> tuple[Rule, ...]:
    """Read rules files (CSV: rule, action, pattern, description), shipped ones first.

    Rules apply in file order; an analyst's file adds rules after the shipped ones.

    Raises:
        ValueError: a row has an unknown action or a pattern that does not compile.
    """
    rules: list[Rule] = []
    for path in (default_rules_path(), *[p for p in paths if p]):
        rules.extend(_read_rules(str(path)))
    return tuple(rules)


@lru_cache(maxsize=16)
def _read_rules(path: str) -> tuple[Rule, ...]:
    rules = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row_no, row in enumerate(csv.DictReader(handle), start=2):
            action = (row.get("action") or "").strip()
            if action not in ACTIONS:
                raise ValueError(f"{path}:{row_no}: action must be one of {sorted(ACTIONS)}, not {action!r}")
            try:
                pattern = re.compile(row["pattern"])
            except (re.error, TypeError) as error:
                raise ValueError(f"{path}:{row_no}: bad pattern for rule {row.get('rule')!r}: {error}") from None
            rules.append(Rule(row["rule"].strip(), action, pattern, (row.get("description") or "").strip()))
    return tuple(rules)


# --- language ------------------------------------------------------------------

def detect_language(text: str) -> str:
    """ISO 639-1 code of a paragraph (py3langid), or '' when it is too short to tell."""
    text = _URL.sub(" ", text)
    words = _LETTER_WORD.findall(text)
    if len(words) < MIN_WORDS_FOR_LANG:
        return ""
    from py3langid import langid  # loads its bundled model on first use

    ranked = langid.rank(text)
    best, best_score = ranked[0]
    if best == "ms":
        # py3langid confuses Indonesian news with Malay by a small margin
        # (measured on the seeds: < 0.4 log-prob per word), while real Malay
        # wins by about 2 per word; call the near ties Indonesian.
        indonesian = next(score for lang, score in ranked if lang == "id")
        if (best_score - indonesian) / len(words) < MALAY_MARGIN_PER_WORD:
            return "id"
    return best


# --- cleaning ------------------------------------------------------------------

def clean(articles: pd.DataFrame, *, rules: Iterable[Rule] | None = None) -> CleanResult:
    """Normalise each article and remove its boilerplate, recording every removal.

    Args:
        articles: the table from `load_articles` (raw_text is read, never changed).
        rules: rules to apply; default `load_rules()` (the shipped file).

    Returns:
        CleanResult(articles, removed, paragraphs). articles gets the cleaned
        text (paragraphs separated by a blank line), n_chars, lang, and title
        or url where the text supplied them. removed has one row per removed
        line or fragment. paragraphs has every non-blank input line with its
        language and the rule that removed it ('' when kept).

    Example:
        >>> cleaned = clean(load_articles("seeds").articles)
        >>> cleaned.removed.groupby("rule").size()
    """
    rules = tuple(rules) if rules is not None else load_rules()
    out = articles.copy()
    removed_rows: list[dict] = []
    paragraph_rows: list[dict] = []
    for index, article in articles.iterrows():
        doc = _clean_one(article, rules)
        out.at[index, "text"] = doc["text"]
        out.at[index, "n_chars"] = len(doc["text"])
        out.at[index, "lang"] = doc["lang"]
        for field in ("title", "url", "outlet"):
            if not article[field] and doc[field]:
                out.at[index, field] = doc[field]
        out.at[index, "dateline"] = doc["dateline"]
        removed_rows.extend({"doc_id": article["doc_id"], **row} for row in doc["removed"])
        paragraph_rows.extend({"doc_id": article["doc_id"], **row} for row in doc["paragraphs"])
    removed = pd.DataFrame(removed_rows, columns=REMOVED_COLUMNS)
    paragraphs = pd.DataFrame(paragraph_rows, columns=PARAGRAPH_COLUMNS)
    for table in (removed, paragraphs):
        table["line_no"] = table["line_no"].astype("int64")
    return CleanResult(out, removed, paragraphs)


def _clean_one(article: pd.Series, rules: tuple[Rule, ...]) -> dict:
    lines = normalize(article["raw_text"]).split("\n")
    verdict: dict[int, str] = {}  # line index -> rule that removed it
    kept_text: dict[int, str] = {}
    cuts: dict[int, list[dict]] = {}  # fragments cut out of lines; recorded only if the line stays
    url = ""
    cut_at = len(lines)
    seen_body = False
    for i, line in enumerate(lines):
        if i >= cut_at:
            break
        if not line:
            continue
        text = line
        for rule in rules:
            if rule.action == "inline":
                text, fragments = _cut_inline(text, rule)
                cuts.setdefault(i, []).extend({"line_no": i + 1, "text": f, "rule": rule.rule} for f in fragments)
        if not text:  # the inline cuts left nothing: the whole line goes under the first cut's rule
            verdict[i] = cuts[i][0]["rule"]
            continue
        rule, match = next(((r, m) for r in rules if r.action != "inline" and (m := r.pattern.search(text))),
                           (None, None))
        if rule is None:
            kept_text[i] = text
            seen_body = True
            continue
        verdict[i] = rule.rule
        if not url and "url" in rule.pattern.groupindex and match.group("url"):
            url = match.group("url").rstrip(").,;|")
        if rule.action == "rest" or (rule.action == "comment" and seen_body):
            if rule.action == "comment":
                author = _previous_nonblank(lines, i)
                if author is not None and author in kept_text and _looks_like_author(kept_text[author]):
                    del kept_text[author]
                    verdict[author] = rule.rule
            for j in range(i + 1, len(lines)):
                if lines[j]:
                    verdict[j] = rule.rule
            cut_at = i + 1

    title = _strip_title(article, lines, kept_text, verdict)
    dateline = outlet = ""
    if kept_text:  # the story's first line may open with a dateline ("Jakarta, CNN Indonesia --")
        first = min(kept_text)
        kept_text[first], dateline, outlet, fragment = split_dateline(kept_text[first])
        if fragment:
            cuts.setdefault(first, []).append({"line_no": first + 1, "text": fragment, "rule": "dateline"})
    removed = [{"line_no": i + 1, "text": lines[i], "rule": rule} for i, rule in verdict.items()]
    removed += [cut for i in kept_text for cut in cuts.get(i, [])]
    removed.sort(key=lambda row: row["line_no"])

    paragraphs, lang_chars = [], {}
    for i, line in enumerate(lines):
        if not line:
            continue
        lang = detect_language(kept_text.get(i, line))
        if i in kept_text and lang:
            lang_chars[lang] = lang_chars.get(lang, 0) + len(kept_text[i])
        paragraphs.append({"line_no": i + 1, "lang": lang, "rule": verdict.get(i, ""), "text": line})
    return {
        "text": "\n\n".join(kept_text[i] for i in sorted(kept_text)),
        "lang": max(sorted(lang_chars), key=lang_chars.get) if lang_chars else "",
        "title": title,
        "url": url,
        "dateline": dateline,
        "outlet": outlet,
        "removed": removed,
        "paragraphs": paragraphs,
    }


_PLACE = r"[A-Z][A-Za-z.'-]+(?:\s+[A-Z][A-Za-z.'-]+){0,2}"
_OUTLET = r"[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}"
_SITES = (r"[A-Z][A-Za-z0-9]+\.(?:com|co\.id|id|net|tv)|Rimanews|Okezone|Liputan6|Antaranews|Tribunnews|"
          r"Sindonews|Kumparan|Republika|Detik|Tempo|Kompas")
_DASH = r"(?:--|–|—|-)"
# An opening dateline or credit, written by hand: news sites put it before the first sentence in a
# handful of shapes, and no library reads Indonesian ones. Each names the place, the outlet or both.
DATELINES = [
    re.compile(rf"^(?P<place>{_PLACE})\s*,\s*(?P<outlet>{_OUTLET})\s*{_DASH}\s*"),  # Jakarta, CNN Indonesia --
    re.compile(rf"^(?P<place>{_PLACE})\s*\((?P<outlet>[^()\n]{{2,30}})\)\s*(?:{_DASH}|:)\s*"),  # London (ANTARA News) -
    # SEOUL: / BANGLADESH– / KABUL - (a plain hyphen needs spaces: "AS-Korsel sepakat" is no dateline)
    re.compile(rf"^(?P<place>[A-Z][A-Z.'-]*[A-Z.](?:\s+[A-Z][A-Z.'-]+){{0,2}})(?:\s*(?:--|–|—|:)\s*|\s+-\s+)"),
    re.compile(rf"^(?P<outlet>{_SITES})\s*{_DASH}\s*(?=[A-Z\"“])"),  # Suara.com-, Rimanews-
    re.compile(r"^\((?P<outlet>Antara|ANTARA|Reuters|AFP|AP|Xinhua|Yonhap)\)\s*(?:--|–|—|-)?\s*"),  # (Antara)
]


def split_dateline(line: str) -> tuple[str, str, str, str]:
    """The first body line without its dateline: (rest, place, outlet, the dateline as written).

    "Jakarta, CNN Indonesia -- Presiden ..." gives ("Presiden ...", "Jakarta", "CNN Indonesia", "Jakarta,
    CNN Indonesia --"); a line without one comes back whole with three empty strings.
    """
    for pattern in DATELINES:
        match = pattern.match(line)
        if match and match.end() < len(line):
            place, outlet = ((match.groupdict().get(name) or "").strip() for name in ("place", "outlet"))
            if re.fullmatch(_SITES, place) or re.search(r"\.CO(?:M)?$", place, re.I):
                place, outlet = outlet, place  # "TEMPO.CO, Jakarta -": the outlet comes first
            return line[match.end():], place, outlet, match.group().strip()
    return line, "", "", ""


def _cut_inline(text: str, rule: Rule) -> tuple[str, list[str]]:
    fragments = [m.group(0).strip() for m in rule.pattern.finditer(text)]
    if not fragments:
        return text, []
    return normalize_whitespace(rule.pattern.sub(" ", text)).strip(), fragments


def _strip_title(article: pd.Series, lines: list[str], kept: dict[int, str], verdict: dict[int, str]) -> str:
    """Move the headline out of the body and drop its repeats; return the title found.

    The first kept line is the headline when it equals the metadata title or,
    without one, when it reads like a headline (short, no final full stop)
    and body follows it. Any later line equal to the title is a repeat.
    """
    order = sorted(kept)
    if not order:
        return ""
    first = order[0]
    title = article.get("title") or ""
    if title:
        is_headline = _title_key(kept[first]) == _title_key(title)
    else:
        is_headline = len(order) > 1 and _looks_like_headline(kept[first])
        title = kept[first] if is_headline else ""
    if is_headline:
        del kept[first]
        verdict[first] = "title"
    key = _title_key(title)
    if key:
        for i in order[1:]:
            if _title_key(kept[i]) == key:
                del kept[i]
                verdict[i] = "repeated_title"
    return title


def _title_key(text: str) -> str:
    return _TITLE_KEY.sub(" ", text).strip().casefold()


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= MAX_TITLE_WORDS and not line.rstrip().endswith((".", ",", ";", ":", '"'))


def _looks_like_author(line: str) -> bool:
    return len(line.split()) <= 4 and not re.search(r"[.!?,;:]$", line)


def _previous_nonblank(lines: list[str], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if lines[j]:
            return j
    return None



# --- summaries for the notebook and the CLI ---------------------------------------

def size_summary(cleaned: CleanResult) -> pd.DataFrame:
    """Per article: characters as loaded and after cleaning, share kept, lines removed."""
    articles = cleaned.articles
    removed_lines = cleaned.paragraphs.loc[cleaned.paragraphs["rule"] != ""].groupby("doc_id").size()
    summary = pd.DataFrame({
        "doc_id": articles["doc_id"],
        "title": articles["title"],
        "lang": articles["lang"],
        "chars_loaded": articles["raw_text"].str.len(),
        "chars_clean": articles["n_chars"],
    })
    summary["kept_pct"] = (100 * summary["chars_clean"] / summary["chars_loaded"].clip(lower=1)).round(1)
    summary["lines_removed"] = summary["doc_id"].map(removed_lines).fillna(0).astype("int64")
    return summary.reset_index(drop=True)


def removed_by_rule(removed: pd.DataFrame) -> pd.DataFrame:
    """Removals grouped by rule: how many, in how many articles, and one example."""
    if removed.empty:
        return pd.DataFrame(columns=["rule", "removals", "articles", "example"])
    grouped = removed.groupby("rule", sort=True).agg(
        removals=("text", "size"), articles=("doc_id", "nunique"), example=("text", "first"))
    return grouped.reset_index().sort_values(["removals", "rule"], ascending=[False, True], kind="mergesort",
                                             ignore_index=True)


def foreign_paragraphs(paragraphs: pd.DataFrame, *, lang: str = "id") -> pd.DataFrame:
    """Paragraphs identified as another language than `lang`, kept or removed."""
    other = paragraphs.loc[(paragraphs["lang"] != "") & (paragraphs["lang"] != lang)]
    return other.reset_index(drop=True)
