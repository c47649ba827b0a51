"""Beyond one machine: hyper-parameter sweeps on Dask and training on data larger than memory."""

from .workers import blas_threads, limit_blas_threads, one_blas_thread  # noqa: F401
