"""Stance cues: the words by which an actor takes a position towards another, with speaker and target.

A cue is found from the lexicon in korwatch_utils/data/stance_cues.csv: by lemma
(PySastrawi's stem, corrected by data/stem_overrides.csv where it is measured
wrong) or by exact form or phrase. Attribution is rules first: Indonesian
reporting patterns are regular enough ("…," kata X; X mengecam Y; Y dituduh
oleh X) that readable rules do better than korwatch's dependency parse
(research/syntax/). Where the rules leave a cue without a speaker in a
sentence that names an actor, that sentence is parsed (`korwatch_utils.nlp.syntax`)
and the parse supplies the subject, the "oleh" agent or the possessor.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from korwatch_utils.data import DATA_DIR, read_csv
from korwatch_utils.nlp.syntax import NAME_RELATIONS, children, has_parser, parse
from korwatch_utils.tables import columns
from korwatch_utils.text.indonesian import (
    ACCORDING_TO, AGENT_PREPOSITION, BARE_NOUNS, CLITICS, CONJUNCTIONS, DEMONSTRATIVES, NEGATIONS, OTHER_PRONOUNS,
    PERSONAL_PRONOUNS, REPORTING_ROOTS, REPORTING_VERBS, TARGET_PREPOSITIONS, TOWARDS, WORD, alternation,
)

CATEGORIES = ("condemn", "accuse", "concern", "warn", "threaten", "urge", "deny", "reject", "agree", "support",
              "commit", "claim", "hedge")
# hedge is the reporter's ("dikabarkan", "diduga"), no actor's: it flags the sentence's cues (`hedged`), never a row.
STANCE_CATEGORIES = CATEGORIES[:-1]
# The cues table's columns the attributor fills (`attribution.attribute`); the rules give the others.
DECIDED_COLUMNS = ("confidence", "speaker_text", "speaker_source", "kind", "content_start", "content_end")
CUE_COLUMNS = [column for column in columns("cues") if column not in DECIDED_COLUMNS]
# Words that open another clause or stand for another subject: a name before them is not the cue's subject.
CLAUSE_WORDS = {*CONJUNCTIONS, *OTHER_PRONOUNS, *PERSONAL_PRONOUNS}
PERSONAL_PRONOUN = re.compile(rf"\b(?:{alternation(PERSONAL_PRONOUNS)})\b", re.I)
QUOTE_AFTER = re.compile(rf"^\s*[,.]?\s*(?:{alternation(REPORTING_ROOTS)})(?P<nya>nya)?\b", re.I)
QUOTE_AFTER_SUBJECT_VERB = re.compile(rf"^\s*[,.]?\s*(?P<subject>[^,.;\"“”]{{1,80}}?)\s+(?:{alternation(REPORTING_VERBS)})\b")
REPORTING_VERB = re.compile(rf"\b(?:{alternation(REPORTING_VERBS)})\b", re.I)
ACCORDING_TO_WORD = re.compile(rf"\b{ACCORDING_TO}\s+", re.I)
# "kecaman Presiden Yoon terhadap Rusia": a preposition at most four words after the noun introduces the target.
NOMINAL_TARGET = re.compile(rf"[\"“”]?(?:\s+[^\s,;:\"“”]+){{0,4}}?\s+(?:{alternation(TARGET_PREPOSITIONS)})\s+", re.I)
LOOKBACK = 300  # characters searched back from a cue for its subject, "menurut" or a reporting verb
# Characters either side of a cue whose mentions its rules read (its sentence's, within this): a sentence of
# megabytes costs no more per cue than a sentence of news.
CONTEXT = 1000
BOUNDARY = re.compile(r"[,;:\"“”]")
QUOTE_MARKS = re.compile(r"[\"“”]")
# Words that stand for an actor named earlier: pattern -> (type, name prefix) of the actor meant.
REFERRING = [
    (re.compile(rf"\b(?:{alternation(PERSONAL_PRONOUNS)})$|nya$", re.I), "PER", ""),
    (re.compile(rf"\bkementerian (?:{alternation(DEMONSTRATIVES)})$", re.I), "ORG", "Kementerian"),
    (re.compile(rf"\bdepartemen (?:{alternation(DEMONSTRATIVES)})$", re.I), "ORG", "Departemen"),
    (re.compile(rf"\b(?:negara|pemerintah) (?:{alternation(DEMONSTRATIVES)})$", re.I), "LOC", ""),
]


@dataclass(frozen=True)
class Cue:
    """One lexicon entry."""

    cue: str
    category: str
    polarity: str
    match: str


@dataclass
class _Mention:
    start: int
    end: int
    entity: str
    type: str


def load_cues(path: str | Path | None = None) -> pd.DataFrame:
    """The cue lexicon (cue, category, polarity, match, notes); checks categories, polarities and match kinds.

    match is lemma (any inflection of the stem), form (the word or phrase as
    written) or exclude (a word or phrase that is never a cue, e.g. "perjanjian",
    a treaty, though its stem is janji).

    Raises:
        ValueError: a row has an unknown category, polarity or match kind.
    """
    frame = pd.read_csv(path or DATA_DIR / "stance_cues.csv", dtype=str, keep_default_na=False)
    cues = frame[frame["match"] != "exclude"]
    for column, allowed in (("category", CATEGORIES), ("polarity", ("negative", "positive", "neutral")),
                            ("match", ("lemma", "form"))):
        bad = sorted(set(cues[column]) - set(allowed))
        if bad:
            raise ValueError(f"cue lexicon {path or 'stance_cues.csv'}: unknown {column} {', '.join(bad)}")
    return frame


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=1)
def _overrides() -> dict[str, str]:
    frame = read_csv("stem_overrides.csv")
    return dict(zip(frame["form"], frame["stem"]))


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The stem of an Indonesian word: PySastrawi's, unless data/stem_overrides.csv corrects it."""
    word = word.lower()
    bare = next((word[: -len(c)] for c in CLITICS if word.endswith(c) and len(word) > len(c) + 3), word)
    return _overrides().get(word) or _overrides().get(bare) or _stemmer().stem(word)


class _Lexicon:
    """The cue table indexed for matching: phrases by first word, single forms, lemmas."""

    def __init__(self, cues: pd.DataFrame):
        self.phrases: dict[str, list[tuple[list[str], Cue]]] = {}
        self.forms: dict[str, Cue] = {}
        self.lemmas: dict[str, Cue] = {}
        for row in cues.itertuples(index=False):
            entry = Cue(row.cue, row.category, row.polarity, row.match)
            words = row.cue.lower().split()
            if row.match == "exclude":
                entry = None
            if row.match == "lemma":
                self.lemmas[words[0]] = entry
            elif len(words) > 1:
                self.phrases.setdefault(words[0], []).append((words, entry))
            else:
                self.forms[words[0]] = entry
        for candidates in self.phrases.values():
            candidates.sort(key=lambda item: -len(item[0]))
        # PySastrawi takes about a third of a millisecond for each new word, a fifth of the rules' time. A stem
        # keeps its letters after the first inside the word (the first may be recoded: menolak -> tolak), so
        # only words holding one of those strings, or a form stem_overrides.csv names, are stemmed.
        hints = {stem[1:] for stem in self.lemmas} | set(_overrides())
        self.stem_hint = re.compile("|".join(map(re.escape, sorted(hints, key=len, reverse=True))))

    def match(self, words: list[str], i: int) -> tuple[Cue | None, int] | None:
        """The cue starting at words[i] and how many words it spans (cue None: an excluded phrase), or None."""
        word = words[i].lower()
        for phrase, entry in self.phrases.get(word, []):
            if [w.lower() for w in words[i:i + len(phrase)]] == phrase:
                return entry, len(phrase)
        if word in self.forms:
            return self.forms[word], 1
        if not self.stem_hint.search(word):
            return None
        entry = self.lemmas.get(lemma(word))
        return (entry, 1) if entry else None


def stance_cues(articles: pd.DataFrame, mentions: pd.DataFrame, sentences: pd.DataFrame,
                cues: pd.DataFrame | None = None, *, syntax: bool | None = None) -> pd.DataFrame:
    """The cues table: every stance cue in the articles with its speaker and target.

    Args:
        articles: the cleaned articles (doc_id, text).
        mentions: canonical mentions (`entities.entity_mentions`); speakers and targets are their entities.
        sentences: the sentences table from `ner.annotate`.
        cues: a cue lexicon (default `load_cues()`).
        syntax: complete the rules from dependency parses (`korwatch_utils.nlp.syntax`) of the
            sentences where the rules leave a cue without a speaker and that name an actor or
            hold a personal pronoun; default: when the parser is shipped.

    Returns:
        doc_id, sent_id, speaker, cue (as written), category, polarity (flipped when
        negated), target, quote (the quotation the cue stands in, or ''), sentence,
        negated, attribution (how the speaker was found: active, passive, nominal,
        quote, reported, according_to, referring, coordinated, parse, or '' when unknown),
        start_char, end_char. Speaker or target is '' when the text does not say.
    """
    lexicon = _Lexicon(load_cues() if cues is None else cues)
    named = mentions[mentions["entity"] != ""]
    by_doc = {doc_id: [_Mention(r.start_char, r.end_char, r.entity, r.type)
                       for r in group.sort_values("start_char").itertuples(index=False)]
              for doc_id, group in named.groupby("doc_id", sort=False)}
    sentences_by_doc = {doc_id: group.sort_values("sent_id") for doc_id, group in sentences.groupby("doc_id", sort=False)}
    if syntax is None:
        syntax = has_parser()
    found = []  # (document, sentence, its cues)
    for doc_id, text in zip(articles["doc_id"], articles["text"]):
        document = _Document(doc_id, text, by_doc.get(doc_id, []))
        for sentence in sentences_by_doc.get(doc_id, pd.DataFrame()).itertuples(index=False):
            found.append((document, sentence, document.cues_in(sentence.start_char, sentence.end_char, lexicon)))
    # Parse, in one batch, only the sentences where the rules left a cue without a speaker and that
    # name an actor or hold a pronoun: parsing every cue sentence, or those missing a target too,
    # found no more speakers on the gold's dev split and cost up to twice as much (research/syntax/).
    unfinished = [i for i, (document, sentence, rows) in enumerate(found)
                  if syntax and any(not row["speaker"] for row in rows)
                  and document.could_name_an_actor(sentence.start_char, sentence.end_char)]
    if unfinished:
        trees = parse([document.text[sentence.start_char:sentence.end_char]
                       for document, sentence, _ in (found[i] for i in unfinished)])
        for i, tree in zip(unfinished, trees):
            document, sentence, _ = found[i]
            found[i] = (document, sentence, document.cues_in(sentence.start_char, sentence.end_char, lexicon, tree))
    rows = [{"doc_id": document.doc_id, "sent_id": sentence.sent_id, **row,
             "sentence": document.text[sentence.start_char:sentence.end_char]}
            for document, sentence, cues_found in found for row in cues_found]
    return pd.DataFrame(rows, columns=CUE_COLUMNS)


class _Document:
    """One article's text, entity mentions and quotations, and the attribution rules over them."""

    def __init__(self, doc_id: str, text: str, mentions: list[_Mention]):
        self.doc_id = doc_id
        self.text = text
        self.mentions = mentions  # sorted by start, not overlapping
        self.starts = [m.start for m in mentions]
        self.ends = [m.end for m in mentions]  # sorted too: mentions do not overlap
        self.quote_spans = quotations(text)  # sorted, not overlapping
        self.quote_starts = [start for start, _ in self.quote_spans]
        self.quote_speakers = [self._quote_speaker(start, end) for start, end in self.quote_spans]

    def could_name_an_actor(self, start: int, end: int) -> bool:
        """Whether text[start:end] names an entity or has a pronoun that may stand for one."""
        index = bisect_left(self.starts, start)
        return (index < len(self.mentions) and self.mentions[index].start < end) or bool(
            PERSONAL_PRONOUN.search(self.text, start, end))

    def _starting_in(self, low: int, high: int) -> list[_Mention]:
        """The mentions that start at low or after and before high."""
        return self.mentions[bisect_left(self.starts, low):bisect_left(self.starts, high)]

    def _ending_in(self, low: int, high: int) -> list[_Mention]:
        """The mentions that end at low or after and at high or before."""
        return self.mentions[bisect_left(self.ends, low):bisect_right(self.ends, high)]

    def _in_mention(self, position: int) -> bool:
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and self.mentions[index].end > position

    def cues_in(self, start: int, end: int, lexicon: _Lexicon, tree: list | None = None) -> list[dict]:
        """The cues of the sentence text[start:end]; tree, its parse, fills roles the rules leave open."""
        words = [(m.group(), m.start() + start, m.end() + start) for m in WORD.finditer(self.text[start:end])]
        inside_name = [self._in_mention(w_start) for _, w_start, _ in words]
        texts = [w for w, _, _ in words]
        found, i, previous_speaker, hedged = [], 0, None, False
        while i < len(words):
            hit = None if inside_name[i] else lexicon.match(texts, i)
            if hit is None:
                i += 1
                continue
            entry, size = hit
            if entry is None:
                i += size
                continue
            cue_start, cue_end = words[i][1], words[i + size - 1][2]
            if entry.category == "hedge":  # the reporter's, not an actor's: a flag on the sentence's cues
                hedged = True
                i += size
                continue
            mention, via, target = self._attribute(words[i][0], entry, cue_start, cue_end, start, end,
                                                   previous_speaker)
            if tree and (mention is None or not target):
                mention, via, target = self._complete_from_parse(tree, start, words[i][0], entry, cue_start,
                                                                 mention, via, target)
            speaker = mention.entity if mention else ""
            negated = any(w.lower() in NEGATIONS and not BOUNDARY.search(self.text[w_end:cue_start])
                          for w, _, w_end in words[max(0, i - 3):i])
            quote = self._quote_of(cue_start)
            found.append({
                "speaker": speaker, "cue": self.text[cue_start:cue_end], "category": entry.category,
                "polarity": _flip(entry.polarity) if negated else entry.polarity, "target": target,
                "quote": self.text[quote[0]:quote[1]] if quote else "", "negated": negated, "hedged": False,
                "attribution": via,
                "start_char": cue_start, "end_char": cue_end,
            })
            if mention and via in ("active", "coordinated", "referring"):
                previous_speaker = (mention, cue_end)
            i += size
        for row in found:
            row["hedged"] = hedged
        return found

    def _attribute(self, word: str, entry: Cue, cue_start: int, cue_end: int, sent_start: int, sent_end: int,
                   previous_speaker) -> tuple[_Mention | None, str, str]:
        """(speaker's mention, how it was found, target entity) for one cue."""
        lower = word.lower()
        stem = lemma(lower) if entry.match == "lemma" else lower
        in_sentence = self._starting_in(max(sent_start, cue_start - CONTEXT), min(sent_end, cue_end + CONTEXT))
        if _is_passive(lower, entry):
            target = self._subject(cue_start, sent_start, in_sentence)
            agent = re.match(rf"\s+{AGENT_PREPOSITION}\s+", self.text[cue_end:cue_end + 8], re.I)
            speaker = self._mention_at(cue_end + agent.end(), in_sentence) if agent else None
            name = speaker.entity if speaker else ""
            return speaker, "passive", target.entity if target else self._target_after(cue_end, in_sentence, name)
        nominal = entry.match == "lemma" and _is_nominal(lower, stem)
        speaker, via = None, ""
        if nominal:
            speaker = self._genitive(cue_end, in_sentence)
            via = "nominal" if speaker else ""
        if speaker is None and not nominal:
            speaker = self._subject(cue_start, sent_start, in_sentence)
            via = "active" if speaker else ""
            if speaker is None:
                speaker = self._referred(cue_start, sent_start)
                via = "referring" if speaker else ""
        if speaker is None:
            speaker, via = self._speaker_from_context(cue_start, sent_start, in_sentence, previous_speaker)
        name = speaker.entity if speaker else ""
        if nominal:  # "kecaman X terhadap Y"
            preposition = NOMINAL_TARGET.match(self.text[cue_end:cue_end + 80])
            target = self._target_after(cue_end + preposition.end(), in_sentence, name) if preposition else ""
            return speaker, via, target
        target = self._target_after(cue_end, in_sentence, name)
        if not target and speaker and speaker.end <= cue_start:
            between = [m for m in in_sentence if speaker.end <= m.start and m.end <= cue_start and m.entity != name]
            target = between[-1].entity if between else ""
        return speaker, via, target

    def _complete_from_parse(self, tree: list, sent_start: int, word: str, entry: Cue, cue_start: int,
                             speaker: _Mention | None, via: str, target: str) -> tuple[_Mention | None, str, str]:
        """Fill the speaker and target the rules left open from the cue word's place in the parse.

        Speaker: the subject of the cue verb, of the verb it is an open complement or a
        conjunct of ("X berjanji akan mengecam", "X mengecam dan menolak"), the noun a
        relative clause hangs on ("Rusia, yang mengecam"), the "oleh" agent of a passive
        di- verb, the possessor of a noun cue ("kecaman Rusia"). Target: the object, an
        oblique ("terhadap Y"), or a passive verb's subject.
        """
        index = next((i for i, w in enumerate(tree) if w.start + sent_start <= cue_start < w.end + sent_start), None)
        if index is None:
            return speaker, via, target
        lower = word.lower()
        passive = _is_passive(lower, entry)
        nominal = tree[index].upos == "NOUN"
        found_speaker, found_target = None, None
        node = index
        for _ in range(4):  # climb through open complements, conjuncts and relative clauses
            kids = children(tree, node)
            relations = {k: tree[k].deprel for k in kids}
            if passive:
                found_speaker = found_speaker or self._mention_of(tree, self._agents(tree, node), sent_start)
                found_target = found_target or self._mention_of(
                    tree, [k for k in kids if relations[k].startswith("nsubj")], sent_start)
            elif nominal:
                found_speaker = found_speaker or self._mention_of(
                    tree, [k for k in kids if relations[k] in ("nmod", "nmod:poss")
                           and not self._has_case(tree, k)], sent_start)
            else:
                subjects = [k for k in kids if relations[k] in ("nsubj", "csubj")]
                found_speaker = found_speaker or self._mention_of(tree, subjects, sent_start)
            if node == index:
                objects = [k for k in kids if relations[k] == "obj"] + [
                    k for k in kids if relations[k].startswith(("obl", "nmod")) and self._has_case(tree, k)]
                found_target = found_target or self._mention_of(tree, objects, sent_start)
            head, relation = tree[node].head, tree[node].deprel
            if found_speaker or head < 0:
                break
            if nominal and relation == "nsubj:pass":  # "Kecaman ... disampaikan oleh Menlu Sergei Lavrov"
                found_speaker = self._mention_of(tree, self._agents(tree, head), sent_start)
                break
            if relation.startswith(("acl", "amod")):  # "Rusia, yang mengecam ...": the noun is the actor
                found_speaker = self._mention_of(tree, [head], sent_start)
                break
            if not relation.startswith(("xcomp", "conj")):
                break
            node, passive, nominal = head, False, tree[head].upos == "NOUN"
        if speaker is None and found_speaker is not None:
            speaker, via = found_speaker, "parse"
        if not target and found_target is not None and (speaker is None or found_target.entity != speaker.entity):
            target = found_target.entity
        return speaker, via, target

    @staticmethod
    def _agents(tree: list, verb: int) -> list[int]:
        """The "oleh" phrases of a passive verb."""
        return [k for k in children(tree, verb) if tree[k].deprel.startswith("obl") and any(
            tree[c].text.lower() == AGENT_PREPOSITION for c in children(tree, k))]

    @staticmethod
    def _has_case(tree: list, index: int) -> bool:
        """Whether the word has a preposition of stance towards: "terhadap Y", "atas Y", "kepada Y"."""
        return any(tree[c].deprel == "case" and tree[c].text.lower() in TOWARDS for c in children(tree, index))

    def _mention_of(self, tree: list, heads: list[int], sent_start: int) -> _Mention | None:
        """The entity a phrase names: a person in it first, else the mention at its head, else its first.

        "ia", "dia" or "beliau" stands for the one person named just before.
        """
        for head in heads:
            if tree[head].text.lower() == "yang":  # a relative clause's subject: the actor named just before it
                before = self._ending_in(tree[head].start + sent_start - 3, tree[head].start + sent_start)
                if before:
                    return before[-1]
                continue
            if tree[head].upos == "PRON":
                kind = "PER" if tree[head].text.lower() in PERSONAL_PRONOUNS else None
                if kind:
                    mention = self._nearest_before(tree[head].start + sent_start, kind, "")
                    if mention:
                        return mention
                continue
            phrase, todo = [], [head]
            while todo:  # the head and its name-like dependents, not its clauses
                current = todo.pop()
                phrase.append(current)
                todo.extend(c for c in children(tree, current) if tree[c].deprel in NAME_RELATIONS)
            first, last = min(phrase), max(phrase)
            span = (tree[first].start + sent_start, tree[last].end + sent_start)
            inside = self.mentions[bisect_right(self.ends, span[0]):bisect_left(self.starts, span[1])]
            if not inside:
                continue
            people = [m for m in inside if m.type == "PER"]
            at_head = [m for m in inside if m.start <= tree[head].start + sent_start < m.end]
            return (people or at_head or inside)[0]
        return None

    def _speaker_from_context(self, cue_start, sent_start, in_sentence, previous_speaker):
        """A speaker from the quotation, "menurut X", a reporting verb earlier in the sentence, or a coordinated verb."""
        index = self._quote_index(cue_start)
        if index is not None and self.quote_speakers[index]:
            return self.quote_speakers[index], "quote"
        window_start = max(sent_start, cue_start - LOOKBACK)  # bounded: a sentence may be megabytes long
        before = self.text[window_start:cue_start]
        according = list(ACCORDING_TO_WORD.finditer(before))
        if according:
            mention = self._mention_at(window_start + according[-1].end(), in_sentence)
            if mention:
                return mention, "according_to"
        verbs = list(REPORTING_VERB.finditer(before))
        if verbs:
            subject = self._subject(window_start + verbs[-1].start(), sent_start, in_sentence)
            if subject:
                return subject, "reported"
        if previous_speaker and re.search(r",\s*(?:\w+\s+){0,1}$", self.text[previous_speaker[1]:cue_start]):
            return previous_speaker[0], "coordinated"  # "X memperingatkan …, mengklaim …"
        return None, ""

    def _subject(self, position: int, sent_start: int, in_sentence: list[_Mention]) -> _Mention | None:
        """The mention just before position in the same clause (at most six words between, brackets allowed)."""
        candidates = [m for m in in_sentence if m.end <= position]
        if not candidates:
            return None
        mention = candidates[-1]
        if position - mention.end > LOOKBACK:
            return None
        between = self.text[mention.end:position]
        words = [w.lower() for w in WORD.findall(between)]
        if (BOUNDARY.search(between) or len(words) > 6 or set(words) & CLAUSE_WORDS
                or self._quote_of(mention.start) != self._quote_of(position)):
            return None
        return mention

    def _mention_at(self, position: int, in_sentence: list[_Mention]) -> _Mention | None:
        """The mention starting at position, allowing a few title words before it ("juru bicara NSC John Kirby")."""
        rest = self.text[position:position + 60]
        stop = BOUNDARY.search(rest)
        limit = position + (stop.start() if stop else len(rest))
        ahead = [m for m in in_sentence if position <= m.start < limit] or self._starting_in(position, limit)
        if not ahead:
            return None
        people = [m for m in ahead if m.type == "PER"]
        return people[0] if people else ahead[0]

    def _referred(self, position: int, sent_start: int) -> _Mention | None:
        """The actor that "dia", "kementerian itu" and the like just before position stand for."""
        before = self.text[max(sent_start, position - 40):position].rstrip()
        before = re.sub(r"(?:\s+(?:juga|telah|sudah|akan|pun|sangat|pernah|masih))+$", "", before, flags=re.I)
        for pattern, kind, prefix in REFERRING:
            if pattern.search(before):
                return self._nearest_before(position - len(before), kind, prefix)
        return None

    def _nearest_before(self, position: int, kind: str, prefix: str) -> _Mention | None:
        """The actor of a type (and name prefix) named in the ~400 characters before position, if only one is.

        With two people there ("Setya menuding Nazaruddin …, ia mengklaim"), "ia"
        is left unresolved rather than guessed.
        """
        window = [m for m in self._ending_in(position - 399, position)
                  if m.type == kind and m.entity.startswith(prefix)]
        return window[-1] if len({m.entity for m in window}) == 1 else None

    def _target_after(self, position: int, in_sentence: list[_Mention], speaker: str) -> str:
        """The first entity after position in the same clause, other than the speaker."""
        for mention in in_sentence:
            if mention.start >= position and mention.entity != speaker:
                return "" if BOUNDARY.search(self.text[position:mention.start]) else mention.entity
        return ""

    def _genitive(self, position: int, in_sentence: list[_Mention]) -> _Mention | None:
        """The actor right after a noun cue: "kritik Seoul", "kecaman Presiden Yoon" (up to three title words)."""
        titles = re.match(r"\s+(?:[A-Z][\w.]*\s+){0,3}", self.text[position:position + 60])
        if not titles:
            return None
        following = [m for m in in_sentence if position < m.start <= position + titles.end()]
        return following[0] if following and re.fullmatch(r"\s+(?:[A-Z][\w.]*\s+)*",
                                                           self.text[position:following[0].start]) else None

    def _quote_index(self, position: int) -> int | None:
        """Which quotation position stands in, or None."""
        index = bisect_right(self.quote_starts, position) - 1
        return index if index >= 0 and position < self.quote_spans[index][1] else None

    def _quote_of(self, position: int) -> tuple[int, int] | None:
        """The (start, end) of the quotation around position, or None."""
        index = self._quote_index(position)
        return None if index is None else self.quote_spans[index]

    def _quote_speaker(self, start: int, end: int) -> _Mention | None:
        """Who a quotation is attributed to: "…," kata X / "…," X menambahkan / X mengatakan: "…"."""
        after = self.text[end + 1:end + 120]
        said = QUOTE_AFTER.match(after)
        if said:
            position = end + 1 + said.end()
            if said.group("nya"):
                return self._nearest_before(start, "PER", "")
            referred = re.match(rf"\s+(kementerian|departemen|negara|pemerintah) ({alternation(DEMONSTRATIVES)})\b",
                                self.text[position:position + 40], re.I)
            if referred:
                kind = "LOC" if referred.group(1).lower() in ("negara", "pemerintah") else "ORG"
                prefix = "" if kind == "LOC" else referred.group(1).capitalize()
                return self._nearest_before(start, kind, prefix)
            return self._mention_at(position, [])
        subject_verb = QUOTE_AFTER_SUBJECT_VERB.match(after)
        if subject_verb:
            return self._mention_at(end + 1 + subject_verb.start("subject"), [])
        line_start = self.text.rfind("\n", 0, start) + 1
        before = self.text[max(line_start, start - 200):start - 1]
        clause_start = max(before.rfind(". "), before.rfind('"'), before.rfind("”")) + 1
        verbs = list(REPORTING_VERB.finditer(before, clause_start))
        if verbs:
            offset = start - 1 - len(before)
            position = offset + verbs[-1].start()
            return self._subject(position, offset + clause_start, self._ending_in(position - LOOKBACK, position))
        return None


def quotations(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each quotation, paragraph by paragraph.

    Straight quotes alternate open/close; an unmatched last quote followed by
    ", kata" closes a quotation opened at the paragraph's start (as scraped
    text often loses the opening mark).
    """
    spans = []
    offset = 0
    for line in text.split("\n"):
        marks = [m.start() for m in QUOTE_MARKS.finditer(line)]
        if len(marks) % 2 and QUOTE_AFTER.match(line[marks[-1] + 1:]):
            spans.append((offset, offset + marks[-1]))  # one quotation: the marks inside it are quoted quotes
        else:
            spans.extend((offset + a + 1, offset + b) for a, b in zip(marks[0::2], marks[1::2]))
        offset += len(line) + 1
    return spans  # sorted and disjoint: the rules and the attributor search them by bisection


def _is_passive(word: str, entry: Cue) -> bool:
    """A di- passive of a cue verb ("dikecam", "dituduh"), whose actor follows "oleh"."""
    return entry.match == "lemma" and word.startswith("di") and not lemma(word).startswith("di")


def _is_nominal(word: str, stem: str) -> bool:
    """A noun form of a cue ("kecaman", "peringatan", "kritik"), whose actor follows it."""
    if word in BARE_NOUNS:
        return True
    return (word != stem and word.endswith("an") and not word.endswith("kan")
            and not word.startswith(("me", "di", "ber", "ter")))


def _flip(polarity: str) -> str:
    return {"negative": "positive", "positive": "negative"}.get(polarity, polarity)


def stance_matrix(cues: pd.DataFrame) -> pd.DataFrame:
    """Speaker x target counts by polarity: speaker, target, negative, neutral, positive, total.

    Cues without a speaker or a target are left out: they say nothing about who
    stands where towards whom.
    """
    known = cues[(cues["speaker"] != "") & (cues["target"] != "")]
    if known.empty:
        return pd.DataFrame(columns=["speaker", "target", "negative", "neutral", "positive", "total"])
    table = known.pivot_table(index=["speaker", "target"], columns="polarity", values="cue", aggfunc="count",
                              fill_value=0)
    table = table.reindex(columns=["negative", "neutral", "positive"], fill_value=0)
    table["total"] = table.sum(axis=1)
    return table.reset_index().rename_axis(columns=None).sort_values(
        ["total", "speaker", "target"], ascending=[False, True, True], ignore_index=True)


def filter_cues(cues: pd.DataFrame, *, speakers=None, targets=None, categories=None, kinds=None,
                min_confidence: float | None = None) -> pd.DataFrame:
    """The cues whose speaker, target, category and kind are among those given (None or empty: any) and whose
    confidence is at least min_confidence (None: every row of the table)."""
    keep = pd.Series(True, index=cues.index)
    for column, allowed in (("speaker", speakers), ("target", targets), ("category", categories), ("kind", kinds)):
        if allowed:
            keep &= cues[column].isin(list(allowed))
    if min_confidence is not None:
        keep &= cues["confidence"] >= min_confidence
    return cues[keep]
