"""Consecutive `korwatch run` on one folder, each into a fresh output folder, with both cores kept busy.

Prints, per run, the exit status, the seconds, and whether stderr held a
traceback or a kernel warning; then the summary. Each run's record is appended
to --log as a JSON line, so an interrupted benchmark keeps what it measured.

    python -m benchmarks.first_run --runs 20 --busy 2
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _spin(stop) -> None:
    """Keep one core busy until stop is set."""
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def one_run(folder: Path, out: Path, store: Path) -> dict:
    """One `korwatch run` as a user starts it; what it exited with, how long it took, what stderr held."""
    # This checkout's korwatch, in the command and in its kernels, whatever the virtual environment installed.
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "korwatch_utils.cli", "run", str(folder), "--out", str(out),
                             "--store", str(store)], capture_output=True, text=True, env=env)
    return {"status": result.returncode, "seconds": round(time.perf_counter() - started, 1),
            "traceback": "Traceback" in result.stderr, "kernel_warning": "WARNING | Kernel" in result.stderr,
            "failed_lines": [line for line in result.stderr.splitlines() if "failed" in line or "error" in line]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(ROOT / "seeds"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--busy", type=int, default=2, help="processes that keep a core busy meanwhile")
    parser.add_argument("--cold-store", action="store_true", help="a fresh store for every run (NER every time)")
    parser.add_argument("--log", default=str(ROOT / "benchmarks" / "first_run.jsonl"))
    args = parser.parse_args()
    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True) for _ in range(args.busy)]
    for spinner in spinners:
        spinner.start()
    records = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for number in range(1, args.runs + 1):
                store = Path(scratch) / (f"store{number}" if args.cold_store else "store") / "korwatch.duckdb"
                record = {"run": number, "busy": args.busy, **one_run(Path(args.folder), Path(scratch) / f"out{number}",
                                                                      store)}
                records.append(record)
                print(f"run {number:2d}: exit {record['status']} in {record['seconds']:5.1f} s"
                      f"{'  TRACEBACK' if record['traceback'] else ''}"
                      f"{'  KERNEL WARNING' if record['kernel_warning'] else ''}", flush=True)
                with open(args.log, "a", encoding="utf-8") as log:
                    log.write(json.dumps(record) + "\n")
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join()
    seconds = sorted(record["seconds"] for record in records)
    passed = sum(record["status"] == 0 and not record["traceback"] and not record["kernel_warning"]
                 for record in records)
    print(f"{passed} of {len(records)} runs exited 0 with no traceback and no kernel warning, {args.busy} cores "
          f"kept busy; seconds: min {seconds[0]}, median {seconds[len(seconds) // 2]}, max {seconds[-1]}")


if __name__ == "__main__":
    main()
