"""One BLAS thread per Dask worker, so that the workers of a sweep do not oversubscribe the
cores.

A sweep on a Dask cluster runs one fit per worker thread. NumPy's BLAS (OpenBLAS or MKL)
starts one thread per core of its own in each worker process, so two workers with one thread
each on a 2-core machine would run four BLAS threads on two cores, and every matrix product
would wait for the others. The networks of a sweep are small: a fit runs best on one core, and
the cores are better spent on more fits at once.

:func:`one_blas_thread` registers a ``distributed.WorkerPlugin`` that limits the thread pools
(threadpoolctl) in every worker of the cluster, present and future, and returns what each
worker then reports; :func:`blas_threads` reports it at any time.

Workers that a nanny starts (``LocalCluster(processes=True)``, ``dask worker``) already get
``OMP_NUM_THREADS=1``, ``MKL_NUM_THREADS=1`` and ``OPENBLAS_NUM_THREADS=1`` from distributed's
default configuration (``distributed.nanny.pre-spawn-environ``). The plugin makes that
independent of how the workers were started and configured (``--no-nanny``, a changed
configuration, a container with its own environment), and :func:`blas_threads` checks it.

Example
-------
>>> from distributed import Client, LocalCluster  # doctest: +SKIP
>>> from scratchnn.scaling import one_blas_thread
>>> cluster = LocalCluster(n_workers=2, threads_per_worker=1)  # doctest: +SKIP
>>> client = Client(cluster)  # doctest: +SKIP
>>> one_blas_thread(client)  # doctest: +SKIP
{'tcp://127.0.0.1:40103': {'libscipy_openblas64_-32a4b2a6.so': 1, ...}, ...}

``distributed`` and ``threadpoolctl`` come with the ``[dask]`` extra; this module imports them
only inside the functions that need them.
"""

from __future__ import annotations

import os
from typing import Any

from .._validation import check_int

__all__ = ["limit_blas_threads", "thread_counts", "one_blas_thread", "blas_threads"]

#: Environment variables read by the BLAS and OpenMP libraries when they are loaded.
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def thread_counts() -> dict[str, int]:
    """The number of threads of every BLAS and OpenMP library loaded in this process.

    Returns
    -------
    dict
        ``{file name of the library: num_threads}``, as ``threadpoolctl.threadpool_info()``
        reports them (NumPy and SciPy may each load their own OpenBLAS).
    """
    from threadpoolctl import threadpool_info

    return {os.path.basename(p["filepath"]): p["num_threads"] for p in threadpool_info()}


def limit_blas_threads(threads: int = 1) -> dict[str, int]:
    """Limit this process's BLAS and OpenMP thread pools to ``threads``, for good.

    The libraries already loaded are limited now (``threadpoolctl.threadpool_limits``; the
    limit is not undone later); those loaded afterwards read the environment variables of
    ``THREAD_ENV``, which are set too. OpenBLAS's and MKL's limits hold for the whole
    process; an OpenMP library's (``libgomp``, which NumPy does not use) only for the calling
    thread and threads started after the variables were set.

    Parameters
    ----------
    threads : int
        Threads per pool, at least 1.

    Returns
    -------
    dict
        ``thread_counts`` after the limit.
    """
    from threadpoolctl import threadpool_limits

    threads = check_int(threads, "threads", low=1)
    for name in THREAD_ENV:
        os.environ[name] = str(threads)
    threadpool_limits(limits=threads)
    return thread_counts()


def blas_threads(client: Any) -> dict[str, dict[str, int]]:
    """``thread_counts`` of every worker of ``client``'s cluster.

    Parameters
    ----------
    client : distributed.Client

    Returns
    -------
    dict
        ``{worker address: {library file name: num_threads}}``.
    """
    return client.run(thread_counts)


def one_blas_thread(client: Any, threads: int = 1) -> dict[str, dict[str, int]]:
    """Limit the BLAS and OpenMP thread pools of every worker of ``client``'s cluster, the
    workers running now and those that join later, to ``threads`` (one by default).

    Registers ``scratchnn.scaling._plugin.BlasThreads`` (a ``distributed.WorkerPlugin``
    that calls :func:`limit_blas_threads` in each worker); registering again replaces it.
    Call it once after connecting, before the sweep.

    Parameters
    ----------
    client : distributed.Client
    threads : int
        Threads per pool, at least 1.

    Returns
    -------
    dict
        :func:`blas_threads` after the limit: ``{worker address: {library: num_threads}}``.

    Raises
    ------
    TypeError, ValueError
        ``threads`` is not an integer, or is below 1.
    """
    from ._plugin import BlasThreads

    client.register_plugin(BlasThreads(check_int(threads, "threads", low=1)))
    return blas_threads(client)
