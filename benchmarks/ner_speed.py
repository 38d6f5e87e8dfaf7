"""Speed of the shipped pipeline (tokenize + NER) on real articles, in one process.

Usage: python benchmarks/ner_speed.py [--data ../shared/data] [--articles 300]
Prints model load time, tokens per second of the full pipeline, and of NER
alone on the same tokens (pretokenized), over the first N IndoSum dev
articles after korwatch's cleaning.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from korwatch_utils import clean, load_articles  # noqa: E402
from korwatch_utils.ner import load_pipeline  # noqa: E402
from training.stages import DEFAULT_DATA  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    import stanza

    files = sorted((args.data / "articles" / "indosum-dev").glob("*.txt"))[: args.articles]
    texts = list(clean(load_articles(files).articles).articles["text"])

    start = time.perf_counter()
    nlp = load_pipeline()
    load_seconds = time.perf_counter() - start
    nlp("Pemanasan.")  # first call allocates; not part of the steady rate

    start = time.perf_counter()
    docs = nlp([stanza.Document([], text=t) for t in texts])
    full_seconds = time.perf_counter() - start
    tokens = sum(d.num_tokens for d in docs)

    pretokenized = load_pipeline(pretokenized=True)
    token_lists = [[t.text for t in s.tokens] for d in docs for s in d.sentences]
    start = time.perf_counter()
    pretokenized(token_lists)
    ner_seconds = time.perf_counter() - start

    print(f"articles            {len(texts)}")
    print(f"tokens              {tokens}")
    print(f"torch threads       {torch.get_num_threads()}")
    print(f"model load          {load_seconds:.2f} s")
    print(f"tokenize + NER      {tokens / full_seconds:,.0f} tokens/s ({full_seconds:.1f} s)")
    print(f"NER alone           {tokens / ner_seconds:,.0f} tokens/s ({ner_seconds:.1f} s)")
    print(f"tokenizer share     {100 * (1 - ner_seconds / full_seconds):.0f} % of the full pipeline's time")


if __name__ == "__main__":
    main()
