"""Normalise article text and remove boilerplate with named, recorded rules."""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple

import ftfy
import pandas as pd

from korwatch_utils.data import DATA_DIR
from korwatch_utils.tables import columns
from korwatch_utils.text.lines import body_like, boilerplate_scores, load_line_model, page_lines
from korwatch_utils.text.outlets import site

REMOVED_COLUMNS = columns("removed")
PARAGRAPH_COLUMNS = columns("paragraphs")
ACTIONS = {"line", "rest", "inline", "comment"}
# Paragraphs shorter than this are too short for language identification to be reliable.
MIN_WORDS_FOR_LANG = 6
EXPECTED_LANGUAGES = ("id", "ms")  # Malay that py3langid cannot tell from Indonesian is read as Indonesian
MALAY_MARGIN_PER_WORD = 1.0
MAX_TITLE_WORDS = 30
TITLE_RULES = ("title", "repeated_title")  # the headline moves to the title column: not a loss of body
MODEL_RULE = "model"  # the rule a line carries when the line classifier alone removed it
SURE_PROSE_WORDS = 20  # a prose line this long inside the story is body without asking the classifier
DEFAULT_MODEL = object()  # clean()'s default: the shipped line classifier
GUTTED_SHARE = 0.5  # removals past this share of an article's prose are undone, and the article named
SET_ASIDE_ROUNDS = 3  # times a gutted page is cleaned again without the rules that took its prose
REPEATED_RULE = "repeated"  # the rule a line carries when it is its site's furniture (`repeated_lines`)
REPEAT_ARTICLES = 3  # a line in this many articles of one site is the site's, not a story's
UNDONE, EMPTIED, OTHER_LANGUAGE = "removals undone", "emptied", "other language"  # statuses of cleaning notes

_QUOTES = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
})
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[^\S\n]+")
_LETTER_WORD = re.compile(r"[^\W\d_]+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_TITLE_KEY = re.compile(r"[\W_]+")
_LINE_KEY = re.compile(r"[\W_]+")


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
        if Path(path).is_dir():
            raise ValueError(f"rules file {path} is a folder; give a CSV file")
        state = Path(path).stat()
        rules.extend(_read_rules(str(path), state.st_mtime_ns, state.st_size))
    return tuple(rules)


@lru_cache(maxsize=16)
def _read_rules(path: str, mtime_ns: int, size: int) -> tuple[Rule, ...]:
    """The rules of one file; cached by its path, time and size, so an edited file is read again."""
    rules = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in ("rule", "action", "pattern") if column not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: no {', '.join(missing)} column (a rules file has rule, action, pattern, "
                             f"description)")
        for row_no, row in enumerate(reader, start=2):
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

def clean(articles: pd.DataFrame, *, rules: Iterable[Rule] | None = None, line_model=DEFAULT_MODEL,
          keep: Iterable[str] = (), repeated: Mapping[str, frozenset[str]] | None = None) -> CleanResult:
    """Normalise each article and remove its boilerplate, recording every removal.

    Args:
        articles: the table from `load_articles` (raw_text is read, never changed).
        rules: rules to apply; default `load_rules()` (the shipped file).
        line_model: the line classifier that decides over the rules' votes (`text.lines`); default the
            shipped one; None lets the rules decide alone.
        keep: names of rules whose removals the analyst overrides (MODEL_RULE: the classifier's,
            REPEATED_RULE: the site furniture's).
        repeated: doc_id -> its site's furniture (`repeated_lines`); default: found among these articles. A
            store passes what it found in the whole folder when it cleans part of it.

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
    keep = set(keep)
    rules = tuple(rule for rule in (tuple(rules) if rules is not None else load_rules()) if rule.rule not in keep)
    line_model = None if MODEL_RULE in keep else load_line_model() if line_model is DEFAULT_MODEL else line_model
    if REPEATED_RULE in keep:
        repeated = {}
    elif repeated is None:
        repeated = repeated_lines(articles)
    out = articles.copy()
    removed_rows: list[dict] = []
    paragraph_rows: list[dict] = []
    for index, article in articles.iterrows():
        doc = _clean_one(article, rules, line_model, repeated.get(article["doc_id"], frozenset()))
        out.at[index, "text"] = doc["text"]
        out.at[index, "n_chars"] = len(doc["text"])
        out.at[index, "lang"] = doc["lang"]
        for field in ("title", "url", "outlet"):
            # A dateline's credit names the outlet only where no URL does: "Antara" atop a story the URL shows
            # Kompas.com publishing is the wire's credit, not the outlet (`outlets.outlet_name`).
            if not article[field] and doc[field] and not (field == "outlet" and out.at[index, "url"]):
                out.at[index, field] = doc[field]
        out.at[index, "dateline"] = doc["dateline"]
        out.at[index, "cleaning_note"] = doc["cleaning_note"]
        removed_rows.extend({"doc_id": article["doc_id"], **row} for row in doc["removed"])
        paragraph_rows.extend({"doc_id": article["doc_id"], **row} for row in doc["paragraphs"])
    removed = pd.DataFrame(removed_rows, columns=REMOVED_COLUMNS)
    paragraphs = pd.DataFrame(paragraph_rows, columns=PARAGRAPH_COLUMNS)
    for table in (removed, paragraphs):
        table["line_no"] = table["line_no"].astype("int64")
    return CleanResult(out, removed, paragraphs)


def rule_votes(lines: list[str], rules: tuple[Rule, ...]) -> tuple[dict[int, str], dict[int, str], dict, str]:
    """What the rules decide, line by line: (line -> the rule removing it, line -> its kept text after inline
    cuts, line -> the fragments cut from it, the first URL a rule kept as metadata)."""
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
    return verdict, kept_text, cuts, url


def line_key(line: str) -> str:
    """What makes two lines the same line: their words, case and punctuation ignored (a short digest)."""
    words = _LINE_KEY.sub(" ", _INVISIBLE.sub("", line).casefold()).strip()
    return hashlib.blake2b(words.encode(), digest_size=8).hexdigest() if words else ""


def _may_be_furniture(line: str) -> bool:
    # A long paragraph of prose is a story's, even when an outlet reuses it as background in several articles.
    return bool(line.strip()) and not (body_like(line) and len(line.split()) >= SURE_PROSE_WORDS)


def repeated_lines(articles: pd.DataFrame) -> dict[str, frozenset[str]]:
    """doc_id -> the `line_key`s of its lines that recur in REPEAT_ARTICLES or more articles of its site
    (`outlets.site`: the metadata's outlet, else the URL's host): the site's furniture.

    Counted within one site only: a line that several outlets share may be a syndicated story's body, so it
    is no evidence; an article whose site is unknown has none. Two passes over the raw lines (cost linear
    in the folder, memory in its distinct lines); a line's key ignores what `normalize` changes but mojibake.
    """
    sites = [site(outlet, url) for outlet, url in zip(articles["outlet"], articles["url"])]

    def keys(raw: str) -> set[str]:
        return {line_key(line) for line in str(raw).split("\n") if _may_be_furniture(line)} - {""}

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, raw in zip(sites, articles["raw_text"]):
        if name:
            for key in keys(raw):
                counts[name][key] += 1
    furniture = {name: {key for key, n in found.items() if n >= REPEAT_ARTICLES} for name, found in counts.items()}
    return {doc_id: frozenset(keys(raw) & furniture[name])
            for doc_id, name, raw in zip(articles["doc_id"], sites, articles["raw_text"]) if furniture.get(name)}


class _Decision(NamedTuple):
    verdict: dict[int, str]  # line -> the rule removing it
    kept: dict[int, str]  # line -> its text after inline cuts
    cuts: dict[int, list[dict]]
    url: str
    title: str
    scores: dict[int, float]  # line -> the classifier's boilerplate score, for the lines it decided


def _decide(article: pd.Series, lines: list[str], rules: tuple[Rule, ...], line_model,
            furniture: frozenset[str]) -> _Decision:
    """The rules' votes, the site's furniture, the title and the classifier, line by line."""
    verdict, kept_text, cuts, url = rule_votes(lines, rules)
    for i in [i for i in kept_text if furniture and line_key(lines[i]) in furniture]:
        del kept_text[i]
        verdict[i] = REPEATED_RULE
    title = _strip_title(article, lines, kept_text, verdict)  # the headline is the title, never boilerplate
    scores = _model_decides(article, lines, verdict, kept_text, line_model)
    return _Decision(verdict, kept_text, cuts, url, title, scores)


def _prose_taken(lines: list[str], verdict: dict[int, str]) -> tuple[float, list[str]]:
    """The share of the article's prose (body-like lines, the title aside) the removals take, and their rules."""
    prose = {i: len(line) for i, line in enumerate(lines) if line and body_like(line)
             and verdict.get(i) not in TITLE_RULES}
    total = sum(prose.values())
    taken = sum(size for i, size in prose.items() if i in verdict)
    return (taken / total if total else 0.0), sorted({verdict[i] for i in prose if i in verdict})


def _clean_one(article: pd.Series, rules: tuple[Rule, ...], line_model, furniture: frozenset[str]) -> dict:
    lines = normalize(article["raw_text"]).split("\n")
    decision = _decide(article, lines, rules, line_model, furniture)
    note = ""
    share, reasons = _prose_taken(lines, decision.verdict)
    named = {rule.rule for rule in rules}  # what can be set aside: not the classifier, the title or the furniture
    retry, aside, kept_rules, retry_share, takers = decision, [], rules, share, reasons
    for _ in range(SET_ASIDE_ROUNDS):
        # The page is cleaned again without the rules that took its prose ("comment" reading a date line as
        # a thread's timestamp): the other rules and the classifier still judge the lines those had taken.
        more = [rule for rule in takers if rule in named and rule not in aside]
        if retry_share <= GUTTED_SHARE or not more:
            break
        aside += more
        kept_rules = tuple(r for r in rules if r.rule not in aside)
        retry = _decide(article, lines, kept_rules, line_model, furniture)
        retry_share, takers = _prose_taken(lines, retry.verdict)
    if aside and retry_share <= GUTTED_SHARE:
        note = (f"{UNDONE}: cleaning would have removed {share:.0%} of the article's prose (by "
                f"{', '.join(reasons)}); the rule{'s' if len(aside) > 1 else ''} {', '.join(aside)} "
                f"{'were' if len(aside) > 1 else 'was'} set aside for this article")
        decision, share, rules = retry, retry_share, kept_rules
    verdict, kept_text, cuts, url, title, scores = decision
    note = _keep_whole_if_gutted(lines, verdict, kept_text, cuts, rules, share) or note
    if not note and not kept_text and any(lines):
        note = f"{EMPTIED}: every line is boilerplate (by {', '.join(sorted(set(verdict.values())))}); no text is left"
    dateline = outlet = ""
    if kept_text:  # the story's first line may open with a dateline ("Jakarta, CNN Indonesia --")
        first = min(kept_text)
        kept_text[first], dateline, outlet, fragment = split_dateline(kept_text[first])
        if fragment:
            cuts.setdefault(first, []).append({"line_no": first + 1, "text": fragment, "rule": "dateline"})
    removed = [{"line_no": i + 1, "text": lines[i], "rule": rule, "score": scores.get(i, float("nan"))}
               for i, rule in verdict.items()]
    removed += [{**cut, "score": float("nan")} for i in kept_text for cut in cuts.get(i, [])]
    removed.sort(key=lambda row: row["line_no"])

    paragraphs, lang_chars = [], {}
    for i, line in enumerate(lines):
        if not line:
            continue
        lang = detect_language(kept_text.get(i, line))
        if i in kept_text and lang:
            lang_chars[lang] = lang_chars.get(lang, 0) + len(kept_text[i])
        paragraphs.append({"line_no": i + 1, "lang": lang, "rule": verdict.get(i, ""), "text": line})
    lang = max(sorted(lang_chars), key=lang_chars.get) if lang_chars else ""
    if not note and lang and lang not in EXPECTED_LANGUAGES:
        note = f"{OTHER_LANGUAGE}: the text reads as '{lang}', not Indonesian; korwatch's models expect Indonesian"
    return {
        "text": "\n\n".join(kept_text[i] for i in sorted(kept_text)),
        "lang": lang,
        "title": title,
        "url": url,
        "dateline": dateline,
        "outlet": outlet,
        "cleaning_note": note,
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


def _model_decides(article: pd.Series, lines: list[str], verdict: dict[int, str], kept: dict[int, str],
                   model) -> dict[int, float]:
    """The line classifier's decision over the rules' votes (`text.lines`): it removes lines the rules kept
    (rule MODEL_RULE). A line a rule removes stays removed: letting the classifier keep such lines lost seeds'
    boilerplate the rules were written for (a gutting is undone by `_keep_whole_if_gutted` instead). Returns the boilerplate score of each line it decided."""
    order = [i for i, line in enumerate(lines) if line]
    if model is None or not order:
        return {}
    texts = [lines[i] for i in order]
    page = page_lines(texts, [verdict.get(i, "") for i in order])
    # Only the lines the rules keep are decided here, and a long prose line inside the story is not scored:
    # on the labelled pages none is boilerplate, and skipping them keeps the classifier's cost small.
    decided = [(i, line) for i, line in zip(order, page)
               if i in kept and not (line.zone == "story" and line.prose and len(line.text.split()) >= SURE_PROSE_WORDS)]
    scores = boilerplate_scores([line for _, line in decided], article.get("title") or texts[0], model)
    for (i, _), score in zip(decided, scores):
        if score >= model.threshold:
            del kept[i]
            verdict[i] = MODEL_RULE
    return {i: score for (i, _), score in zip(decided, scores)}


def _restore(i: int, lines: list[str], verdict: dict[int, str], kept: dict[int, str],
             cuts: dict[int, list[dict]], rules: tuple[Rule, ...]) -> None:
    """Keep line i after all, with the inline rules' cuts made in it (a line they empty stays removed)."""
    text, line_cuts = lines[i], []
    for rule in rules:
        if rule.action == "inline":
            text, fragments = _cut_inline(text, rule)
            line_cuts.extend({"line_no": i + 1, "text": f, "rule": rule.rule} for f in fragments)
    if text:
        del verdict[i]
        kept[i] = text
        cuts[i] = line_cuts


def _keep_whole_if_gutted(lines: list[str], verdict: dict[int, str], kept: dict[int, str],
                          cuts: dict[int, list[dict]], rules: tuple[Rule, ...], share: float) -> str:
    """When the removals take more than GUTTED_SHARE of the article's prose (even with the rules that took it
    set aside, `_clean_one`), undo the classifier's removals, then, if the rules' alone still take that much,
    every removal but the title's; say what was undone. The classifier never leaves a short article empty
    either."""
    emptied_by_model = not kept and any(rule == MODEL_RULE and len(lines[i].split()) >= MIN_WORDS_FOR_LANG
                                        for i, rule in verdict.items())  # a sentence, not a menu, was taken
    if share <= GUTTED_SHARE:
        if emptied_by_model:  # a short article: never left empty
            for i in [i for i, rule in verdict.items() if rule == MODEL_RULE]:
                _restore(i, lines, verdict, kept, cuts, rules)
        return ""
    reasons = _prose_taken(lines, verdict)[1]
    for undo in ({MODEL_RULE}, None):  # the classifier's removals first, then all but the title's
        for i in sorted(verdict):
            if verdict[i] not in TITLE_RULES and (undo is None or verdict[i] in undo):
                _restore(i, lines, verdict, kept, cuts, rules)
        if _prose_taken(lines, verdict)[0] <= GUTTED_SHARE:
            break
    what = "the line classifier's removals were" if undo else "every removal but the title's was"
    return (f"{UNDONE}: cleaning would have removed {share:.0%} of the article's prose (by {', '.join(reasons)}); "
            f"{what} undone")


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
    """Removals grouped by rule: how many, in how many articles, the line classifier's mean score (a line's
    probability of being boilerplate; empty for fragments cut inside a line), and one example."""
    if removed.empty:
        return pd.DataFrame(columns=["rule", "removals", "articles", "mean_score", "example"])
    grouped = removed.groupby("rule", sort=True).agg(
        removals=("text", "size"), articles=("doc_id", "nunique"), mean_score=("score", "mean"),
        example=("text", "first"))
    grouped["mean_score"] = grouped["mean_score"].round(3)
    return grouped.reset_index().sort_values(["removals", "rule"], ascending=[False, True], kind="mergesort",
                                             ignore_index=True)


def cleaning_report(articles: pd.DataFrame) -> pd.DataFrame:
    """Load-report rows for what cleaning noted: removals undone rather than gut an article, one left empty, one
    in another language (status: the note's first words)."""
    noted = articles[articles["cleaning_note"].fillna("") != ""]
    status, _, reason = noted["cleaning_note"].str.partition(": ").T.values if len(noted) else ([], [], [])
    return pd.DataFrame({"path": noted["path"].tolist(), "doc_id": noted["doc_id"].tolist(), "status": list(status),
                         "reason": list(reason), "field": "", "value": ""}, columns=columns("load_report"))


def foreign_paragraphs(paragraphs: pd.DataFrame, *, lang: str = "id") -> pd.DataFrame:
    """Paragraphs identified as another language than `lang`, kept or removed."""
    other = paragraphs.loc[(paragraphs["lang"] != "") & (paragraphs["lang"] != lang)]
    return other.reset_index(drop=True)
