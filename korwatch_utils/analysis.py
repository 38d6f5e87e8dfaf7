"""Every table of the workbook from the cleaned articles, in one call (the CLI and `korwatch run` use it)."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from korwatch_utils.entities import entity_mentions
from korwatch_utils.stance import stance_cues
from korwatch_utils.timeline import find_dates, reference_dates, timeline


class Analysis(NamedTuple):
    """The tables of DESIGN.md that follow cleaning."""

    sentences: pd.DataFrame
    mentions: pd.DataFrame
    cues: pd.DataFrame
    references: pd.DataFrame
    dates: pd.DataFrame
    events: pd.DataFrame


def analyse(articles: pd.DataFrame, aliases: pd.DataFrame | None = None) -> Analysis:
    """NER (cached), canonical entities, stance cues, reference dates, date expressions and events.

    Args:
        articles: the cleaned articles (`clean(...).articles`).
        aliases: the alias table (default: the shipped one).
    """
    from korwatch_utils.ner import annotate  # imported here: loading the model is slow

    annotations = annotate(articles)
    mentions = entity_mentions(articles, annotations, aliases)
    cues = stance_cues(articles, mentions, annotations.sentences)
    references = reference_dates(articles)
    dates = find_dates(articles, references)
    events = timeline(articles, mentions, cues, annotations.sentences, dates)
    return Analysis(annotations.sentences, mentions, cues, references, dates, events)
