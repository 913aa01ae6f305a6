"""Streaming export, executors: where the batch functions run. The same functions
(kg.stream.phases) run in this process, on a pool of forked processes (``--jobs``), or
as tasks on a Dask cluster (``--dask``, ``--scheduler``); the main process takes their
results in the batches' order, so the output is the same bytes on any of them.

On a cluster each task gets the run (kg.stream.run.Run, scattered to every worker once
per phase) and reads and writes the run's spill folder: it must be on storage every
worker can read and write (``TMPDIR`` on a shared file system; on one machine, as for a
``LocalCluster``, any folder). The spill files are the shuffle: records by work key,
spellings by person IRI, people by family name, listings by tail batch.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from kg.cleanup import starting_pool, stop_pool, worker_start

IN_FLIGHT = 2
"""Batches per process submitted ahead of the one the main process waits for."""
CONNECT_SECONDS = 30
"""How long to wait for a Dask scheduler to answer."""


def map_local(function: Callable, batches: Sequence, jobs: int) -> Iterator:
    """``function`` over ``batches`` in order, on ``jobs`` forked processes, with at most
    :data:`IN_FLIGHT` batches a process queued or done but not yet taken (memory stays
    bounded however far the workers run ahead of the main process). Consume it to its
    end (in ``zip``, first): a generator left suspended keeps its pool's processes."""
    if jobs <= 1 or len(batches) <= 1:
        yield from map(function, batches)
        return
    with starting_pool():
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=worker_start)
    try:
        queued: deque = deque()
        for batch in batches:
            queued.append(pool.apply_async(function, (batch,)))
            if len(queued) >= IN_FLIGHT * jobs:
                yield queued.popleft().get()
        while queued:
            yield queued.popleft().get()
    except BaseException:  # Ctrl-C, an error, or the consumer gone: end the workers now
        stop_pool(pool)
        raise
    pool.terminate()


def in_run(function: Callable, batch: object, run: object) -> object:
    """A batch on a cluster's worker: ``function`` with ``run`` as the current run."""
    from kg.stream.run import running

    with running(run):  # type: ignore[arg-type]
        return function(batch)


def map_dask(client, function: Callable, batches: Sequence, run: object) -> Iterator:  # noqa: ANN001
    """``function`` over ``batches`` in order as tasks of a Dask client's cluster, at most
    :data:`IN_FLIGHT` per worker ahead of the one the main process waits for."""
    if not batches:
        return
    shared = client.scatter(run, broadcast=True, hash=False)
    window = IN_FLIGHT * max(1, len(client.scheduler_info().get("workers", {})))
    queued: deque = deque()
    try:
        for batch in batches:
            queued.append(client.submit(in_run, function, batch, shared, pure=False))
            if len(queued) >= window:
                yield queued.popleft().result()
        while queued:
            yield queued.popleft().result()
    except BaseException:
        client.cancel(list(queued))
        raise


@contextmanager
def dask_client(scheduler: str | None, jobs: int) -> Iterator[object | None]:
    """A client of the cluster ``scheduler`` names (an address such as
    ``tcp://host:8786``), of a new LocalCluster of ``jobs`` worker processes on
    127.0.0.1 for ``local``, or None (no scheduler: local processes)."""
    if scheduler is None:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler == "local":
        with LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0", silence_logs=logging.WARNING) as cluster, Client(cluster) as client:
            yield client
    else:
        with Client(scheduler, timeout=CONNECT_SECONDS) as client:
            yield client


__all__ = ["IN_FLIGHT", "dask_client", "map_dask", "map_local"]
