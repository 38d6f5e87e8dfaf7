"""The shipped Stanza Indonesian pipeline (tokenize + NER): load once, annotate articles, cache by text hash."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILES = {
    "tokenize": "id_korwatch_tokenizer.pt",
    "ner": "id_korwatch_nertagger.pt",
    "pretrain": "id_korwatch.pretrain.pt",
}
ENTITY_TYPES = ("PER", "ORG", "LOC")
SENTENCE_COLUMNS = ["doc_id", "sent_id", "start_char", "end_char", "text"]
MENTION_COLUMNS = ["doc_id", "sent_id", "start_char", "end_char", "text", "type", "entity"]
RESTORE_HINT = "restore it with `git checkout -- korwatch_utils/models` or rebuild it with `make models`"


class ModelFilesError(RuntimeError):
    """A shipped model file is missing or unreadable; the message names it and how to restore it."""


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


@lru_cache(maxsize=4)
def load_pipeline(pretokenized: bool = False, models_dir: str | None = None):
    """A ready `stanza.Pipeline` for Indonesian with tokenize and ner, from the shipped files.

    Nothing is downloaded (download_method=None); the pipeline is built once per
    process and argument set. Entity types are PER, ORG and LOC.

    Args:
        pretokenized: accept lists of token lists instead of raw text.
        models_dir: another folder with the same file names (default: the package's).

    Raises:
        ModelFilesError: a model file is missing, empty or corrupt.

    Example:
        >>> doc = load_pipeline()("Presiden Rusia Vladimir Putin tiba di Pyongyang.")
        >>> [(e.text, e.type) for e in doc.ents]
    """
    import stanza

    folder = Path(models_dir) if models_dir else MODELS_DIR
    paths = {kind: model_path(kind, folder) for kind in MODEL_FILES}
    try:
        return stanza.Pipeline(
            lang="id", dir=str(folder), processors={"tokenize": "korwatch", "ner": "korwatch"}, download_method=None,
            tokenize_model_path=str(paths["tokenize"]), tokenize_pretokenized=pretokenized,
            ner_model_path=str(paths["ner"]), ner_pretrain_path=str(paths["pretrain"]),
            use_gpu=False, logging_level="WARN",
        )
    except Exception:
        # torch and pickle raise many kinds for a damaged file: if a file cannot be
        # read on its own, name it; any other error is a real bug and propagates.
        culprit = _unreadable_file(paths)
        if culprit is None:
            raise
        path, reason = culprit
        raise ModelFilesError(f"cannot load model file {path} ({reason}); {RESTORE_HINT}") from None


def _unreadable_file(paths: dict[str, Path]) -> tuple[Path, str] | None:
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


def annotate(articles: pd.DataFrame, *, pipeline=None, cache_dir: str | os.PathLike | None = None,
             use_cache: bool = True) -> Annotations:
    """Sentences and entity mentions of each article's cleaned text.

    Results are cached on disk per text hash and model version, so re-running a
    notebook does not re-run the model. Only uncached texts reach the pipeline,
    in one batch.

    Args:
        articles: the cleaned articles table (doc_id, text).
        pipeline: a stanza Pipeline (then nothing is cached); default `load_pipeline()`,
            loaded only if needed.
        cache_dir: where cached annotations live (default `default_cache_dir()`).
        use_cache: read and write the cache.

    Returns:
        Annotations(sentences, mentions). entity is the mention text until
        canonicalised by `korwatch_utils.entities`.
    """
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    if pipeline is not None:
        use_cache = False  # a caller's own pipeline has no version to key the cache by
    version = model_version() if pipeline is None else ""
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
        import stanza

        nlp = pipeline or load_pipeline()
        docs = nlp([stanza.Document([], text=text) for _, text, _ in todo])
        for (index, _, path), doc in zip(todo, docs):
            results[index] = _doc_tables(doc)
            if use_cache:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(results[index], ensure_ascii=False), encoding="utf-8")
                tmp.replace(path)  # atomic: an interrupted run leaves no half-written entry

    sentences, mentions = [], []
    for index, doc_id in enumerate(articles["doc_id"]):
        sentences.extend([doc_id, *row] for row in results[index]["sentences"])
        mentions.extend([doc_id, *row] for row in results[index]["mentions"])
    return Annotations(
        _typed(pd.DataFrame(sentences, columns=SENTENCE_COLUMNS)),
        _typed(pd.DataFrame(mentions, columns=MENTION_COLUMNS[:-1])).assign(
            entity=lambda frame: frame["text"]),
    )


def _doc_tables(doc) -> dict:
    """Plain rows from a stanza Document: Stanza objects stop here."""
    sentences, mentions = [], []
    bounds = []
    for sent_id, sentence in enumerate(doc.sentences):
        start, end = sentence.tokens[0].start_char, sentence.tokens[-1].end_char
        bounds.append((start, end))
        sentences.append([sent_id, start, end, doc.text[start:end]])
    for ent in doc.ents:
        span = ent.to_dict()
        sent_id = next((i for i, (s, e) in enumerate(bounds) if s <= span["start_char"] < e), -1)
        mentions.append([sent_id, span["start_char"], span["end_char"], span["text"], span["type"]])
    return {"sentences": sentences, "mentions": mentions}


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("sent_id", "start_char", "end_char"):
        frame[column] = frame[column].astype("int64")
    return frame
