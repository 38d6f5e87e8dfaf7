"""Store-only commands on archives of 10,000 and 100,000 articles: time and peak memory, and their ratio.

Usage: python -m benchmarks.archive [--data ../shared/data] [--base 300] [--sizes 10000 100000]
       [--work benchmarks/work/archive]

An archive is built cheaply: the first --base IndoSum dev articles are
analysed once into a store (kept under --work, so a second run starts from
it), then every stored table is replicated inside DuckDB with new doc ids,
one of 40 outlets each, and reference dates spread over ten years. Then, for
each size, in a fresh process each: `korwatch entity-totals`, `trends`,
`stance-matrix` and `timeline` with `--store FILE` and no folder (CSV to
/dev/null), wall time (the imports included) and peak resident memory;
the notebooks that read the store (02 to 06) executed on the archive alone
(`sync = False`, one kernel at a time, its start included; 01 cleans a
folder and reads no store); one redraw of the entity, trends,
timeline and outlet explorers over the store, in this process: the slowest
of three changes of a control (type; the ambiguous-year box of the timeline;
the outlet explorer's entity, after its tables are computed). Targets at 100,000 articles: each command <= 5 s and
<= 1 GB, each notebook <= 30 s, a redraw <= 1 s, cost growing at most
linearly (ratio <= 10).
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from training.stages import DEFAULT_DATA

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = (["entity-totals"], ["trends"], ["stance-matrix"], ["timeline"])
STORE_NOTEBOOKS = ("02_entity_frequency.ipynb", "03_stance_cues.ipynb", "04_timeline.ipynb", "05_trends.ipynb",
                   "06_outlets.ipynb")
OUTLETS = 40
YEARS = 10
# Runs the CLI in a fresh interpreter and reports its time and peak resident memory: VmHWM of
# /proc/self/status, as ru_maxrss would carry over the high-water mark of the process that started it.
MEASURE = ("import json, re, sys, time; start = time.perf_counter(); from korwatch_utils.cli import main; "
           "status = main(sys.argv[1:]); seconds = time.perf_counter() - start; "
           "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)); "
           "print(json.dumps({'status': status, 'seconds': seconds, 'peak_mb': peak / 1024}), file=sys.stderr)")


def base_store(data: Path, size: int, work: Path) -> Path:
    """A store of the first `size` IndoSum dev articles, analysed once and kept."""
    from benchmarks.scale import copy_articles
    from korwatch_utils.storage.store import Store

    path = work / f"base-{size}.duckdb"
    if path.is_file():
        return path
    folder = work / f"articles-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    copy_articles(data, size, folder)
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    Store(partial).sync(folder, progress=False, workers=1)
    partial.rename(path)
    print(f"analysed {size} articles into {path} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def replicate(base: Path, size: int, target: Path) -> None:
    """target: the base store's tables replicated to `size` articles with new doc ids, outlets and dates."""
    import duckdb

    from korwatch_utils.storage.store import PER_ARTICLE, Store

    target.unlink(missing_ok=True)
    Store(target)  # the schema
    con = duckdb.connect(str(target))
    con.execute(f"ATTACH '{base}' AS base (READ_ONLY)")
    n_base = con.execute("SELECT count(*) FROM base.articles").fetchone()[0]
    copies = -(-size // n_base)
    # copy k of article d: doc_id "k-d"; kept only while the archive has fewer than `size` articles
    keep = (f"FROM base.{{table}} t, range({copies}) r(k) WHERE k * {n_base} + "
            f"(SELECT i FROM (SELECT doc_id, row_number() OVER (ORDER BY doc_id) - 1 AS i FROM base.articles) a "
            f"WHERE a.doc_id = t.doc_id) < {size}")
    for table in ("articles", *PER_ARTICLE):
        columns = [row[0] for row in con.execute(f'DESCRIBE base."{table}"').fetchall()]
        select = []
        for column in columns:
            if column == "doc_id":
                select.append("k::VARCHAR || '-' || t.doc_id AS doc_id")
            elif table == "articles" and column == "outlet":
                select.append(f"'outlet ' || ((hash(k::VARCHAR || t.doc_id) % {OUTLETS})::VARCHAR) AS outlet")
            elif table == "references" and column == "reference":
                select.append(f"CASE WHEN t.reference = '' THEN '' ELSE strftime(DATE '2016-01-01' + "
                              f"(hash(k::VARCHAR || t.doc_id) % {365 * YEARS})::INTEGER, '%Y-%m-%d') END AS reference")
            else:
                select.append(f't."{column}"')
        con.execute(f'INSERT INTO "{table}" SELECT {", ".join(select)} ' + keep.format(table=f'"{table}"'))
    con.close()


def measure(store: Path, command: list[str]) -> dict:
    result = subprocess.run([sys.executable, "-c", MEASURE, *command, "--store", str(store)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = [line for line in result.stderr.splitlines() if line.startswith("{")]
    if result.returncode or not lines:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr.strip().splitlines()[-1:]}")
    return json.loads(lines[-1])


def notebook_seconds(store: Path, work: Path) -> dict[str, float]:
    """Seconds each notebook that reads the store takes to execute on the store alone."""
    from korwatch_utils.notebooks import execute_notebooks

    chosen = [ROOT / "notebooks" / name for name in STORE_NOTEBOOKS]
    parameters = {"input_dir": str(work), "store_path": str(store), "sync": False, "interactive": False}
    (work / "executed").mkdir(exist_ok=True)
    runs = execute_notebooks(chosen, work / "executed", parameters, concurrency=1, say=lambda line: None)
    failed = [run.line() for run in runs if not run.ok]
    if failed:
        raise SystemExit("; ".join(failed))
    return {run.name[:2]: run.seconds for run in runs}


def redraw_seconds(store: Path) -> dict[str, float]:
    """The slowest of three redraws of each store-backed explorer, each after a change of one control."""
    from korwatch_utils.storage import queries
    from korwatch_utils.storage.store import Store
    from korwatch_utils.views.widgets import EntityExplorer, OutletExplorer, TimelineExplorer, TrendsExplorer

    archive = Store(store)
    entities, trend = EntityExplorer(store=archive), TrendsExplorer(store=archive)
    timeline = TimelineExplorer(queries.events(archive, lists=True))  # as notebook 04 builds it
    outlets = OutletExplorer(queries.article_fields(archive, "outlet", "url"), archive.table("references"),
                             queries.entity_table(archive), queries.cues(archive))  # as notebook 06 builds it
    found = {}
    for name, control, values in (("entities", entities.types, [("PER",), ("LOC",), ("PER", "ORG")]),
                                   ("trends", trend.kind, ["LOC", "PER", "ORG"]),
                                   ("timeline", timeline.hide_ambiguous, [True, False, True]),
                                   ("outlets", outlets.entity, list(outlets.entity.options[1:4]) or [""])):
        seconds = []
        for value in values:
            started = time.perf_counter()
            control.value = value
            seconds.append(time.perf_counter() - started)
        found[name] = max(seconds)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--base", type=int, default=300, help="articles analysed for real")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work" / "archive")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    base = base_store(args.data, args.base, args.work)
    results = {}
    for size in args.sizes:
        archive = args.work / f"archive-{size}.duckdb"
        started = time.perf_counter()
        replicate(base, size, archive)
        print(f"{size:,} articles: archive built in {time.perf_counter() - started:.0f} s "
              f"({archive.stat().st_size / 1e6:.0f} MB)", flush=True)
        for command in COMMANDS:
            found = measure(archive, command)
            results[(size, command[0])] = found
            print(f"  {command[0]:14} {found['seconds']:6.2f} s  peak {found['peak_mb']:6.0f} MB", flush=True)
        for name, seconds in notebook_seconds(archive, args.work).items():
            results[(size, f"notebook {name}")] = {"seconds": seconds}
            print(f"  notebook {name}    {seconds:6.2f} s", flush=True)
        for name, seconds in redraw_seconds(archive).items():
            results[(size, f"redraw {name}")] = {"seconds": seconds}
            print(f"  redraw {name:8} {seconds:6.2f} s", flush=True)
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        print(f"cost ratio {large:,} / {small:,} articles (size ratio {large / small:.0f}):")
        for key in (key for size, key in results if size == small):
            a, b = results[(small, key)], results[(large, key)]
            memory = f", peak memory {b['peak_mb'] / a['peak_mb']:.1f}x" if "peak_mb" in a else ""
            print(f"  {key:14} time {b['seconds'] / a['seconds']:.1f}x{memory}")


if __name__ == "__main__":
    main()
