"""The Dask worker plugin behind :func:`scratchnn.scaling.one_blas_thread`.

A module of its own because it subclasses ``distributed.WorkerPlugin`` (``Client.register_plugin``
refuses duck-typed plugins): only :mod:`scratchnn.scaling.workers` imports it, inside the
function that needs it, so that ``scratchnn.scaling`` imports without ``distributed``.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from distributed import WorkerPlugin

from .workers import limit_blas_threads

__all__ = ["BlasThreads"]

#: Seconds the executor's threads wait for each other (a thread busy with a task is not
#: waited for longer: it keeps the limit it had).
_BARRIER_SECONDS = 10.0


def _limit_this_thread(threads: int, barrier: threading.Barrier) -> None:
    """Limit the calling thread's pools (OpenMP's limits are per thread), then wait until
    every thread of the executor has done the same, so that each runs this once."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass


class BlasThreads(WorkerPlugin):
    """Limit every worker's BLAS and OpenMP thread pools to ``threads`` threads.

    ``setup`` runs on each worker when the plugin is registered and on every worker that
    joins later (a worker started by ``cluster.scale``, a restarted one). It limits the
    process (BLAS: for all its threads; OpenMP: the libraries loaded later) and then each
    thread of the worker's task executor (OpenMP libraries already loaded keep a limit per
    thread).

    Parameters
    ----------
    threads : int
        Threads per pool, at least 1.
    """

    #: One plugin of this name per cluster: registering again replaces it.
    name = "scratchnn-blas-threads"

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    async def setup(self, worker: Any) -> None:  # noqa: D401 - distributed's API
        """Apply the limit in the worker's process and in each of its executor's threads."""
        limit_blas_threads(self.threads)
        executor = worker.executors.get("default")
        n = int(getattr(worker.state, "nthreads", 0) or 0)
        if executor is None or n < 1:
            return
        barrier = threading.Barrier(n, timeout=_BARRIER_SECONDS)
        await asyncio.gather(
            *(
                asyncio.wrap_future(executor.submit(_limit_this_thread, self.threads, barrier))
                for _ in range(n)
            )
        )
