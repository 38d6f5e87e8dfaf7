"""Full run, re-run after one new article, peak memory and NER share, at 100, 300 and 1,000 articles;
then one process against two local Dask workers at 300 and 1,000 articles.

Usage: python -m benchmarks.scale [--data ../shared/data] [--sizes 100 300 1000] [--worker-sizes 300 1000]

For each size, in a fresh process with an empty NER cache and an empty store:
copy the first N IndoSum dev articles (with their metadata.csv rows) to a
temporary folder, run what `korwatch run` does before executing the notebooks
(store sync, reading every table back, CSV export, report.html), then add one
article and run it again. Prints wall time, the share of the full run spent in
the NER model, how much the rest adds to NER time, the re-run's share of the
full run, and the peak resident memory of the process.

Then, for each worker size, the same articles are synced into a fresh store
with a fresh cache by this process alone (`workers=1`), by two fresh local
worker processes (`workers=2`, their start-up included) and by the two
running workers of a `dask scheduler` on 127.0.0.1 that already hold the
models (`--scheduler`, as an analyst who keeps workers running between runs):
wall time, the speed-ups, the largest resident memory any worker process
reached, and stance work as a share of NER time.

Last, the whole `korwatch run`, notebooks included, on 31 articles and then
again after one more (`--refresh-size`): the refresh target is a re-run of at
most 30 % of the full run.
"""

import argparse
import json
from contextlib import contextmanager, nullcontext
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from training.stages import DEFAULT_DATA


def copy_articles(data: Path, size: int, target: Path) -> list[Path]:
    """The first size IndoSum dev articles and their metadata.csv rows in target; returns every dev file."""
    folder = data / "articles" / "indosum-dev"
    files = sorted(folder.glob("*.txt"))
    target.mkdir()
    for path in files[:size]:
        shutil.copy(path, target / path.name)
    metadata = (folder / "metadata.csv").read_text(encoding="utf-8").splitlines()
    wanted = {path.name for path in files[: size + 1]}
    kept = [metadata[0]] + [line for line in metadata[1:] if line.split(",", 1)[0] in wanted]
    (target / "metadata.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return files


def run_once(source: Path, out: Path) -> dict:
    """What `korwatch run` does before the notebooks; returns its seconds by step."""
    import pandas as pd

    from korwatch_utils.text.cleaning import size_summary
    from korwatch_utils.analyses.entities import cooccurrence, entity_table
    from korwatch_utils.views.report import html_report
    from korwatch_utils.analyses.stance import stance_matrix
    from korwatch_utils.tables import join_lists
    from korwatch_utils.storage.store import Store, default_store_path

    start = time.perf_counter()
    store = Store(default_store_path(source))
    report = store.sync(source, progress=False)
    synced = time.perf_counter()
    cleaned, analysis = store.cleaned(), store.tables()
    out.mkdir(parents=True, exist_ok=True)
    frames = {"summary": size_summary(cleaned), "entities": entity_table(analysis.mentions),
              "cooccurrence": cooccurrence(analysis.mentions), "stance_matrix": stance_matrix(analysis.cues),
              **analysis._asdict()}
    for name, frame in frames.items():
        join_lists(pd.DataFrame(frame)).to_csv(out / f"{name}.csv", index=False)
    (out / "report.html").write_text(html_report(str(source), store.table("load_report"), cleaned, analysis,
                                                 pairs=frames["cooccurrence"]))
    total = time.perf_counter() - start
    return {"total": total, "sync": synced - start, "export": total - (synced - start),
            "ner": report.seconds.get("ner", 0.0), "new": len(report.new)}


def one_size(size: int, data: Path) -> dict:
    """Run in its own process: a fresh cache, a fresh store, and peak memory of this size alone."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KORWATCH_CACHE"] = str(Path(tmp) / "cache")
        source = Path(tmp) / "articles"
        files = copy_articles(data, size, source)
        from korwatch_utils.nlp.ner import load_pipeline

        load_pipeline()  # model load is not part of either run
        full = run_once(source, Path(tmp) / "out")
        shutil.copy(files[size], source / files[size].name)
        rerun = run_once(source, Path(tmp) / "out")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"size": size, "full": full, "rerun": rerun, "peak_mb": peak_mb}


class PeakMemory:
    """The largest resident memory each child process of this one reaches, sampled every 0.2 s."""

    def __init__(self):
        import threading

        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        import psutil  # installed with distributed

        me = psutil.Process()
        while not self._stop.wait(0.2):
            for child in me.children(recursive=True):
                try:
                    self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), child.memory_info().rss / 2**20)
                except psutil.Error:
                    pass

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


@contextmanager
def running_scheduler(tmp: Path, env: dict, *, warm: bool = True):
    """A `dask scheduler` and a `dask worker` with two one-thread processes on 127.0.0.1 (tests/test_cluster.py
    uses it too); warm: with the models loaded, as workers an analyst keeps running between runs."""
    from distributed import Client

    address_file = tmp / "scheduler.json"
    started = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                                 "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(address_file)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # the file is written in one go, but give the scheduler a moment to listen
        address = json.loads(address_file.read_text())["address"]
        started.append(subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nworkers", "2",
                                         "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
            if warm:
                client.run(warm_up)
        yield address
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=30)


def warm_up() -> None:
    """Load the models in this process, as a worker that has analysed before holds them."""
    import torch

    from korwatch_utils.nlp.ner import load_pipeline
    from korwatch_utils.nlp.syntax import load_parser

    torch.set_num_threads(1)
    load_pipeline(), load_parser()


def workers_compared(size: int, data: Path) -> dict:
    """Sync size articles into fresh stores: alone, on two fresh local workers, and on two running workers
    of a scheduler; seconds and peak MB per worker."""
    from korwatch_utils.storage.store import Store

    result = {"size": size}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles"
        copy_articles(data, size, source)
        for way in ("1", "2", "scheduler"):
            os.environ["KORWATCH_CACHE"] = str(Path(tmp) / f"cache{way}")
            with PeakMemory() as memory, (running_scheduler(Path(tmp), dict(os.environ)) if way == "scheduler"
                                          else nullcontext()) as address:
                start = time.perf_counter()
                report = Store(Path(tmp) / f"store{way}.duckdb").sync(
                    source, progress=False, workers=1 if way == "1" else 2, scheduler=address)
                seconds = time.perf_counter() - start
            result[way] = {"seconds": seconds, "ner": report.seconds["ner"], "stance": report.seconds["stance"],
                           "worker_peak_mb": max(memory.peaks.values(), default=0.0)}
        result["process_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def refresh(size: int, data: Path) -> dict:
    """`korwatch run` (notebooks included) on size articles, then again after one more: seconds of each."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles"
        files = copy_articles(data, size, source)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "KORWATCH_CACHE": str(Path(tmp) / "cache")}
        command = [str(Path(sys.executable).parent / "korwatch"), "run", str(source), "--out", str(Path(tmp) / "out")]
        seconds = []
        for step in ("full", "rerun"):
            if step == "rerun":
                shutil.copy(files[size], source / files[size].name)
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            seconds.append(time.perf_counter() - start)
    return {"full": seconds[0], "rerun": seconds[1]}


def measured_apart(data: Path, flag: str, size: int) -> subprocess.CompletedProcess:
    """This script run as a module in a fresh process (empty caches, its own peak memory) for one measurement."""
    return subprocess.run([sys.executable, "-m", "benchmarks.scale", "--data", str(data), flag, str(size)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"},
                          check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 300, 1000])
    parser.add_argument("--worker-sizes", type=int, nargs="*", default=[300, 1000])
    parser.add_argument("--refresh-size", type=int, default=31, help="articles for the korwatch run refresh (0: skip)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    parser.add_argument("--workers-at", type=int, help=argparse.SUPPRESS)  # internal: compare workers at one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.data)))
        return
    if args.workers_at:
        print(json.dumps(workers_compared(args.workers_at, args.data)))
        return
    if args.sizes:
        print(f"{'articles':>8} {'full run':>9} {'NER':>8} {'NER share':>9} {'non-NER/NER':>11} "
              f"{'re-run':>8} {'re-run/full':>11} {'peak MB':>8}")
    for size in args.sizes:
        result = measured_apart(args.data, "--one", size)
        r = json.loads(result.stdout.strip().splitlines()[-1])
        full, rerun = r["full"], r["rerun"]
        print(f"{size:>8} {full['total']:>8.1f}s {full['ner']:>7.1f}s {full['ner'] / full['total']:>9.0%} "
              f"{(full['total'] - full['ner']) / full['ner']:>11.0%} {rerun['total']:>7.2f}s "
              f"{rerun['total'] / full['total']:>11.1%} {r['peak_mb']:>8.0f}")
    if args.worker_sizes:
        print(f"\n{'articles':>8} {'1 process':>10} {'2 workers':>10} {'speed-up':>9} {'peak MB/worker':>15} "
              f"{'stance/NER':>11} {'2 running':>10} {'speed-up':>9}")
    for size in args.worker_sizes:
        result = measured_apart(args.data, "--workers-at", size)
        r = json.loads(result.stdout.strip().splitlines()[-1])
        one, two, running = r["1"], r["2"], r["scheduler"]
        print(f"{size:>8} {one['seconds']:>9.1f}s {two['seconds']:>9.1f}s {one['seconds'] / two['seconds']:>8.2f}x "
              f"{two['worker_peak_mb']:>15.0f} {one['stance'] / one['ner']:>11.1%} {running['seconds']:>9.1f}s "
              f"{one['seconds'] / running['seconds']:>8.2f}x")
    if args.refresh_size:
        r = refresh(args.refresh_size, args.data)
        print(f"\nkorwatch run, notebooks included: {args.refresh_size} articles {r['full']:.1f} s; after one more "
              f"{r['rerun']:.1f} s ({r['rerun'] / r['full']:.0%} of the full run)")


if __name__ == "__main__":
    main()
