"""Speed of the shipped pipeline (tokenize + NER) on real articles, in one process.

Usage: python -m benchmarks.ner_speed [--data ../shared/data] [--articles 300] [--repeats 2]
                                     [--compare-batch-size 32]
Prints model load time, tokens per second of `annotate` (the pipeline, then
re-tagging sentences with joined abbreviations; no cache), of the plain stanza
pipeline, and of NER alone on the
same tokens (pretokenized), over the first N IndoSum dev articles after
korwatch's cleaning. With --compare-batch-size, the plain pipeline is also timed
with the tagger at that batch size, alternating with the shipped setting, and the
ratio is printed with whether the entities are the same.
"""

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import torch

from korwatch_utils import clean, load_articles
from korwatch_utils.nlp.ner import NER_BATCH_SIZE, annotate, load_pipeline
from benchmarks.timing import best_time
from training.stages import DEFAULT_DATA


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--compare-batch-size", type=int, default=None,
                        help=f"also time the pipeline with this NER batch size (korwatch uses {NER_BATCH_SIZE})")
    args = parser.parse_args()
    import stanza

    files = sorted((args.data / "articles" / "indosum-dev").glob("*.txt"))[: args.articles]
    articles = clean(load_articles(files).articles).articles
    texts = list(articles["text"])

    start = time.perf_counter()
    nlp = load_pipeline()
    load_seconds = time.perf_counter() - start
    nlp("Pemanasan.")  # first call allocates; not part of the steady rate

    docs = nlp([stanza.Document([], text=t) for t in texts])
    tokens = sum(d.num_tokens for d in docs)
    token_lists = [[t.text for t in s.tokens] for d in docs for s in d.sentences]
    pretokenized = load_pipeline(pretokenized=True)
    full_seconds, _ = best_time(lambda: nlp([stanza.Document([], text=t) for t in texts]), args.repeats)
    annotate_seconds, _ = best_time(lambda: annotate(articles, use_cache=False), args.repeats)
    ner_seconds, _ = best_time(lambda: pretokenized(token_lists), args.repeats)

    print(f"articles            {len(texts)}")
    print(f"tokens              {tokens}")
    print(f"torch threads       {torch.get_num_threads()}")
    print(f"model load          {load_seconds:.2f} s (stanza pipeline)")
    print(f"annotate            {tokens / annotate_seconds:,.0f} tokens/s ({annotate_seconds:.1f} s)")
    print(f"tokenize + NER      {tokens / full_seconds:,.0f} tokens/s ({full_seconds:.1f} s)")
    print(f"NER alone           {tokens / ner_seconds:,.0f} tokens/s ({ner_seconds:.1f} s)")
    print(f"annotate / pipeline {annotate_seconds / full_seconds:.2f}")
    print(f"tokenizer share     {100 * (1 - ner_seconds / full_seconds):.0f} % of the full pipeline's time")
    if args.compare_batch_size:
        compare_batch_sizes(texts, docs, args.compare_batch_size, args.repeats)


def compare_batch_sizes(texts: list[str], docs, other_size: int, repeats: int) -> None:
    """Time the pipeline at korwatch's and another NER batch size in turn (the machine drifts) and compare."""
    import stanza

    pipelines = {"korwatch": load_pipeline(), "other": load_pipeline(ner_batch_size=other_size)}
    best = dict.fromkeys(pipelines, float("inf"))
    for _ in range(repeats):
        for name, nlp in pipelines.items():
            seconds, _ = best_time(lambda: nlp([stanza.Document([], text=t) for t in texts]), 1)
            best[name] = min(best[name], seconds)
    other_docs = pipelines["other"]([stanza.Document([], text=t) for t in texts])
    same = all([(e.start_char, e.end_char, e.type) for e in a.ents] == [(e.start_char, e.end_char, e.type) for e in b.ents]
               for a, b in zip(docs, other_docs))
    print(f"NER batch {NER_BATCH_SIZE} vs {other_size}  {best['other'] / best['korwatch']:.3f} times as fast; "
          f"entities {'the same' if same else 'DIFFERENT'}")

if __name__ == "__main__":
    main()
