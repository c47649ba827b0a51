"""Beyond one machine: hyper-parameter sweeps on Dask and training on data larger than memory."""

from .stream import partial_fit_chunks, row_chunks  # noqa: F401
