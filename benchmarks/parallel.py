"""What two local Dask workers gain, beside what two plain processes gain, on the same articles.

Usage: python -m benchmarks.parallel [--data ../shared/data] [--articles 300] [--rounds 2]

The first --articles IndoSum dev articles, each configuration with a cold NER
cache and a new store, `korwatch mentions` (the whole analysis, into the
store) measured side by side in each round:
  one process:        all articles, `--workers 1`;
  two processes:      two `--workers 1` commands at once, half the articles each;
  two Dask workers:   all articles, `--workers 2` (the workers' start included).
Prints each time, the gains (one process / the other), and the Dask gain as a
share of the plain processes' gain (target >= 0.9).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from training.stages import DEFAULT_DATA


def _start(folder: Path, workers: int, scratch: Path) -> subprocess.Popen:
    cache, store = Path(tempfile.mkdtemp(dir=scratch)), Path(tempfile.mkdtemp(dir=scratch)) / "k.duckdb"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "KORWATCH_CACHE": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "korwatch_utils.cli", "mentions", str(folder), "--workers",
                             str(workers), "--store", str(store)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)


def timed(runs: list[tuple[Path, int]], scratch: Path) -> float:
    """Seconds until every (folder, workers) command, started at once, has finished."""
    started = time.perf_counter()
    processes = [_start(folder, workers, scratch) for folder, workers in runs]
    errors = [process.communicate()[1] for process in processes]
    if any(process.returncode for process in processes):
        raise SystemExit(f"korwatch mentions failed: {[e.strip().splitlines()[-1:] for e in errors]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    source = sorted((args.data / "articles" / "indosum-dev").glob("*.txt"))[:args.articles]
    with tempfile.TemporaryDirectory() as work:
        scratch = Path(work)
        whole, halves = scratch / "all", [scratch / "first", scratch / "second"]
        for folder in (whole, *halves):
            folder.mkdir()
        for number, path in enumerate(source):
            shutil.copy(path, whole / path.name)
            shutil.copy(path, halves[number * 2 // len(source)] / path.name)
        print(f"{len(source)} IndoSum articles, `korwatch mentions`, cold NER cache and new store each time; "
              f"{os.cpu_count()} cores")
        for round_ in range(1, args.rounds + 1):
            one = timed([(whole, 1)], scratch)
            plain = timed([(halves[0], 1), (halves[1], 1)], scratch)
            dask = timed([(whole, 2)], scratch)
            print(f"round {round_}: one process {one:.1f} s; two processes {plain:.1f} s (gain {one / plain:.2f}x); "
                  f"--workers 2 {dask:.1f} s (gain {one / dask:.2f}x); Dask gain / plain gain "
                  f"{(one / dask) / (one / plain):.2f}", flush=True)


if __name__ == "__main__":
    main()
