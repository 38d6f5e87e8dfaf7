"""Where per-article work runs: in this process, on local Dask workers, or on an existing Dask cluster.

Analysing an article depends on that article and the alias table alone
(`analysis.analyse_batch`), so chunks of articles go to workers and their
tables come back as each chunk finishes; the caller (the store) writes them.
Each worker loads the Stanza models once, on first use, from its own korwatch
install (`ner.load_pipeline` and `syntax.load_parser` are built once per
process): models are never pickled from the client. Workers of a scheduler
must run the same korwatch, code and models as the client (`connect` checks).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial

from korwatch_utils.nlp.ner import model_version
from korwatch_utils.nlp.syntax import parser_version
from korwatch_utils.storage.keys import code_version
from korwatch_utils.version import __version__

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
# Chunks waiting per worker: enough to keep each busy, few enough that results stream back.
QUEUED_PER_WORKER = 2
CONNECT_TIMEOUT = "10s"
# A worker holding the models and a chunk peaks under 1 GB (benchmarks/scale.py); leave it room.
MEMORY_PER_WORKER = 1.5e9
STARTED = {"fork": "forked", "spawn": "spawned"}


class ClusterError(RuntimeError):
    """Dask workers cannot be started, reached or trusted; the message says which, in one line."""


def default_workers() -> int:
    """One worker per core this process may use, as many as memory allows at MEMORY_PER_WORKER each."""
    import psutil
    from dask.system import CPU_COUNT  # honours CPU affinity and container quotas

    return max(1, min(CPU_COUNT, int(psutil.virtual_memory().total // MEMORY_PER_WORKER)))


def installed_versions() -> dict[str, str]:
    """What decides a worker's tables: korwatch's version, the analysis code, the NER and parser models."""
    return {"korwatch": __version__, "code": code_version(), "ner model": model_version(),
            "parser": parser_version()}


def worker_start_method() -> str:
    """How local workers start: forked from this process where that is safe, else spawned (Dask's default).

    A forked worker starts with korwatch, pandas and Dask already imported, where a spawned one imports them
    again before it can answer: `--workers 2` on 300 articles took 1 to 5 s less (benchmarks/parallel.py).
    A fork copies only the thread that makes it and every page of memory, so it is used only from a small,
    single-threaded process that has not imported torch (the CLI before its analysis: about 190 MB with 300
    articles loaded): torch's OpenMP threads and a Jupyter kernel's output threads do not survive a fork,
    and a worker that starts holding a large folder's texts would count them against its memory limit.
    Elsewhere, and on any system but Linux, workers are spawned.
    """
    import psutil

    plain = "torch" not in sys.modules and "ipykernel" not in sys.modules and threading.active_count() == 1
    small = psutil.Process().memory_info().rss < MEMORY_PER_WORKER / 4
    return "fork" if sys.platform.startswith("linux") and plain and small else "spawn"


def _one_torch_thread_plugin():
    from distributed import WorkerPlugin

    class OneTorchThread(WorkerPlugin):
        """Limit torch to one thread in each worker (workers are processes, one per core)."""

        name = "korwatch-one-torch-thread"

        def setup(self, worker):
            import torch

            torch.set_num_threads(1)

    return OneTorchThread()


@contextmanager
def connect(count: int | None = None, scheduler: str | None = None, *, chunks: int | None = None):
    """A `distributed.Client` to analyse on, or None to analyse in this process.

    Args:
        count: local worker processes (one thread each); default `default_workers()`.
            1 means this process, no Dask.
        scheduler: address of a running scheduler (`tcp://HOST:PORT`); default
            $DASK_SCHEDULER_ADDRESS. Its workers are used and count is ignored.
        chunks: how many chunks there are to analyse. With none, no cluster is used; with
            one, a local cluster would only add its start-up, so this process does the
            work (a scheduler is used for one chunk too).

    Raises:
        ClusterError: the local cluster cannot start, the scheduler cannot be reached or
            has no workers, or its workers run another korwatch, code or model.
    """
    address = scheduler or os.environ.get(SCHEDULER_ENV)
    if chunks == 0 or not address and ((count or default_workers()) <= 1 or chunks is not None and chunks <= 1):
        yield None
        return
    import dask
    from distributed import Client, LocalCluster

    cluster = client = None
    start_method = worker_start_method()
    try:
        try:
            if address:
                client = Client(address, timeout=CONNECT_TIMEOUT)
            else:
                # Dask starts local workers with MALLOC_TRIM_THRESHOLD_ set; any such setting also turns off
                # glibc's dynamic mmap threshold, so torch maps and unmaps its large buffers on every call and
                # the NER ran 45 % slower in a worker than in a plain process (benchmarks/parallel.py).
                with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                                      "distributed.worker.multiprocessing-method": start_method}):
                    cluster = LocalCluster(n_workers=count or default_workers(), threads_per_worker=1,
                                           processes=True, memory_limit=MEMORY_PER_WORKER, dashboard_address=":0",
                                           silence_logs=logging.ERROR)
                client = Client(cluster)
        except (OSError, TimeoutError, RuntimeError) as error:
            where = f"reach the Dask scheduler at {address}" if address else "start local Dask workers"
            raise ClusterError(f"cannot {where}: {_first_line(error)}") from None
        workers = client.scheduler_info().get("workers")
        if not workers:
            raise ClusterError(f"the Dask scheduler at {address} has no workers; start some with "
                               f"`dask worker {address} --nthreads 1`")
        mine = installed_versions()
        for worker, theirs in _worker_versions(client).items():
            if theirs != mine:
                differ = (", ".join(key for key in mine if theirs.get(key) != mine[key]) if isinstance(theirs, dict)
                          else f"korwatch cannot be imported there ({theirs})")
                raise ClusterError(f"Dask worker {worker} does not run this korwatch: {differ}; install the same "
                                   f"korwatch and models on every worker")
        client.register_plugin(_one_torch_thread_plugin())
        where = f"scheduler {address}" if address else f"a local cluster ({STARTED[start_method]})"
        print(f"dask: {len(workers)} workers on {where}; dashboard {client.dashboard_link}", file=sys.stderr)
        yield client
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0]}" if text else type(error).__name__


def _versions_here() -> dict[str, str]:
    """installed_versions() where this runs (sent to workers by reference: each answers from its own install)."""
    return installed_versions()


def _worker_versions(client) -> dict:
    """installed_versions() on each worker, or why it failed there."""
    try:
        return client.run(_versions_here)
    except Exception as error:  # e.g. korwatch missing on a worker: ModuleNotFoundError raised there
        return {worker: f"{type(error).__name__}: {error}" for worker in client.scheduler_info()["workers"]}


def stream(client, function: Callable, items: Iterable, *args) -> Iterator[tuple[int, object]]:
    """(index, function(item, *args)) for each item: in order without a client, as each finishes with one.

    At most `QUEUED_PER_WORKER` items per worker are submitted ahead, so a long list
    never waits in memory on the cluster; args are sent to each worker once.
    """
    if client is None:
        for index, item in enumerate(items):
            yield index, function(item, *args)
        return
    from distributed import KilledWorker, as_completed

    shared = [arg if isinstance(arg, (str, int, float, type(None))) else client.scatter([arg], broadcast=True)[0]
              for arg in args]
    queue = iter(enumerate(items))
    ahead = max(1, len(client.scheduler_info()["workers"]) * QUEUED_PER_WORKER)
    index_of = {}

    def submit(pending):
        for index, item in queue:
            future = client.submit(function, item, *shared, pure=False)
            index_of[future.key] = index
            pending.add(future)
            return True
        return False

    pending = as_completed()
    for _ in range(ahead):
        if not submit(pending):
            break
    for future in pending:
        try:
            result = future.result()
        except (KilledWorker, OSError) as error:  # a worker died, or the connection to the cluster was lost
            raise ClusterError(f"the Dask cluster failed during the analysis ({_first_line(error)}); "
                               f"stored chunks are kept, run again to finish") from None
        index = index_of.pop(future.key)
        future.release()
        yield index, result
        submit(pending)


def map_in_order(client, function: Callable, items: list, *args) -> list:
    """[function(item, *args) for item in items], computed where `stream` computes them."""
    done = dict(stream(client, function, items, *args))
    return [done[index] for index in range(len(items))]


def on_workers(client) -> Callable:
    """`analysis.analyse`'s map_chunks on the client's workers (in this process when client is None)."""
    return partial(map_in_order, client)
