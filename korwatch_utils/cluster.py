"""Where per-article work runs: in this process, on local Dask workers, or on an existing Dask cluster.

Analysing an article depends on that article and the alias table alone
(`analysis.analyse_batch`), so chunks of articles go to workers and their
tables come back as each chunk finishes; the caller (the store) writes them.
Each worker loads the Stanza models once, from its own korwatch install
(`LoadModels`): models are never pickled from the client.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
# Chunks waiting per worker: enough to keep each busy, few enough that results stream back.
QUEUED_PER_WORKER = 2
CONNECT_TIMEOUT = "10s"


class ClusterError(RuntimeError):
    """A Dask scheduler cannot be reached or has no workers; the message says which."""


def default_workers() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _load_models_plugin():
    from distributed import WorkerPlugin

    class LoadModels(WorkerPlugin):
        """Limit torch to one thread and build the Stanza pipeline once, when a worker joins."""

        name = "korwatch-load-models"

        def setup(self, worker):
            import torch

            torch.set_num_threads(1)
            from korwatch_utils.ner import load_pipeline

            load_pipeline()

    return LoadModels()


@contextmanager
def connect(count: int | None = None, scheduler: str | None = None, *, chunks: int | None = None):
    """A `distributed.Client` to analyse on, or None to analyse in this process.

    Args:
        count: local worker processes (one thread each); default `default_workers()`.
            1 means this process, no Dask.
        scheduler: address of a running scheduler (`tcp://HOST:PORT`); default
            $DASK_SCHEDULER_ADDRESS. Its workers are used and count is ignored.
        chunks: how many chunks there are to analyse: with one chunk or none a local
            cluster would only add its start-up, so this process does the work (a
            scheduler named explicitly is always used).
    """
    address = scheduler or os.environ.get(SCHEDULER_ENV)
    count = count or default_workers()
    if not address and (count <= 1 or chunks is not None and chunks <= 1):
        yield None
        return
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if address:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        else:
            cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        if not client.scheduler_info().get("workers"):
            raise ClusterError(f"the Dask scheduler at {address} has no workers; start some with "
                               f"`dask worker {address} --nthreads 1`")
        client.register_plugin(_load_models_plugin())
        where = f"scheduler {address}" if address else "a local cluster"
        print(f"dask: {len(client.scheduler_info()['workers'])} workers on {where}; "
              f"dashboard {client.dashboard_link}", file=sys.stderr)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def stream(client, function: Callable, items: Iterable, *args) -> Iterator[tuple[int, object]]:
    """(index, function(item, *args)) for each item: in order without a client, as each finishes with one.

    At most `QUEUED_PER_WORKER` items per worker are submitted ahead, so a long list
    never waits in memory on the cluster; args are sent to each worker once.
    """
    if client is None:
        for index, item in enumerate(items):
            yield index, function(item, *args)
        return
    from distributed import as_completed

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
        result = future.result()
        index = index_of.pop(future.key)
        future.release()
        yield index, result
        submit(pending)


def map_in_order(client, function: Callable, items: list, *args) -> list:
    """[function(item, *args) for item in items], computed where `stream` computes them."""
    done = dict(stream(client, function, items, *args))
    return [done[index] for index in range(len(items))]
