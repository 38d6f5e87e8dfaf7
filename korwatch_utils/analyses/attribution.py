"""Who said what, decided by learned models: the stance rules propose, two small models decide.

The rules of `stance.stance_cues` find every cue word of the lexicon and vote
for a speaker and a target. Here a cue-sense model decides whether the cue
reports a statement of its category ("mengancam" yes, "ancaman nuklir" no),
and a ranker per role scores each candidate actor: the entities of the cue's
sentence, of the two sentences before it (a pronoun, "-nya" or a role noun
points back) and, inside a quotation, of the sentence after it. The rules'
choice is one feature among distances, sides, quote marks, neighbouring words
and entity types. The ranker abstains when its best candidate is not good
enough: no speaker beats a wrong speaker. A calibrator turns the scores into
`confidence`, the probability that the row is right as STANCE_GUIDE.md scores
it. The models are logistic regressions trained by training/train_attribution.py
and shipped as JSON weights (models/attribution.json): scoring is a sum over
the features a row has, cheap beside NER.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from korwatch_utils.analyses.stance import DECIDED_COLUMNS, lemma, quotations
from korwatch_utils.nlp.ner import MODELS_DIR
from korwatch_utils.weights import RESTORE_HINT, ModelFilesError, probability, read_weights, size_class
from korwatch_utils.text.indonesian import (
    ACCORDING_TO, AGENT_PREPOSITION, AUXILIARIES, CLAUSE_LINKS, CONJUNCTIONS, DEMONSTRATIVES, NEGATIONS,
    OTHER_PRONOUNS, PERSONAL_PRONOUNS, PHRASE_BREAKS, RELATIVE, REPORTING_ROOTS, REPORTING_VERBS, TOWARDS,
    VERB_PREFIXES, WORD,
)

MODEL_FILE = MODELS_DIR / "attribution.json"
WINDOW = 400  # characters either side of a cue that its features read: a 5 MB sentence costs no more per cue
PHRASE_WORDS = 4  # the longest noun phrase read as a candidate actor that NER did not tag ("pihak berwenang Palestina")
_STOPS = {*AUXILIARIES, *NEGATIONS}
_BREAKS = {*PHRASE_BREAKS, *CONJUNCTIONS, *OTHER_PRONOUNS, *PERSONAL_PRONOUNS, *DEMONSTRATIVES, *CLAUSE_LINKS,
           RELATIVE}
SOURCE_WORD = "dari"  # "kecaman dari komunitas internasional": the owner follows it


def _breaks_phrase(word: str, *, sentence_initial: bool = False) -> bool:
    """A word no actor's phrase holds: a break word, an adverb, or a verb ("menuntut", "memicu"; capitalised
    only where it opens the sentence: "Menanggapi ...")."""
    lower = word.lower()
    verb_like = (word.islower() or sentence_initial) and len(word) > 4 and lower.startswith(VERB_PREFIXES)
    return lower in _BREAKS or lower in _STOPS or verb_like
ROLES = ("speaker", "target")
KINDS = ("direct", "mixed", "indirect", "stance")
_ROLE_NOUN = re.compile(r"\b(?:juru bicara|jubir|pejabat|menteri|presiden|kementerian|pemerintah|negara|pihak)\s+"
                        r"(?:itu|tersebut|ini)\b", re.I)


class Candidate(NamedTuple):
    """An actor that may fill a role: a mention of an entity, or a noun phrase NER did not tag ("warga",
    "pihak berwenang Palestina"), and where it stands relative to the cue."""

    entity: str  # the canonical entity, or the phrase as written
    type: str  # PER | ORG | LOC, or a phrase's kind: subject | agent | owner
    start: int
    end: int
    where: str  # sentence | previous | earlier | next


@dataclass
class _Sentence:
    sent_id: int
    start: int
    end: int


class Document:
    """One article's text, sentences, canonical mentions and quotations, for feature extraction."""

    def __init__(self, text: str, sentences: pd.DataFrame, mentions: pd.DataFrame):
        self.text = text
        ordered = sentences.sort_values("sent_id")
        self.sentences = [_Sentence(int(s), int(a), int(b)) for s, a, b in
                          zip(ordered["sent_id"], ordered["start_char"], ordered["end_char"])]
        self.by_id = {sentence.sent_id: index for index, sentence in enumerate(self.sentences)}
        named = mentions[mentions["entity"] != ""].sort_values("start_char")
        self.mentions = list(zip(named["start_char"].astype(int), named["end_char"].astype(int), named["entity"],
                                 named["type"]))
        self.starts = [m[0] for m in self.mentions]
        self.counts = Counter(named["entity"])
        self.quotes = quotations(text)
        self.quote_starts = [start for start, _ in self.quotes]

    def quote_of(self, position: int) -> tuple[int, int] | None:
        index = bisect_right(self.quote_starts, position) - 1
        return self.quotes[index] if index >= 0 and position < self.quotes[index][1] else None

    def mentions_in(self, start: int, end: int) -> list[tuple[int, int, str, str]]:
        return self.mentions[bisect_left(self.starts, start):bisect_left(self.starts, end)]

    def sentence(self, row, offset: int = 0) -> _Sentence | None:
        """The cue's sentence (offset 0) or a neighbour, cut to WINDOW characters on the cue's side."""
        index = self.by_id.get(row.sent_id)
        if index is None or not 0 <= index + offset < len(self.sentences):
            return None
        whole = self.sentences[index + offset]
        if offset == 0:
            return _Sentence(whole.sent_id, max(whole.start, row.start_char - WINDOW), min(whole.end, row.end_char + WINDOW))
        if offset < 0:
            return _Sentence(whole.sent_id, max(whole.start, whole.end - WINDOW), whole.end)
        return _Sentence(whole.sent_id, whole.start, min(whole.end, whole.start + WINDOW))

    def sentence_end(self, row) -> int:
        """Where the cue's whole sentence ends (not cut to WINDOW)."""
        index = self.by_id.get(row.sent_id)
        return self.sentences[index].end if index is not None else row.end_char

    def quote_after(self, position: int, end: int) -> tuple[int, int] | None:
        """The first quotation that opens at or after position and before end."""
        index = bisect_left(self.quote_starts, position)
        return self.quotes[index] if index < len(self.quotes) and self.quotes[index][0] < end else None


def _words(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(text)]


def sense_features(row, document: Document) -> dict[str, float]:
    """What tells a reported statement from another sense of the cue word."""
    sentence = document.sentence(row)
    before = _words(document.text[sentence.start:row.start_char]) if sentence else []
    after = _words(document.text[row.end_char:sentence.end if sentence else row.end_char + 60])
    cue = row.cue.lower()
    stem = lemma(cue.split()[0]) if cue else ""
    in_sentence = document.mentions_in(sentence.start, sentence.end) if sentence else []
    features = {
        f"cue={cue}": 1.0, f"lemma={stem}": 1.0, f"category={row.category}": 1.0,
        f"category_lemma={row.category}|{stem}": 1.0, f"attribution={row.attribution or 'none'}": 1.0,
        f"prev={before[-1] if before else '^'}": 1.0, f"next={after[0] if after else '$'}": 1.0,
        f"next2={' '.join(after[:2])}": 1.0, f"position={size_class(len(before))}": 1.0,
        f"entities={size_class(len(in_sentence))}": 1.0,
        "rule_speaker": float(bool(row.speaker)), "rule_target": float(bool(row.target)),
        "in_quote": float(bool(row.quote)), "negated": float(bool(row.negated)), "hedged": float(bool(row.hedged)),
        "noun_form": float(cue.endswith("an") and not cue.endswith("kan") and not cue.startswith(("me", "di"))),
        "passive": float(cue.startswith("di")), "after_yang": float(bool(before) and before[-1] == "yang"),
        "preposition_after": float(bool(after) and after[0] in TOWARDS),
        "person_in_sentence": float(any(m[3] == "PER" for m in in_sentence)),
    }
    return features


def candidates(row, document: Document, role: str) -> list[Candidate]:
    """The actors that may fill the role, nearest mention of each entity first; the sentence's own, then
    (for a speaker) the two sentences before and, inside a quotation, the one after."""
    places = [(0, "sentence")]
    if role == "speaker":
        places += [(-1, "previous"), (-2, "earlier")] + ([(1, "next")] if row.quote else [])
    found: dict[str, Candidate] = {}
    for offset, where in places:
        sentence = document.sentence(row, offset)
        if sentence is None:
            continue
        for start, end, entity, kind in document.mentions_in(sentence.start, sentence.end):
            if start < row.end_char and end > row.start_char:
                continue  # the cue itself
            seen = found.get(entity)
            if seen is None or (seen.where == where and abs(start - row.start_char) < abs(seen.start - row.start_char)):
                found[entity] = Candidate(entity, kind, start, end, where)
    if role == "speaker":
        for phrase in noun_phrases(row, document):
            found.setdefault(phrase.entity, phrase)
    return list(found.values())


def noun_phrases(row, document: Document) -> list[Candidate]:
    """Untagged phrases that may be the speaker: the subject read back from the cue ("warga yang menolak",
    "Prakash juga mengaku"), the agent after "oleh", the owner after a noun cue ("desakan warga")."""
    sentence = document.sentence(row)
    if sentence is None:
        return []
    text = document.text
    found = []
    before = list(WORD.finditer(text, sentence.start, row.start_char))
    subject = _phrase_back(before, text)
    if subject:
        found.append(Candidate(text[subject[0]:subject[1]], "subject", subject[0], subject[1], "sentence"))
    after = list(WORD.finditer(text, row.end_char, sentence.end))
    if after and after[0].group().lower() == AGENT_PREPOSITION:
        agent = _phrase_forward(after[1:], text)
        if agent:
            found.append(Candidate(text[agent[0]:agent[1]], "agent", agent[0], agent[1], "sentence"))
    elif after and row.cue.lower().endswith(("an", "nya")) and not row.cue.lower().startswith(("me", "di")):
        owner = _phrase_forward(after, text)
        if owner:
            found.append(Candidate(text[owner[0]:owner[1]], "owner", owner[0], owner[1], "sentence"))
    return [c for c in found if not document.mentions_in(c.start, c.end)
            and not any(start < c.end and end > c.start for start, end, _, _ in document.mentions_in(c.start - 80, c.end))]


def _phrase_back(words: list, text: str) -> tuple[int, int] | None:
    """The noun phrase that ends where the words end, read backwards past adverbs and a relative "yang"."""
    index = len(words) - 1
    while index >= 0 and words[index].group().lower() in _STOPS:
        index -= 1
    if index >= 0 and words[index].group().lower() == RELATIVE:
        index -= 1
    taken = []
    while index >= 0 and len(taken) < PHRASE_WORDS:
        word = words[index]
        following = words[taken[-1]].start() if taken else None
        if _breaks_phrase(word.group(), sentence_initial=index == 0) or (
                following is not None and re.search(r"[^\w\s-]", text[word.end():following])):
            break
        taken.append(index)
        index -= 1
    if not taken:
        return None
    return words[taken[-1]].start(), words[taken[0]].end()


def _phrase_forward(words: list, text: str) -> tuple[int, int] | None:
    """The noun phrase the words start with, up to PHRASE_WORDS words, a break word or punctuation."""
    if words and words[0].group().lower() == SOURCE_WORD:
        words = words[1:]
    taken = []
    for word in words[:PHRASE_WORDS]:
        if _breaks_phrase(word.group()):
            break
        if taken and re.search(r"[^\w\s-]", text[words[taken[-1]].end():word.start()]):
            break
        taken.append(words.index(word))
    if not taken:
        return None
    return words[taken[0]].start(), words[taken[-1]].end()


def role_features(row, candidate: Candidate, document: Document, role: str, rivals: int) -> dict[str, float]:
    """What tells the actor of a role from the other actors around the cue."""
    side = "before" if candidate.end <= row.start_char else "after"
    lo, hi = (candidate.end, row.start_char) if side == "before" else (row.end_char, candidate.start)
    lo = max(lo, hi - 2 * WINDOW)  # what lies between is read near the cue only: distance buckets saturate
    between = _words(document.text[lo:hi])
    text = document.text
    word_before = _words(text[max(0, candidate.start - 30):candidate.start])
    word_after = _words(text[candidate.end:candidate.end + 30])
    other = "target" if role == "speaker" else "speaker"
    ruled = getattr(row, role) == candidate.entity
    sentence = document.sentence(row)
    cue_sentence_before = _words(text[sentence.start:row.start_char]) if sentence else []
    pointer = next((word for word in reversed(cue_sentence_before)
                    if word in PERSONAL_PRONOUNS or word.endswith("nya")), "")
    quote, their_quote = document.quote_of(row.start_char), document.quote_of(candidate.start)
    features = {
        f"where={candidate.where}": 1.0, f"side={side}": 1.0, f"where_side={candidate.where}|{side}": 1.0,
        f"type={candidate.type}": 1.0, f"where_type={candidate.where}|{candidate.type}": 1.0,
        f"distance={size_class(len(between))}": 1.0, f"side_distance={side}|{size_class(len(between))}": 1.0,
        "rule_choice": float(ruled), f"rule_choice_by={row.attribution or 'none'}": float(ruled),
        "rule_other_role": float(getattr(row, other) == candidate.entity),
        f"before_word={word_before[-1] if word_before else '^'}": 1.0,
        f"after_word={word_after[0] if word_after else '$'}": 1.0,
        "reporting_after": float(bool(word_after) and (word_after[0] in REPORTING_VERBS
                                                      or word_after[0].startswith(REPORTING_ROOTS))),
        "reporting_before": float(bool(word_before) and word_before[-1].startswith(REPORTING_ROOTS)),
        "according_to": float(bool(word_before) and word_before[-1] == ACCORDING_TO),
        "agent": float(bool(word_before) and word_before[-1] == AGENT_PREPOSITION),
        "towards": float(bool(word_before) and word_before[-1] in TOWARDS),
        "cue_in_quote": float(quote is not None), "candidate_in_quote": float(their_quote is not None),
        "same_quote": float(quote is not None and quote == their_quote),
        "after_quote": float(quote is not None and candidate.start >= quote[1]),
        f"pointer={'pronoun' if pointer in PERSONAL_PRONOUNS else 'nya' if pointer else 'none'}|{candidate.where}": 1.0,
        f"salience={size_class(document.counts[candidate.entity])}": 1.0,
        f"rivals={size_class(rivals)}": 1.0,
        "clause_break": float(any(mark in text[lo:hi] for mark in ".;")),
        "phrase": float(candidate.type not in ("PER", "ORG", "LOC")),
        "names_a_following_person": float(any(kind == "PER" and 0 <= start - candidate.end <= 2 for start, _, _, kind
                                               in document.mentions_in(candidate.end, candidate.end + 3))),
        "inside_a_title": float(bool(word_after) and candidate.type == "LOC" and any(
            kind == "PER" for _, _, _, kind in document.mentions_in(candidate.end, candidate.end + 40))
            and not re.search(r"[,.;]", text[candidate.end:candidate.end + 40].split("\n")[0][:20])),
        f"phrase_head={candidate.entity.split()[0].lower() if candidate.type not in ('PER', 'ORG', 'LOC') else ''}": 1.0,
        "capitalised": float(candidate.entity[:1].isupper()),
        "comma_between": float("," in text[lo:hi]),
    }
    return features


class Model(NamedTuple):
    """The shipped weights: cue sense, speaker and target rankers, calibrator, thresholds."""

    sense: dict
    speaker: dict
    target: dict
    calibrator: dict
    thresholds: dict
    version: str


@lru_cache(maxsize=2)
def load_model(path: str | Path = MODEL_FILE) -> Model | None:
    """The attribution model, or None where the file is absent (`require_model` says so in one line).

    Raises:
        ModelFilesError: the file is damaged.
    """
    data = read_weights(path, Model._fields)
    return None if data is None else Model(*(data[field] for field in Model._fields))


class Decision(NamedTuple):
    """The model's reading of one rule row."""

    sense: float
    speaker: str
    speaker_score: float
    speaker_source: str
    target: str
    target_score: float
    confidence: float


def calibrator_features(sense: float, speaker_score: float, has_speaker: bool, target_score: float) -> dict:
    logit = lambda p: math.log(max(p, 1e-6) / max(1 - p, 1e-6))  # noqa: E731
    return {"sense": logit(sense), "speaker": logit(speaker_score) if has_speaker else 0.0,
            "no_speaker": float(not has_speaker), "no_speaker_sense": 0.0 if has_speaker else logit(sense),
            "target": logit(target_score)}


def decide(row, document: Document, model: Model) -> Decision:
    """The sense, the speaker and target chosen (or left empty), and the row's calibrated confidence."""
    sense = probability(model.sense, sense_features(row, document))
    chosen = {}
    for role in ROLES:  # the speaker first: the target is another actor
        found = candidates(row, document, role)
        rivals = len(found)  # as training counts them
        if role == "target" and chosen["speaker"][0] is not None:
            found = [c for c in found if c.entity != chosen["speaker"][0].entity]
        scored = sorted(((probability(getattr(model, role), role_features(row, c, document, role, rivals)), c)
                         for c in found), key=lambda pair: (-pair[0], pair[1].start))
        best = scored[0] if scored else (0.0, None)
        keep = best[1] is not None and best[0] >= model.thresholds[role]
        chosen[role] = (best[1] if keep else None, best[0])
    speaker, speaker_score = chosen["speaker"]
    target, target_score = chosen["target"]
    confidence = probability(model.calibrator, calibrator_features(sense, speaker_score, speaker is not None,
                                                             target_score))
    return Decision(sense, speaker.entity if speaker else "", speaker_score,
                    speaker_source(row, speaker, document) if speaker else "",
                    target.entity if target else "", target_score, confidence)


def speaker_source(row, speaker: Candidate, document: Document) -> str:
    """How the speaker was found: named in the sentence, a pronoun or -nya or a role noun pointing back, the
    quotation's neighbouring sentence, or an earlier sentence."""
    if speaker.where == "sentence":
        return "sentence"
    if speaker.where == "next" or document.quote_of(row.start_char):
        return "quote"
    sentence = document.sentence(row)
    before = document.text[sentence.start:row.start_char] if sentence else ""
    words = _words(before)
    if any(word in PERSONAL_PRONOUNS for word in words):
        return "pronoun"
    if any(word.endswith("nya") for word in words) or row.cue.lower().endswith("nya"):
        return "nya"
    if _ROLE_NOUN.search(before):
        return "role noun"
    return "earlier sentence"


def statement_kind(row, document: Document) -> str:
    """direct (the cue stands inside a quotation), mixed (it introduces one in its sentence), indirect (a
    reporting verb or "menurut" carries it) or stance (a stance verb with no speech)."""
    if document.quote_of(row.start_char):
        return "direct"
    sentence = document.sentence(row)
    if sentence and document.quote_after(row.end_char, document.sentence_end(row)):
        return "mixed"
    words = _words(document.text[sentence.start:sentence.end]) if sentence else []
    if any(word in REPORTING_VERBS or word == ACCORDING_TO or word.startswith(REPORTING_ROOTS) for word in words):
        return "indirect"
    return "stance"


def content_span(row, document: Document) -> tuple[int, int]:
    """What the statement says: the quotation the cue stands in or introduces, else the cue's sentence after it."""
    quote = document.quote_of(row.start_char)
    if quote:
        return quote
    end = document.sentence_end(row)
    following = document.quote_after(row.end_char, end)
    return following or (row.end_char, end)


def documents(articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame) -> dict[str, Document]:
    """A Document for each article, for the features to read."""
    sentences_by_doc = dict(tuple(sentences.groupby("doc_id")))
    mentions_by_doc = dict(tuple(mentions.groupby("doc_id")))
    return {doc_id: Document(text, sentences_by_doc.get(doc_id, sentences.iloc[0:0]),
                             mentions_by_doc.get(doc_id, mentions.iloc[0:0]))
            for doc_id, text in zip(articles["doc_id"], articles["text"])}


def attribute(cues: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame, sentences: pd.DataFrame, *,
              model: Model | None = None, min_confidence: float | None = None) -> pd.DataFrame:
    """The rules' cue rows decided by the model: speaker and target chosen or left empty, a calibrated
    confidence, the speaker as written and how it was found, the statement's kind and content span.

    Args:
        cues: rows of `stance.stance_cues` (the rules' candidates).
        articles, mentions, sentences: the tables the rules read.
        model: default `load_model()`.
        min_confidence: rows less likely right are left out (default: the model's tuned threshold;
            0 keeps every row, as the benchmark's reliability table needs).

    Raises:
        ModelFilesError: the model file is missing or damaged.
    """
    model = model or require_model()
    floor = model.thresholds["min_confidence"] if min_confidence is None else min_confidence
    by_doc = documents(articles[articles["doc_id"].isin(set(cues["doc_id"]))], sentences, mentions)
    rows = []
    for row in cues.itertuples(index=False):
        document = by_doc[row.doc_id]
        decision = decide(row, document, model)
        confidence = round(decision.confidence, 3)
        if confidence < floor:
            continue
        speaker_mention = _mention_text(document, row, decision.speaker)
        content = content_span(row, document)
        rows.append({**row._asdict(), "speaker": decision.speaker, "target": decision.target,
                     "confidence": confidence, "speaker_text": speaker_mention,
                     "speaker_source": decision.speaker_source, "kind": statement_kind(row, document),
                     "content_start": content[0], "content_end": content[1]})
    return pd.DataFrame(rows, columns=[*cues.columns, *DECIDED_COLUMNS])


def _mention_text(document: Document, row, entity: str) -> str:
    """The speaker as the article writes it: the chosen candidate mention's text."""
    if not entity:
        return ""
    found = [c for c in candidates(row, document, "speaker") if c.entity == entity]
    return document.text[found[0].start:found[0].end] if found else entity


def require_model() -> Model:
    """The shipped model, or a one-line error naming the file and how to restore it."""
    model = load_model()
    if model is None:
        raise ModelFilesError(f"the attribution model {MODEL_FILE} is missing; {RESTORE_HINT}")
    return model


QUOTE_COLUMNS = ["doc_id", "sent_id", "kind", "speaker", "speaker_text", "speaker_source", "cue", "category",
                 "target", "content", "confidence"]


def quotes(cues: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Who said what, as speech: the statements quoted directly, partly (a quotation in the sentence) or
    reported, with what they say (the quotation, else the sentence after the cue)."""
    speech = cues[cues["kind"].isin(["direct", "mixed", "indirect"])]
    texts = dict(zip(articles["doc_id"], articles["text"]))
    content = [texts.get(doc, "")[start:end].strip() for doc, start, end in
               zip(speech["doc_id"], speech["content_start"], speech["content_end"])]
    return speech.assign(content=content)[QUOTE_COLUMNS].reset_index(drop=True)


def default_min_confidence() -> float:
    """The one default threshold of the stance table, trends, events export and the notebooks: the model's
    minimum confidence, tuned on dev for the best F1 (the cues table holds no row below it)."""
    return require_model().thresholds["min_confidence"]
