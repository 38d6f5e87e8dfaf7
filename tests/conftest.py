"""Shared fixtures: the seeds folder and its cleaned tables (built once per session); hand-written articles."""

from pathlib import Path

import pandas as pd
import pytest

from korwatch_utils import clean, load_articles
from korwatch_utils.analyses.entities import canonicalize
from korwatch_utils.nlp.ner import MENTION_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seeds_cleaned():
    return clean(load_articles(SEEDS).articles)


def write_article(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def seeds_annotations(seeds_cleaned, tmp_path_factory):
    from korwatch_utils.nlp.ner import annotate

    return annotate(seeds_cleaned.articles, cache_dir=tmp_path_factory.mktemp("ner-cache"))


@pytest.fixture(scope="session")
def seeds_mentions(seeds_cleaned, seeds_annotations):
    from korwatch_utils.analyses.entities import entity_mentions

    return entity_mentions(seeds_cleaned.articles, seeds_annotations)


def handwritten_tables(text: str, names: list[tuple[str, str]]):
    """articles, canonical mentions and sentences of one hand-written article "a": one sentence per line,
    names as (surface, type) in order of appearance."""
    sentences, start = [], 0
    for sent_id, line in enumerate(text.split("\n")):
        sentences.append(["a", sent_id, start, start + len(line), line])
        start += len(line) + 1
    rows, position = [], 0
    for surface, kind in names:
        begin = text.index(surface, position)
        sent_id = next(s[1] for s in sentences if s[2] <= begin < s[3])
        rows.append(["a", sent_id, begin, begin + len(surface), surface, kind, surface, ""])
        position = begin + len(surface)
    mentions = canonicalize(pd.DataFrame(rows, columns=MENTION_COLUMNS))
    sentences = pd.DataFrame(sentences, columns=["doc_id", "sent_id", "start_char", "end_char", "text"])
    return pd.DataFrame({"doc_id": ["a"], "text": [text]}), mentions, sentences
