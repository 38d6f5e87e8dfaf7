"""Word2vec vectors on ../shared/data/corpus, saved as a Stanza pretrain file."""

from __future__ import annotations

import argparse
import json
import re
import zlib
from pathlib import Path

from training.stages import DEFAULT_DATA, WORK, run_stage

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


def train_fasttext_vectors(corpus_dir: Path, vectors_txt: Path, pretrain_pt: Path, *, extra_words: set[str],
                           dim: int = 100, min_count: int = 2) -> dict:
    """Skip-gram fastText on the corpus; the pretrain file holds its words seen min_count times and extra_words.

    Stanza looks words up in a fixed vocabulary, so fastText's n-grams help only at
    training time: they give rare corpus words and extra_words (the NER training
    sets' words, most of them names the corpus lacks) vectors built from their
    pieces instead of none. Same settings and determinism as train_vectors.
    """
    from gensim.models import FastText

    sentences = corpus_sentences(corpus_dir)
    model = FastText(sentences, vector_size=dim, window=5, min_count=min_count, sg=1, negative=10, epochs=5,
                     min_n=3, max_n=6, workers=1, seed=SEED, hashfxn=stable_hash)
    words = list(model.wv.index_to_key)
    known = set(words)
    words += sorted(word for word in extra_words if word not in known and not any(c.isspace() for c in word))
    vectors_txt.parent.mkdir(parents=True, exist_ok=True)
    with vectors_txt.open("w", encoding="utf-8") as out:
        out.write(f"{len(words)} {dim}\n")
        for word in words:
            out.write(word + " " + " ".join(f"{value:.6f}" for value in model.wv[word]) + "\n")
    _to_pretrain(vectors_txt, pretrain_pt)
    return {"sentences": len(sentences), "tokens": sum(map(len, sentences)), "corpus_vocab": len(known),
            "vocab": len(words)}


def ner_training_words(ner_dir: Path, splits: tuple[str, ...] = ("train", "news_train")) -> set[str]:
    """Lower-cased words of the converted NER training splits (never an evaluation split)."""
    return {token["text"].lower() for split in splits
            for sentence in json.loads((ner_dir / f"{split}.json").read_text(encoding="utf-8"))
            for token in sentence}


def _to_pretrain(vectors_txt: Path, pretrain_pt: Path) -> None:
    from stanza.models.common.pretrain import Pretrain

    pretrain_pt.unlink(missing_ok=True)
    Pretrain(str(pretrain_pt), str(vectors_txt), max_vocab=-1).load()


def main(argv=None) -> None:
    """Build the fastText variant (session 8, not shipped) as a resumable stage: training/work/fasttext/."""
    parser = argparse.ArgumentParser(description="fastText vectors for a seed study (`make models` builds "
                                                 "the shipped word2vec vectors)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    out = WORK / "fasttext"
    pretrain_pt = out / "id_korwatch.pretrain.pt"
    if not (WORK / "ner" / "train.json").exists():
        parser.error("convert the NER sets first: python -m training.build_all --only convert_ner")
    run_stage("fasttext_vectors", [pretrain_pt], lambda: train_fasttext_vectors(
        args.data / "corpus", out / "vectors.txt", pretrain_pt, extra_words=ner_training_words(WORK / "ner")))


if __name__ == "__main__":
    main()
