"""Which lines of a page are the story: a learned line classifier over the cleaning rules' votes.

The rules of data/boilerplate.csv vote (the rule that would remove a line);
what a rule removes stays removed, and the classifier decides the lines the
rules keep (`cleaning._model_decides`), from the line's
shape: its length, its share of function words, its closing punctuation, date,
time, byline, caption, credit and share-bar shapes, where it stands (before the
story's first prose line, inside it, after it), its likeness to the title and
its neighbours. Trained by training/train_lines.py on scraped pages of outlets
other than the ones it is measured on (benchmarks/cleaning_quality.py), and
shipped as JSON weights (models/lines.json) with the threshold that keeps 99 %
of body lines on held-out outlets.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from korwatch_utils.text.indonesian import FUNCTION_WORDS, MONTHS, WEEKDAYS, WORD
from korwatch_utils.weights import RESTORE_HINT, ModelFilesError, probability, read_weights, size_class

MODEL_FILE = Path(__file__).resolve().parent.parent / "models" / "lines.json"
SHAPE_CHARS = 240  # characters of a line its shape features read (its two ends)
SENTENCE_END = re.compile(r"[.!?\"')\]]\s*$")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\bWI[BT]A?\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Shapes no rule lists one by one: a credit closing a caption ("... /AFP", "(Yonhap)"), a byline ("Rita Uli
# Hutapea - detikNews", "Willy Haryono • 29 July"), a prompt ("Baca:", "Simak", "Klik"), a share bar.
_CREDIT_END = re.compile(r"(?:/\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}|\((?:[A-Z][\w.]*\s?){1,3}\)|"
                         r"\(\s*(?:foto|sumber|dok|ilustrasi)[^()]*\))\s*$", re.I)
# Words of a page's furniture, looked up word by word (a set costs less than a pattern per line).
CREDIT_WORDS = frozenset("foto sumber dok ilustrasi wartawan kredit".split())
PROMPT_WORDS = frozenset("baca lihat simak klik tonton saksikan ikuti dapatkan download unduh gabung artikel "
                         "copyright foto video ilustrasi".split())
SHARE_WORDS = frozenset("facebook twitter whatsapp telegram linkedin bagikan share komentar komentarmu berkomentar "
                        "berlangganan newsletter iklan klik tagar halaman terpopuler lainnya terkait rekomendasi "
                        "selengkapnya tayangan download aplikasi".split())
ROLE_WORDS = frozenset("reporter editor penulis redaktur kontributor pewarta laporan".split())
WORD_STATS = 60  # words of a line its word shares read
_BULLET = re.compile(r"^\s*(?:[-–—•·*]|\d+\.)\s")
_TEASER_END = re.compile(r"(?:…|\.\.\.)\s*$")
_SEPARATOR = re.compile(r"\s[•|]\s|\s-\s[A-Za-z]+(?:News|\.com|\.id)\b")



class Line(NamedTuple):
    """One non-empty line of a page and what the rules said of it."""

    text: str
    position: int  # among the page's non-empty lines, from 0
    count: int  # non-empty lines on the page
    vote: str  # the rule that would remove it, or ''
    zone: str  # head (before the page's first prose line), story, or foot (after its last)
    prose: bool  # eight words or more, closing like a sentence
    previous_prose: bool
    following_prose: bool


def _prose(text: str) -> bool:
    return len(text.split()) >= 8 and bool(SENTENCE_END.search(text))


def line_features(line: Line, title_words: frozenset[str]) -> dict[str, float]:
    """What tells a story's line from a page's furniture."""
    text = line.text
    written = WORD.findall(text)
    words = [w.lower() for w in written]
    sample, sample_written = words[:WORD_STATS], written[:WORD_STATS]
    share = sum(w in FUNCTION_WORDS for w in sample) / len(sample) if sample else 0.0
    capitalised = sum(w[:1].isupper() for w in sample_written) / len(sample) if sample else 0.0
    vocabulary = set(sample) | set(words[-WORD_STATS:])
    overlap = len(set(words) & title_words) / len(set(words) | title_words) if words and title_words else 0.0
    quarter = min(3, 4 * line.position // max(1, line.count))
    # Shapes are read from a long line's ends only: boilerplate is short, and a 5 MB line costs no more.
    text = text if len(text) <= SHAPE_CHARS else f"{text[:SHAPE_CHARS // 2]} {text[-SHAPE_CHARS // 2:]}"
    headline = (4 <= len(words) <= 25 and capitalised >= 0.6 and not SENTENCE_END.search(text))
    return {
        f"zone={line.zone}": 1.0, f"zone_voted={line.zone}|{bool(line.vote)}": 1.0,
        f"headline_shape={line.zone}": float(headline),
        f"bullet={'number' if text[:1].isdigit() else 'mark'}": float(bool(_BULLET.search(text))),
        "teaser_end": float(bool(_TEASER_END.search(text))), "credit_word": float(bool(vocabulary & CREDIT_WORDS)),
        f"words_zone={size_class(len(words))}|{line.zone}": 1.0,
        f"rule={line.vote or 'none'}": 1.0, "voted": float(bool(line.vote)),
        f"words={size_class(len(words))}": 1.0, f"function_share={min(4, int(share * 10))}": 1.0,
        f"capitalised={min(4, int(capitalised * 5))}": 1.0,
        "sentence_end": float(bool(SENTENCE_END.search(text))), "colon_end": float(text.rstrip().endswith(":")),
        "time": float(bool(_TIME.search(text))), "year": float(bool(_YEAR.search(text))),
        "month": float(any(w in MONTHS for w in vocabulary)), "weekday": float(any(w in WEEKDAYS for w in vocabulary)),
        "credit_end": float(bool(_CREDIT_END.search(text))), "separator": float(bool(_SEPARATOR.search(text))),
        "prompt": float(bool(words) and (words[0] in PROMPT_WORDS or text.startswith("©"))),
        "share": float(bool(vocabulary & SHARE_WORDS)),
        "role": float(bool(vocabulary & ROLE_WORDS)), "all_caps": float(text.isupper()),
        "first": float(line.position == 0), f"quarter={quarter}": 1.0,
        f"title_overlap={min(4, int(overlap * 5))}": 1.0,
        "previous_prose": float(line.previous_prose), "following_prose": float(line.following_prose),
        "prose": float(line.prose),
        "short_between_prose": float(len(words) < 8 and line.previous_prose and line.following_prose),
    }


class LineModel(NamedTuple):
    weights: dict
    threshold: float
    version: str


@lru_cache(maxsize=2)
def load_line_model(path: str | Path = MODEL_FILE) -> LineModel:
    """The shipped line classifier.

    Raises:
        ModelFilesError: the file is missing or damaged (`clean(line_model=None)` lets the rules decide alone).
    """
    data = read_weights(path, LineModel._fields)
    if data is None:
        raise ModelFilesError(f"the line classifier {path} is missing; {RESTORE_HINT}")
    return LineModel(data["weights"], float(data["threshold"]), data["version"])


def boilerplate_scores(lines: list[Line], title: str, model: LineModel) -> list[float]:
    """Each line's probability of being boilerplate."""
    title_words = frozenset(w.lower() for w in WORD.findall(title))
    return [probability(model.weights, line_features(line, title_words)) for line in lines]


def page_lines(texts: list[str], votes: list[str]) -> list[Line]:
    """The non-empty lines of a page, with their neighbours, as the classifier reads them."""
    count = len(texts)
    prose = [_prose(text) for text in texts]
    found = [i for i, flag in enumerate(prose) if flag]
    first, last = (found[0], found[-1]) if found else (count, -1)

    def zone(i: int) -> str:
        return "head" if i < first else "foot" if i > last else "story"

    return [Line(text, i, count, vote, zone(i), prose[i], i > 0 and prose[i - 1], i + 1 < count and prose[i + 1])
            for i, (text, vote) in enumerate(zip(texts, votes))]


def body_like(text: str) -> bool:
    """A line that reads like running prose: eight words or more, closing like a sentence."""
    return _prose(text)
