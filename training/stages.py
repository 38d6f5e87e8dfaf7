"""Resumable training stages: each writes its outputs, then a marker with its duration."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
WORK = ROOT / "training" / "work"
LOG = ROOT / "training" / "stage_times.jsonl"


def run_stage(name: str, outputs: list[Path], build: Callable[[], dict | None], *, force: bool = False,
              log: Path = LOG) -> None:
    """Run build() unless every output and the stage's done-marker exist; append the duration to log.

    A stage killed midway leaves no marker, so the next run redoes it.
    """
    marker = WORK / f"{name}.done"
    if not force and marker.exists() and all(p.exists() for p in outputs):
        print(f"[{name}] done already ({json.loads(marker.read_text())['seconds']:.0f} s when built); skipping")
        return
    marker.unlink(missing_ok=True)
    print(f"[{name}] starting", flush=True)
    start = time.perf_counter()
    details = build() or {}
    seconds = time.perf_counter() - start
    record = {"stage": name, "seconds": round(seconds, 1), "finished": time.strftime("%Y-%m-%d %H:%M:%S"), **details}
    WORK.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(record))
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    print(f"[{name}] finished in {seconds:.0f} s {details}", flush=True)
