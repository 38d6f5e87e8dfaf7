"""Word2vec vectors on ../shared/data/corpus, saved as a Stanza pretrain file."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

# The NER sets split punctuation off words but keep hyphenated and apostrophe words whole.
TOKEN = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")
SEED = 1234


def stable_hash(word: str) -> int:
    """gensim seeds each word's start vector with hash(word); Python's hash changes per process."""
    return zlib.crc32(word.encode("utf-8"))


def corpus_sentences(corpus_dir: Path) -> list[list[str]]:
    """Lower-cased token lists, one per corpus line (Stanza's NER looks words up lower-cased)."""
    sentences = []
    for path in sorted(corpus_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            tokens = TOKEN.findall(line.lower())
            if len(tokens) > 2:
                sentences.append(tokens)
    return sentences


def train_vectors(corpus_dir: Path, vectors_txt: Path, pretrain_pt: Path, *, dim: int = 100) -> dict:
    """Train skip-gram word2vec, write the word2vec text file, and convert it to Stanza's .pt."""
    from gensim.models import Word2Vec

    sentences = corpus_sentences(corpus_dir)
    # One worker and a stable hash make the vectors identical from run to run (gensim's own advice);
    # the NER tagger trained on them is then bit-identical too, at ~40 s more here (112 s).
    model = Word2Vec(sentences, vector_size=dim, window=5, min_count=3, sg=1, negative=10, epochs=5,
                     workers=1, seed=SEED, hashfxn=stable_hash)
    vectors_txt.parent.mkdir(parents=True, exist_ok=True)
    model.wv.save_word2vec_format(str(vectors_txt), binary=False)
    _to_pretrain(vectors_txt, pretrain_pt)
    return {"sentences": len(sentences), "tokens": sum(map(len, sentences)), "vocab": len(model.wv)}


def _to_pretrain(vectors_txt: Path, pretrain_pt: Path) -> None:
    from stanza.models.common.pretrain import Pretrain

    pretrain_pt.unlink(missing_ok=True)
    Pretrain(str(pretrain_pt), str(vectors_txt), max_vocab=-1).load()

