"""Two korwatch commands at once against one after the other, with torch's threads per process set.

Usage: python -m benchmarks.threads [--data ../shared/data] [--articles 150]

Two folders of IndoSum dev articles; `korwatch ner FOLDER --workers 1` (the
analysis in the process) on each, with a cold NER cache every time: both at
once, then one after the other, with one torch thread per process (the
default) and with two (what torch takes on this machine unless told).
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


def _command(folder: Path, threads: int, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "KORWATCH_CACHE": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "korwatch_utils.cli", "ner", str(folder), "--workers", "1",
                             "--threads", str(threads)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def timed(folders: list[Path], threads: int, together: bool, scratch: Path) -> float:
    """Seconds for `korwatch ner` on each folder, at once or in turn, each with its own cold cache."""
    caches = [Path(tempfile.mkdtemp(dir=scratch)) for _ in folders]
    started = time.perf_counter()
    if together:
        running = [_command(folder, threads, cache) for folder, cache in zip(folders, caches)]
        codes = [process.wait() for process in running]
    else:
        codes = [_command(folder, threads, cache).wait() for folder, cache in zip(folders, caches)]
    if any(codes):
        raise SystemExit(f"korwatch ner failed: exit {codes}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=150, help="articles in each of the two folders")
    args = parser.parse_args()
    source = sorted((args.data / "articles" / "indosum-dev").glob("*.txt"))[:2 * args.articles]
    with tempfile.TemporaryDirectory() as work:
        scratch = Path(work)
        folders = [scratch / "first", scratch / "second"]
        for number, folder in enumerate(folders):
            folder.mkdir()
            for path in source[number * args.articles:(number + 1) * args.articles]:
                shutil.copy(path, folder / path.name)
        print(f"two folders of {args.articles} IndoSum articles, `korwatch ner --workers 1`, cold caches")
        for threads in (1, 2):
            apart = timed(folders, threads, False, scratch)
            together = timed(folders, threads, True, scratch)
            print(f"torch threads {threads}: one after the other {apart:.1f} s, at once {together:.1f} s "
                  f"(at once / apart = {together / apart:.2f})")


if __name__ == "__main__":
    main()
