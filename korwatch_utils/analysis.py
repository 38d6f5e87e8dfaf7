"""Every table of the workbook from the cleaned articles, in one call (the CLI, the store and `korwatch run`)."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import NamedTuple

import pandas as pd

from korwatch_utils.entities import entity_mentions, fold
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
    tables, _ = analyse_batch(articles, aliases)
    return harmonise(Analysis(*(tables[name] for name in (
        "sentences", "mentions", "cues", "reference_dates", "dates", "events"))))


def analyse_batch(articles: pd.DataFrame, aliases: pd.DataFrame | None = None) -> tuple[dict, dict]:
    """The per-article tables of a batch of articles, and the seconds each step took.

    Everything here depends only on each article and the alias table, so batches
    can be analysed apart (the store does); `harmonise` then makes names
    consistent across the whole corpus.
    """
    from korwatch_utils.ner import annotate  # imported here: loading the model is slow

    seconds = {}
    start = time.perf_counter()
    annotations = annotate(articles)
    seconds["ner"] = time.perf_counter() - start
    start = time.perf_counter()
    mentions = entity_mentions(articles, annotations, aliases)
    seconds["entities"] = time.perf_counter() - start
    start = time.perf_counter()
    cues = stance_cues(articles, mentions, annotations.sentences)
    seconds["stance"] = time.perf_counter() - start
    start = time.perf_counter()
    references = reference_dates(articles)
    dates = find_dates(articles, references)
    events = timeline(articles, mentions, cues, annotations.sentences, dates)
    seconds["timeline"] = time.perf_counter() - start
    tables = {"sentences": annotations.sentences, "mentions": mentions, "cues": cues, "reference_dates": references,
              "dates": dates, "events": events}
    return tables, seconds


def harmonise(analysis: Analysis) -> Analysis:
    """One spelling and one type per entity across all articles, in mentions, cues and events.

    Batches are canonicalised apart; here each folded name takes the spelling
    used most often in the whole corpus (ties: alphabetical) and each entity its
    commonest type, so the result does not depend on how articles were batched.
    """
    mentions = analysis.mentions
    named = mentions.loc[mentions["entity"] != "", ["entity", "type"]]
    spellings: dict[str, Counter] = defaultdict(Counter)
    for entity in named["entity"]:
        spellings[fold(entity)][entity] += 1
    best = {key: min(counter, key=lambda name: (-counter[name], name)) for key, counter in spellings.items()}

    def rename(name: str) -> str:
        return best.get(fold(name), name) if name else name

    types: dict[str, Counter] = defaultdict(Counter)
    for entity, kind in zip(named["entity"].map(rename), named["type"]):
        types[entity][kind] += 1
    entity_type = {entity: min(counter, key=lambda kind: (-counter[kind], kind)) for entity, counter in types.items()}
    mentions = mentions.assign(entity=mentions["entity"].map(rename))
    mentions = mentions.assign(type=[entity_type.get(e, t) if e else t for e, t in zip(mentions["entity"], mentions["type"])])
    cues = analysis.cues.assign(speaker=analysis.cues["speaker"].map(rename), target=analysis.cues["target"].map(rename))
    events = analysis.events.assign(entities=analysis.events["entities"].map(
        lambda names: "; ".join(dict.fromkeys(rename(n) for n in names.split("; "))) if names else names))
    return analysis._replace(mentions=mentions, cues=cues, events=events)
