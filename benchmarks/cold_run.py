"""A cold `korwatch ner`: seconds from the command's start to its CSV, fresh NER cache, one process.

Usage: python -m benchmarks.cold_run [--data ../shared/data] [--articles 32 300] [--rounds 4]
                                     [--against PATH]

Everything a new command pays is in it: imports, model loading, tokenizing
and tagging the first N IndoSum dev articles. With --against (another
checkout of korwatch, e.g. `git worktree add /tmp/before HEAD~1`), the same
command runs from there too, alternating with this checkout in each round,
with each round's seconds and whether the two CSVs are the same, and the
ratios of the two checkouts' totals: CPU seconds (user + system: the cost per
core, which the machine's load moves least) and wall seconds. Rounds
alternate which checkout runs first: the first of a pair ran faster here.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from training.stages import DEFAULT_DATA

ROOT = Path(__file__).resolve().parent.parent


class Run(NamedTuple):
    wall: float  # seconds
    cpu: float  # the command's user + system seconds: its cost per core
    csv: str


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_ner(checkout: Path, folder: Path) -> Run:
    """`korwatch ner FOLDER --workers 1` run from a checkout with an empty cache: its times and CSV."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "KORWATCH_CACHE": cache}
        started, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run([sys.executable, "-m", "korwatch_utils.cli", "ner", str(folder), "--workers", "1"],
                              cwd=checkout, env=env, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SystemExit(f"korwatch ner failed in {checkout}: {last}")
    return Run(wall, cpu, done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, nargs="+", default=[32, 300])
    parser.add_argument("--rounds", type=int, default=4, help="an even number balances which runs first")
    parser.add_argument("--against", type=Path, help="another korwatch checkout to time side by side")
    args = parser.parse_args()
    args.against = args.against.resolve() if args.against else None
    source = sorted((args.data / "articles" / "indosum-dev").glob("*.txt"))
    for count in args.articles:
        with tempfile.TemporaryDirectory() as work:
            folder = Path(work)
            for path in source[:count]:
                shutil.copy(path, folder / path.name)
            totals = {"here": [0.0, 0.0], "there": [0.0, 0.0]}  # wall, cpu
            for round_ in range(1, args.rounds + 1):
                if not args.against:
                    run = cold_ner(ROOT, folder)
                    print(f"{count} articles, round {round_}: {run.wall:.1f} s, {run.cpu:.1f} CPU s", flush=True)
                    continue
                # Which runs first alternates: the first of a pair ran faster on the 2-core machine.
                order = [ROOT, args.against] if round_ % 2 else [args.against, ROOT]
                timed = {checkout: cold_ner(checkout, folder) for checkout in order}
                here, there = timed[ROOT], timed[args.against]
                for name, run in (("here", here), ("there", there)):
                    totals[name] = [totals[name][0] + run.wall, totals[name][1] + run.cpu]
                print(f"{count} articles, round {round_}: this checkout {here.wall:.1f} s ({here.cpu:.1f} CPU s), "
                      f"{args.against} {there.wall:.1f} s ({there.cpu:.1f} CPU s); same CSV: {here.csv == there.csv}",
                      flush=True)
            if args.against:
                (wall_here, cpu_here), (wall_there, cpu_there) = totals["here"], totals["there"]
                print(f"{count} articles over {args.rounds} rounds: {cpu_there / cpu_here:.2f}x as fast here per core "
                      f"(CPU {cpu_here:.1f} s against {cpu_there:.1f} s), {wall_there / wall_here:.2f}x in wall time "
                      f"({wall_here:.1f} s against {wall_there:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
