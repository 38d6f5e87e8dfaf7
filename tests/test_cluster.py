"""Analysis on Dask workers: local worker processes and a scheduler on 127.0.0.1 give the tables of one process."""

import os
import shutil
import subprocess
import sys
import textwrap
import time
from types import SimpleNamespace

import pandas as pd
import pytest

from korwatch_utils import cli
from korwatch_utils.storage import cluster as cluster_module
from korwatch_utils.storage.cluster import ClusterError, connect, map_in_order, stream
from korwatch_utils.storage.store import STORED, Store

from benchmarks.scale import running_scheduler  # the benchmark's scheduler on 127.0.0.1

pytestmark = pytest.mark.slow  # kernels, browsers, Dask clusters or whole runs: not in make test-quick

EXTRA_ARTICLES = {  # more articles, so that two-article chunks spread over the workers
    "010_caps.txt": "Duda di Kyiv\n\nPresiden Polandia ANDRZEJ DUDA mengecam serangan Rusia pada Senin (22/8/2022). "
                    "ANDRZEJ DUDA mengatakan Polandia mendukung Ukraina.\n",
    "011_mixed.txt": "Duda di Seoul\n\nPresiden Polandia Andrzej Duda tiba di Seoul pada Selasa (23/8/2022) untuk "
                     "bertemu Presiden Korea Selatan Yoon Suk-yeol.\n",
}


@pytest.fixture()
def folder(tmp_path, seeds_dir):
    target = tmp_path / "articles"
    shutil.copytree(seeds_dir, target)
    for name, text in EXTRA_ARTICLES.items():
        (target / name).write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """A `dask scheduler` and a `dask worker` with two one-thread processes on 127.0.0.1, with a cache of their own."""
    tmp_path = tmp_path_factory.mktemp("scheduler")
    env = {**os.environ, "KORWATCH_CACHE": str(tmp_path / "scheduler_cache"), "HF_HUB_OFFLINE": "1"}
    with running_scheduler(tmp_path, env, warm=False) as address:
        yield address


def stored_tables(store: Store) -> dict[str, pd.DataFrame]:
    return {name: store.table(name) for name in STORED}


def test_two_local_workers_and_a_scheduler_store_the_tables_of_one_process(folder, tmp_path, monkeypatch,
                                                                            scheduler, capsys):
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "local_cache"))
    one = Store(tmp_path / "one.duckdb")
    one.sync(folder, chunk_size=2, progress=False, workers=1)
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "workers_cache"))  # the workers tag the articles themselves
    two = Store(tmp_path / "two.duckdb")
    report = two.sync(folder, chunk_size=2, progress=False, workers=2)
    assert "dask: 2 workers on a local cluster (spawned); dashboard http" in capsys.readouterr().err  # NER ran here
    cluster = Store(tmp_path / "cluster.duckdb")
    cluster.sync(folder, chunk_size=2, progress=False, scheduler=scheduler)
    assert f"dask: 2 workers on scheduler {scheduler}" in capsys.readouterr().err
    assert len(report.new) == 7 and report.seconds["ner"] > 0
    assert (tmp_path / "workers_cache").is_dir()
    expected = stored_tables(one)
    assert len(expected["mentions"]) > 50
    for store in (two, cluster):
        for name, table in stored_tables(store).items():
            pd.testing.assert_frame_equal(table, expected[name], obj=name)


def test_cli_on_a_scheduler_writes_the_csv_of_one_process(folder, scheduler, capsys, tmp_path):
    assert cli.main(["stance", str(folder), "--workers", "1", "--store", str(tmp_path / "alone.duckdb")]) == 0
    alone = capsys.readouterr().out
    assert cli.main(["stance", str(folder), "--scheduler", scheduler, "--store", str(tmp_path / "dask.duckdb")]) == 0
    on_cluster = capsys.readouterr()
    assert on_cluster.out == alone and alone.count("\n") > 5
    assert f"dask: 2 workers on scheduler {scheduler}" in on_cluster.err


def test_an_unreachable_scheduler_is_one_line_and_exit_2(folder, capsys, tmp_path):
    assert cli.main(["entities", str(folder), "--scheduler", "tcp://127.0.0.1:9",
                     "--store", str(tmp_path / "unreachable.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("korwatch: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_one_chunk_or_one_worker_runs_in_this_process_and_nothing_to_do_contacts_no_scheduler(monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    with connect(4, chunks=1) as client:
        assert client is None
    with connect(1, chunks=10) as client:
        assert client is None
    with connect(2, "tcp://127.0.0.1:9", chunks=0) as client:  # a down scheduler does not matter then
        assert client is None
    with pytest.raises(ClusterError):
        with connect(2, "tcp://127.0.0.1:9", chunks=1):
            pass


def test_workers_running_another_korwatch_are_refused(monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    real = cluster_module.installed_versions()
    monkeypatch.setattr(cluster_module, "installed_versions", lambda: {**real, "parser": "another"})
    with pytest.raises(ClusterError, match=r"does not run this korwatch: parser;"):
        with connect(2, chunks=2):
            pass


def test_cli_on_two_local_workers_writes_the_csv_of_one_process(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(33):  # two chunks of 32: more than one, so the workers start
        (folder / f"{number:03d}.txt").write_text(
            f"Berita {number}\n\nPresiden Rusia Vladimir Putin mengecam Amerika Serikat di Moskow pada hari ke-{number}.\n",
            encoding="utf-8")
    assert cli.main(["entities", str(folder), "--workers", "1", "--store", str(tmp_path / "alone.duckdb")]) == 0
    alone = capsys.readouterr()
    # A fresh command, as an analyst runs it: small, one thread, no torch yet, so on Linux it forks its workers.
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "KORWATCH_CACHE": str(tmp_path / "workers_cache")}
    on_workers = subprocess.run([sys.executable, "-m", "korwatch_utils.cli", "entities", str(folder), "--workers", "2",
                                 "--store", str(tmp_path / "dask.duckdb")], capture_output=True, text=True, env=env,
                                timeout=600)
    assert on_workers.returncode == 0, on_workers.stderr
    started = "forked" if sys.platform.startswith("linux") else "spawned"
    assert "dask:" not in alone.err and f"dask: 2 workers on a local cluster ({started})" in on_workers.stderr
    assert on_workers.stdout == alone.out and alone.out.count("Vladimir Putin") == 33


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_forked_workers_start_with_what_the_command_had_imported():
    script = textwrap.dedent("""
        import sys
        import korwatch_utils.cli  # what a command has imported before its workers start
        from korwatch_utils.storage.cluster import connect

        def imported_before():
            return "korwatch_utils.cli" in sys.modules

        if __name__ == "__main__":
            with connect(2, chunks=2) as client:
                print(sorted(client.run(imported_before).values()))
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[True, True]" and "(forked)" in done.stderr


def test_workers_are_forked_only_on_linux_from_a_small_single_threaded_process_without_torch(monkeypatch):
    import psutil

    monkeypatch.setattr(cluster_module.sys, "platform", "linux")
    for name in ("torch", "ipykernel"):
        monkeypatch.delitem(cluster_module.sys.modules, name, raising=False)
    monkeypatch.setattr(cluster_module.threading, "active_count", lambda: 1)
    small = SimpleNamespace(memory_info=lambda: SimpleNamespace(rss=200e6))
    monkeypatch.setattr(psutil, "Process", lambda: small)
    assert cluster_module.worker_start_method() == "fork"
    for name in ("torch", "ipykernel"):  # torch's threads; a Jupyter kernel's output threads
        monkeypatch.setitem(cluster_module.sys.modules, name, SimpleNamespace())
        assert cluster_module.worker_start_method() == "spawn"
        monkeypatch.delitem(cluster_module.sys.modules, name)
    monkeypatch.setattr(cluster_module.threading, "active_count", lambda: 2)
    assert cluster_module.worker_start_method() == "spawn"
    monkeypatch.setattr(cluster_module.threading, "active_count", lambda: 1)
    monkeypatch.setattr(psutil, "Process", lambda: SimpleNamespace(memory_info=lambda: SimpleNamespace(rss=1e9)))
    assert cluster_module.worker_start_method() == "spawn"  # a worker would start holding the folder's texts
    monkeypatch.setattr(psutil, "Process", lambda: small)
    monkeypatch.setattr(cluster_module.sys, "platform", "darwin")
    assert cluster_module.worker_start_method() == "spawn"


def square_after(value: int, pause: float) -> int:
    time.sleep(pause * (value % 3))
    return value * value


def test_stream_returns_every_result_once_keeps_few_chunks_ahead_and_map_in_order_keeps_the_order():
    from distributed import Client

    items = list(range(12))
    assert list(stream(None, square_after, items, 0.0)) == [(i, i * i) for i in items]
    with Client(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None) as client:
        submitted = []
        submit = client.submit
        client.submit = lambda *args, **kwargs: submitted.append(args[1]) or submit(*args, **kwargs)
        results = stream(client, square_after, items, 0.01)
        next(results)
        assert len(submitted) <= 2 * cluster_module.QUEUED_PER_WORKER + 1  # not all twelve up front
        streamed = [*results]
        assert len(submitted) == 12 and len(streamed) == 11
        del client.submit
        assert map_in_order(client, square_after, items, 0.01) == [i * i for i in items]
