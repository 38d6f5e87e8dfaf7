"""The shipped Stanza Indonesian pipeline (tokenize + NER): load once, annotate articles, cache by text hash."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from korwatch_utils.data import titles
from korwatch_utils.tables import columns
from korwatch_utils.weights import RESTORE_HINT, ModelFilesError

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_FILES = {
    "tokenize": "id_korwatch_tokenizer.pt",
    "ner": "id_korwatch_nertagger.pt",
    "pretrain": "id_korwatch.pretrain.pt",
}
ENTITY_TYPES = ("PER", "ORG", "LOC")
SENTENCE_COLUMNS = columns("sentences")
MENTION_COLUMNS = columns("mentions")
# Bump when the steps around the model change, so cached annotations are recomputed.
ANNOTATION_VERSION = "2"
Token = tuple[str, int, int, str | None]  # text, start_char, end_char, NER tag (None: to be tagged)


THREADS_ENV, THREADS_DEFAULT = "KORWATCH_THREADS", 1
# Stanza's default is 32 sentences; 128 runs the plain pipeline 5 to 7 % faster on this
# CPU with the same entities (`benchmarks/ner_speed.py --compare-batch-size 32` measures it).
NER_BATCH_SIZE = 128


class Annotations(NamedTuple):
    """The sentences and mentions tables of DESIGN.md."""

    sentences: pd.DataFrame
    mentions: pd.DataFrame


def model_path(kind: str, models_dir: Path = MODELS_DIR) -> Path:
    """Path of a shipped model file, checked to exist and be non-empty."""
    path = Path(models_dir) / MODEL_FILES[kind]
    if not path.is_file() or path.stat().st_size == 0:
        raise ModelFilesError(f"model file missing or empty: {path}; {RESTORE_HINT}")
    return path


def load_pipeline(pretokenized: bool = False, models_dir: str | Path | None = None,
                  ner_batch_size: int = NER_BATCH_SIZE):
    """A ready `stanza.Pipeline` for Indonesian with tokenize and ner, from the shipped files.

    Nothing is downloaded (download_method=None); the pipeline is built once per
    process and setting, however the arguments are spelled (`load_pipeline()` and
    `load_pipeline(models_dir=None)` return the same object). Entity types are PER, ORG and LOC.

    Args:
        pretokenized: accept lists of token lists instead of raw text.
        models_dir: another folder with the same file names (default: the package's).
        ner_batch_size: sentences the tagger runs at once (speed only; the tags are the same).

    Raises:
        ModelFilesError: a model file is missing, empty or corrupt.

    Example:
        >>> doc = load_pipeline()("Presiden Rusia Vladimir Putin tiba di Pyongyang.")
        >>> [(e.text, e.type) for e in doc.ents]
    """
    folder = Path(models_dir).resolve() if models_dir else MODELS_DIR
    return _build_pipeline(bool(pretokenized), folder, int(ner_batch_size))


def torch_threads() -> int:
    """The threads torch may use in this process: $KORWATCH_THREADS, else THREADS_DEFAULT.

    One by default: a second thread gains nothing here, and two processes each
    taking every core (a notebook's sync beside a command) ran four times slower
    together than one after the other (benchmarks/threads.py measures it).
    """
    value = os.environ.get(THREADS_ENV, "").strip()
    return max(1, int(value)) if value.isdigit() else THREADS_DEFAULT


_OPTIMIZER_SWAP = threading.RLock()


@contextmanager
def predicting_only():
    """Build Stanza models without the optimizers their trainers make for training.

    Stanza's trainers build optimizers even to predict, and torch's first optimizer imports torch._dynamo:
    1.4 to 1.9 s of a 2 to 2.7 s pipeline load here, paid by every command and Dask worker that loads the
    models. korwatch only predicts; Stanza has no option to skip them, so their factories are swapped out
    while a pipeline is built, under a lock (the swap is seen by the whole process). korwatch's models
    need nothing of their optimizers at load: no saved optimizer state, no fine-tuned transformer.
    """
    from stanza.models.common import utils

    with _OPTIMIZER_SWAP:
        saved = utils.get_optimizer, utils.get_split_optimizer
        utils.get_optimizer, utils.get_split_optimizer = (lambda *args, **kwargs: None), (lambda *args, **kwargs: {})
        try:
            yield
        finally:
            utils.get_optimizer, utils.get_split_optimizer = saved


@lru_cache(maxsize=1)
def shared_vectors():
    """A Stanza foundation cache for all of korwatch's pipelines: the word vectors the tagger, POS tagger and
    parser share are read once per process."""
    from stanza.models.common.foundation_cache import FoundationCache

    return FoundationCache(local_files_only=True)


@lru_cache(maxsize=4)
def _build_pipeline(pretokenized: bool, folder: Path, ner_batch_size: int):
    import stanza
    import torch

    torch.set_num_threads(torch_threads())

    paths = {kind: model_path(kind, folder) for kind in MODEL_FILES}
    try:
        with predicting_only():
            return stanza.Pipeline(
                lang="id", dir=str(folder), processors={"tokenize": "korwatch", "ner": "korwatch"},
                download_method=None,
                tokenize_model_path=str(paths["tokenize"]), tokenize_pretokenized=pretokenized,
                ner_model_path=str(paths["ner"]), ner_pretrain_path=str(paths["pretrain"]),
                ner_batch_size=ner_batch_size, use_gpu=False, logging_level="WARN",
                foundation_cache=shared_vectors(),
            )
    except Exception:
        # torch and pickle raise many kinds for a damaged file: if a file cannot be
        # read on its own, name it; any other error is a real bug and propagates.
        culprit = unreadable_file(paths)
        if culprit is None:
            raise
        path, reason = culprit
        raise ModelFilesError(f"cannot load model file {path} ({reason}); {RESTORE_HINT}") from None


def unreadable_file(paths: dict[str, Path]) -> tuple[Path, str] | None:
    """The first model file torch cannot load, with the reason, or None when all load."""
    import torch

    for path in paths.values():
        try:
            torch.load(path, map_location="cpu", weights_only=False)
        except Exception as error:
            return path, type(error).__name__
    return None


@lru_cache(maxsize=4)
def model_version(models_dir: str | None = None) -> str:
    """A short hash of the shipped model files: cached annotations from other models are not reused."""
    digest = hashlib.sha256()
    for kind in sorted(MODEL_FILES):
        digest.update(model_path(kind, Path(models_dir) if models_dir else MODELS_DIR).read_bytes())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    """$KORWATCH_CACHE, else ~/.cache/korwatch/ner."""
    return Path(os.environ.get("KORWATCH_CACHE", Path.home() / ".cache" / "korwatch")) / "ner"


def annotate(articles: pd.DataFrame, *, models_dir: str | None = None, cache_dir: str | os.PathLike | None = None,
             use_cache: bool = True) -> Annotations:
    """Sentences and entity mentions of each article's cleaned text.

    The shipped pipeline tags all uncached texts in one batch; sentences in which
    the tokenizer split a title abbreviation ("Tn" + ".") are tagged again from
    the joined tokens. Results are cached on disk per text hash and model
    version, so re-running a notebook does not re-run the model.

    Args:
        articles: the cleaned articles table (doc_id, text).
        models_dir: another folder of model files (default: the package's).
        cache_dir: where cached annotations live (default `default_cache_dir()`).
        use_cache: read and write the cache.

    Returns:
        Annotations(sentences, mentions). entity is the mention text until
        canonicalised by `korwatch_utils.analyses.entities`.
    """
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    version = f"{model_version(models_dir)}/{ANNOTATION_VERSION}"
    results: dict[int, dict] = {}
    todo: list[tuple[int, str, Path]] = []
    for index, text in enumerate(articles["text"]):
        key = hashlib.sha256(f"{version}\n{text}".encode("utf-8")).hexdigest()
        path = cache / key[:2] / f"{key}.json"
        if use_cache and path.is_file():
            try:
                results[index] = json.loads(path.read_text(encoding="utf-8"))
                continue
            except (OSError, ValueError):
                pass  # a damaged cache entry is recomputed
        todo.append((index, text, path))

    if todo:
        tables = _annotate_texts([text for _, text, _ in todo], models_dir)
        for (index, _, path), table in zip(todo, tables):
            results[index] = table
            if use_cache:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")  # two processes may write the same entry
                tmp.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
                tmp.replace(path)  # atomic: an interrupted run leaves no half-written entry

    sentences, mentions = [], []
    for index, doc_id in enumerate(articles["doc_id"]):
        sentences.extend([doc_id, *row] for row in results[index]["sentences"])
        mentions.extend([doc_id, *row] for row in results[index]["mentions"])
    return Annotations(
        _typed(pd.DataFrame(sentences, columns=SENTENCE_COLUMNS)),
        _typed(pd.DataFrame(mentions, columns=MENTION_COLUMNS[:6])).assign(  # as tagged: entity = text, no code
            entity=lambda frame: frame["text"], code=""),
    )



def _annotate_texts(texts: list[str], models_dir: str | None) -> list[dict]:
    """Plain sentence and mention rows for each text: Stanza objects stop here.

    The full pipeline tags every sentence; only the few sentences where an
    abbreviation was joined are tagged again, from their joined tokens.
    """
    import stanza

    pipeline = load_pipeline(models_dir=models_dir)
    docs = pipeline([stanza.Document([], text=text) for text in texts])
    per_text = [join_abbreviations([[(t.text, t.start_char, t.end_char, t.ner) for t in s.tokens]
                                    for s in doc.sentences]) for doc in docs]
    retag = [sentence for sentences in per_text for sentence in sentences if any(t[3] is None for t in sentence)]
    if retag:
        # The same tagger over the joined tokens: a second, pre-tokenised pipeline would load the models again.
        joined = stanza.Document([[{"id": (number,), "text": token[0]} for number, token in enumerate(sentence, 1)]
                                  for sentence in retag])
        for sentence, tagged in zip(retag, pipeline.processors["ner"].process(joined).sentences):
            sentence[:] = [(*token[:3], tagged_token.ner) for token, tagged_token in zip(sentence, tagged.tokens)]
    tables = []
    for text, sentences in zip(texts, per_text):
        sentence_rows, mention_rows = [], []
        for sent_id, tokens in enumerate(sentences):
            start, end = tokens[0][1], tokens[-1][2]
            sentence_rows.append([sent_id, start, end, text[start:end]])
            for first, last, kind in tag_spans([token[3] for token in tokens]):
                begin, finish = tokens[first][1], tokens[last - 1][2]
                mention_rows.append([sent_id, begin, finish, text[begin:finish], kind])
        tables.append({"sentences": sentence_rows, "mentions": mention_rows})
    return tables


def tag_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """(first token, end token, type) of each entity in BIO or BIOES tags; a stray I- opens a span."""
    spans, start, kind = [], None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix in ("I", "E") and label == kind and start is not None
        if start is not None and not continues:
            spans.append((start, i, kind))
            start, kind = None, None
        if prefix in ("B", "S") or (prefix in ("I", "E") and start is None):
            start, kind = i, label
        if prefix in ("E", "S"):
            spans.append((start, i + 1, kind))
            start, kind = None, None
    return spans


def join_abbreviations(sentences: list[list[Token]]) -> list[list[Token]]:
    """Join a title abbreviation and its full stop ("Tn" + "." -> "Tn.") into one token.

    The tokenizer splits them, and the tagger then reads "Tn" as a name of its
    own and misses the person after it; "Tn. Campbell" as tokens is tagged
    right. A sentence the tokenizer ended at such an abbreviation is joined to
    the next one. Joined tokens get the tag None: their sentence must be tagged again.
    """
    joined: list[list[Token]] = []
    carry: list[Token] = []
    for sentence in sentences:
        tokens = carry + []
        for token in sentence:
            if token[0] == "." and tokens and tokens[-1][0] in _abbreviations() and tokens[-1][2] == token[1]:
                tokens[-1] = (tokens[-1][0] + ".", tokens[-1][1], token[2], None)
            else:
                tokens.append(token)
        ends_with_abbreviation = tokens[-1][0].endswith(".") and tokens[-1][0][:-1] in _abbreviations()
        carry = tokens if ends_with_abbreviation and len(tokens) > 1 else []
        if not carry:
            joined.append(tokens)
    if carry:
        joined.append(carry)
    return joined


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(title[:-1] for title in titles() if title.endswith(".") and " " not in title)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("sent_id", "start_char", "end_char"):
        frame[column] = frame[column].astype("int64")
    return frame
