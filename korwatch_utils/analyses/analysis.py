"""Every table of the workbook from the cleaned articles, in one call (the CLI, the store and `korwatch run`)."""

from __future__ import annotations

import time
from datetime import date
from collections.abc import Callable
from typing import NamedTuple

import pandas as pd

from korwatch_utils.nlp.ner import annotate
from korwatch_utils.analyses.entities import entity_mentions, name_choices, unify_names
from korwatch_utils.text.indonesian import fold
from korwatch_utils.analyses.attribution import attribute
from korwatch_utils.analyses.stance import stance_cues
from korwatch_utils.tables import ANALYSIS_TABLES, conform
from korwatch_utils.analyses.timeline import find_dates, reference_dates, stance_labels, timeline


class Analysis(NamedTuple):
    """The tables of DESIGN.md that follow cleaning (`tables.ANALYSIS_TABLES`, in that order)."""

    sentences: pd.DataFrame
    mentions: pd.DataFrame
    cues: pd.DataFrame
    references: pd.DataFrame
    dates: pd.DataFrame
    events: pd.DataFrame


CHUNK_SIZE = 32  # articles analysed together: one task for a worker, one commit for the store


def chunked(frame: pd.DataFrame, size: int = CHUNK_SIZE) -> list[pd.DataFrame]:
    """The frame's rows in consecutive chunks of at most size rows."""
    return [frame.iloc[start:start + size] for start in range(0, len(frame), size)]


def in_process(function: Callable, chunks: list, *args) -> list:
    """[function(chunk, *args) for chunk in chunks]: chunks analysed one after another in this process."""
    return [function(chunk, *args) for chunk in chunks]


def analyse(articles: pd.DataFrame, aliases: pd.DataFrame | None = None, *,
            map_chunks: Callable = in_process, today: date | None = None) -> Analysis:
    """NER (cached), canonical entities, stance cues, reference dates, date expressions and events.

    Args:
        articles: the cleaned articles (`clean(...).articles`).
        aliases: the alias table (default: the shipped one).
        map_chunks: how chunks are analysed: `in_process`, or `storage.cluster.on_workers(client)`
            for a Dask client's workers. The tables are the same either way.
        today: the day the analysis runs, the latest any date may be (default: the current day).
    """
    done = map_chunks(batch_tables, chunked(articles) or [articles], aliases, today or date.today())
    tables = [conform(name, pd.concat([chunk[name] for chunk in done], ignore_index=True), sort=True)
              for name in ANALYSIS_TABLES]
    return harmonise(Analysis(*tables))


def batch_tables(articles: pd.DataFrame, aliases: pd.DataFrame | None = None, today: date | None = None) -> dict:
    """`analyse_batch` without the timings: what a worker sends back."""
    return analyse_batch(articles, aliases, today)[0]


def analyse_batch(articles: pd.DataFrame, aliases: pd.DataFrame | None = None,
                  today: date | None = None) -> tuple[dict, dict]:
    """The per-article tables of a batch of articles, and the seconds each step took.

    Everything here depends only on each article and the alias table, so batches
    can be analysed apart (the store does); `harmonise` then makes names
    consistent across the whole corpus.
    """
    seconds = {}
    start = time.perf_counter()
    annotations = annotate(articles)
    seconds["ner"] = time.perf_counter() - start
    start = time.perf_counter()
    mentions = entity_mentions(articles, annotations, aliases, per_article=True)
    seconds["entities"] = time.perf_counter() - start
    start = time.perf_counter()
    cues = attribute(stance_cues(articles, mentions, annotations.sentences), articles, mentions,
                     annotations.sentences)
    seconds["stance"] = time.perf_counter() - start
    start = time.perf_counter()
    today = today or date.today()
    references = reference_dates(articles, today=today)
    dates = find_dates(articles, references, today=today)
    events = timeline(articles, mentions, cues, annotations.sentences, dates)
    seconds["timeline"] = time.perf_counter() - start
    tables = {"sentences": annotations.sentences, "mentions": mentions, "cues": cues, "references": references,
              "dates": dates, "events": events}
    return {name: conform(name, frame, sort=True) for name, frame in tables.items()}, seconds


def harmonise(analysis: Analysis) -> Analysis:
    """One spelling and one type per entity across all articles, in mentions, cues and events.

    Batches are canonicalised apart; here `entities.unify_names` decides over
    the whole corpus, by the same rule each article used, so the result does
    not depend on how articles were batched.
    """
    spelling, _ = name_choices(analysis.mentions)

    def rename(name: str) -> str:
        return spelling.get((None, fold(name)), name) if name else name

    cues = analysis.cues.assign(speaker=analysis.cues["speaker"].map(rename),
                                target=analysis.cues["target"].map(rename))
    labels = stance_labels(cues)
    events = analysis.events.assign(
        entities=[list(dict.fromkeys(map(rename, names))) for names in analysis.events["entities"]],
        stance=[labels.get(key, []) for key in zip(analysis.events["doc_id"], analysis.events["sent_id"])])
    return analysis._replace(mentions=unify_names(analysis.mentions), cues=cues, events=events)
