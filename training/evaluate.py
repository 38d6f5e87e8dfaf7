"""Scores of a models folder: entity-level exact-span P/R/F1 and Stanza's UD token/sentence F1.

Used by benchmarks/ner_quality.py and benchmarks/tokenizer_quality.py.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

from korwatch_utils.nlp.ner import tag_spans

Span = tuple[int, int, int, str]  # (sentence, first token, end token, type)


def bio_spans(tags: list[str], sentence: int = 0) -> set[Span]:
    """Entity spans from BIO (or BIOES) tags, keyed by sentence for scoring a whole split."""
    return {(sentence, start, end, kind) for start, end, kind in tag_spans(tags)}


def span_scores(gold: set[Span], pred: set[Span]) -> dict:
    """Micro P/R/F1 over exact spans, and P/R/F1 per type (percentages).

    Written here rather than taken from stanza.models.ner.scorer, which reports
    per-type F1 only; seqeval would add scikit-learn for twenty lines.
    """
    def prf(tp: int, n_pred: int, n_gold: int) -> dict:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(100 * p, 2), "r": round(100 * r, 2), "f1": round(100 * f, 2), "gold": n_gold}

    tp = gold & pred
    by_type = {}
    for kind in sorted({s[3] for s in gold | pred}):
        count = Counter(s[3] == kind for s in tp)[True]
        by_type[kind] = prf(count, sum(s[3] == kind for s in pred), sum(s[3] == kind for s in gold))
    return {"micro": prf(len(tp), len(pred), len(gold)), "by_type": by_type}


def read_split(split_json: Path) -> list[list[dict]]:
    """A converted split: sentences of {"text", "ner"} tokens."""
    return json.loads(Path(split_json).read_text(encoding="utf-8"))


def tagged_spans(pipeline, sentences: list[list[dict]]) -> tuple[set[Span], set[Span]]:
    """Gold and predicted spans of a converted split, tagged by a pretokenized pipeline."""
    doc = pipeline([[token["text"] for token in sentence] for sentence in sentences])
    gold, pred = set(), set()
    for i, (sentence, predicted) in enumerate(zip(sentences, doc.sentences)):
        gold |= bio_spans([token["ner"] for token in sentence], i)
        pred |= bio_spans([token.ner for token in predicted.tokens], i)
    return gold, pred


def score_ner(pipeline, split_json: Path) -> dict:
    """Run a pretokenized pipeline over a converted split and score it against the gold tags."""
    sentences = read_split(split_json)
    return {"sentences": len(sentences), **span_scores(*tagged_spans(pipeline, sentences))}


def score_tokenizer(pipeline, gold_conllu: Path) -> dict:
    """Tokenize the raw text of a UD file and score tokens and sentences with Stanza's UD scorer."""
    from stanza.models.common.utils import ud_scores
    from stanza.utils.conll import CoNLL
    from stanza.utils.datasets.conllu_to_text import convert_text

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.txt"
        convert_text(str(gold_conllu), str(raw))
        doc = pipeline(raw.read_text(encoding="utf-8"))
        system = Path(tmp) / "system.conllu"
        CoNLL.write_doc2conll(doc, str(system))
        scores = ud_scores(str(gold_conllu), str(system))
    return {name: round(100 * scores[name].f1, 2) for name in ("Tokens", "Sentences", "Words")}
