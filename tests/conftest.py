"""Shared fixtures: the seeds folder and its cleaned tables (built once per session)."""

from pathlib import Path

import pytest

from korwatch_utils import clean, load_articles

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
