"""Full run, re-run after one new article, peak memory and NER share, at 100, 300 and 1,000 articles.

Usage: python benchmarks/scale.py [--data ../shared/data] [--sizes 100 300 1000]

For each size, in a fresh process with an empty NER cache and an empty store:
copy the first N IndoSum dev articles (with their metadata.csv rows) to a
temporary folder, run what `korwatch run` does before executing the notebooks
(store sync, reading every table back, CSV export, report.html), then add one
article and run it again. Prints wall time, the share of the full run spent in
the NER model, how much the rest adds to NER time, the re-run's share of the
full run, and the peak resident memory of the process.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.stages import DEFAULT_DATA  # noqa: E402


def run_once(source: Path, out: Path) -> dict:
    """What `korwatch run` does before the notebooks; returns its seconds by step."""
    import pandas as pd

    from korwatch_utils.cleaning import size_summary
    from korwatch_utils.entities import cooccurrence, entity_table
    from korwatch_utils.report import html_report
    from korwatch_utils.stance import stance_matrix
    from korwatch_utils.tables import join_lists
    from korwatch_utils.store import Store, default_store_path

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
    folder = data / "articles" / "indosum-dev"
    files = sorted(folder.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KORWATCH_CACHE"] = str(Path(tmp) / "cache")
        source = Path(tmp) / "articles"
        source.mkdir()
        for path in files[:size]:
            shutil.copy(path, source / path.name)
        metadata = (folder / "metadata.csv").read_text(encoding="utf-8").splitlines()
        wanted = {path.name for path in files[: size + 1]}
        kept = [metadata[0]] + [line for line in metadata[1:] if line.split(",", 1)[0] in wanted]
        (source / "metadata.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
        from korwatch_utils.ner import load_pipeline

        load_pipeline(), load_pipeline(pretokenized=True)  # model load is not part of either run
        full = run_once(source, Path(tmp) / "out")
        shutil.copy(files[size], source / files[size].name)
        rerun = run_once(source, Path(tmp) / "out")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"size": size, "full": full, "rerun": rerun, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.data)))
        return
    print(f"{'articles':>8} {'full run':>9} {'NER':>8} {'NER share':>9} {'non-NER/NER':>11} "
          f"{'re-run':>8} {'re-run/full':>11} {'peak MB':>8}")
    for size in args.sizes:
        result = subprocess.run([sys.executable, __file__, "--data", str(args.data), "--one", str(size)],
                                capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"},
                                check=True)
        r = json.loads(result.stdout.strip().splitlines()[-1])
        full, rerun = r["full"], r["rerun"]
        print(f"{size:>8} {full['total']:>8.1f}s {full['ner']:>7.1f}s {full['ner'] / full['total']:>9.0%} "
              f"{(full['total'] - full['ner']) / full['ner']:>11.0%} {rerun['total']:>7.2f}s "
              f"{rerun['total'] / full['total']:>11.1%} {r['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
