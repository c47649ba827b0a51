"""Beyond one machine: hyper-parameter sweeps on Dask and training on data larger than memory.

* :func:`partial_fit_chunks` (``.stream``): ``partial_fit`` streamed over row chunks of a
  memory map, a Zarr or a Dask array, one chunk in memory at a time.
* :func:`one_blas_thread` (``.workers``): one BLAS thread on every worker of a
  ``dask.distributed`` cluster, for sweeps through joblib's Dask backend.

Neither module imports Dask, distributed or Zarr at import time (the ``[dask]`` extra).
"""

from .stream import partial_fit_chunks, row_chunks
from .workers import blas_threads, limit_blas_threads, one_blas_thread

__all__ = [
    "partial_fit_chunks",
    "row_chunks",
    "one_blas_thread",
    "blas_threads",
    "limit_blas_threads",
]
