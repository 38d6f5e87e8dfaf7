"""Dependency parses of the few sentences stance attribution needs: korwatch's Stanza POS tagger and parser.

The models are trained on UD Indonesian GSD and CSUI as korwatch tokenizes
(training/train_syntax.py); a sentence is split into words and punctuation
here and parsed pre-tokenised, so each word keeps its character offsets.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from korwatch_utils.nlp.ner import (
    MODELS_DIR, RESTORE_HINT, ModelFilesError, model_path, predicting_only, shared_vectors, unreadable_file,
)

PARSER_FILES = {"pos": "id_korwatch_tagger.pt", "depparse": "id_korwatch_parser.pt"}
TOKEN = re.compile(r"\w+(?:[-.']\w+)*|[^\w\s]")
# Relations inside a name or a title phrase ("Presiden AS Donald Trump"), not clauses.
NAME_RELATIONS = {"flat", "flat:name", "flat:foreign", "compound", "appos", "nmod", "nmod:poss", "amod", "det", "nummod"}
# A sentence longer than this is parsed as its first MAX_WORDS words: a parse costs its length squared.
MAX_WORDS = 120


class Word(NamedTuple):
    """One word of a parsed sentence; head is the index of its head in the sentence's list, -1 for the root."""

    text: str
    start: int
    end: int
    upos: str
    head: int
    deprel: str


def has_parser(models_dir: Path = MODELS_DIR) -> bool:
    """Whether the tagger and parser files are shipped."""
    return all((Path(models_dir) / name).is_file() for name in PARSER_FILES.values())


@lru_cache(maxsize=1)
def parser_version(models_dir: Path = MODELS_DIR) -> str:
    """A short hash of the tagger and parser files ('none' without them): stored cues from other parses are redone."""
    if not has_parser(models_dir):
        return "none"
    digest = hashlib.sha256()
    for name in sorted(PARSER_FILES.values()):
        digest.update((Path(models_dir) / name).read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def load_parser(models_dir: Path = MODELS_DIR):
    """A pre-tokenised `stanza.Pipeline` with POS, identity lemmas and dependency parsing; built once per process.

    Raises:
        ModelFilesError: a model file is missing, empty or corrupt.
    """
    import stanza

    paths = {"tokenize": model_path("tokenize", models_dir), "pretrain": model_path("pretrain", models_dir),
             **{kind: Path(models_dir) / name for kind, name in PARSER_FILES.items()}}
    try:
        with predicting_only():
            return stanza.Pipeline(
                lang="id", dir=str(models_dir), package=None, download_method=None, use_gpu=False,
                logging_level="WARN",
                processors={"tokenize": "korwatch", "pos": "korwatch", "lemma": "identity", "depparse": "korwatch"},
                tokenize_pretokenized=True, tokenize_model_path=str(paths["tokenize"]),
                pos_model_path=str(paths["pos"]), pos_pretrain_path=str(paths["pretrain"]), lemma_use_identity=True,
                depparse_model_path=str(paths["depparse"]), depparse_pretrain_path=str(paths["pretrain"]),
                foundation_cache=shared_vectors(),
            )
    except Exception:
        culprit = unreadable_file(paths)  # as in ner: name a damaged file, let a real bug propagate
        if culprit is None:
            raise
        path, reason = culprit
        raise ModelFilesError(f"cannot load model file {path} ({reason}); {RESTORE_HINT}") from None


def parse(texts: list[str], models_dir: Path = MODELS_DIR) -> list[list[Word]]:
    """Each text parsed as one sentence, in one batch; offsets are within the text."""
    spans = [[(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)][:MAX_WORDS] for text in texts]
    todo = [i for i, words in enumerate(spans) if words]
    parsed: list[list[Word]] = [[] for _ in texts]
    if not todo:
        return parsed
    doc = load_parser(models_dir)([[word for word, _, _ in spans[i]] for i in todo])
    for i, sentence in zip(todo, doc.sentences):
        parsed[i] = [Word(text, start, end, word.upos, word.head - 1, word.deprel)
                     for (text, start, end), word in zip(spans[i], sentence.words)]
    return parsed


def children(words: list[Word], index: int) -> list[int]:
    """The indices of the words whose head is index."""
    return [i for i, word in enumerate(words) if word.head == index]
