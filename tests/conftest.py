"""Shared test configuration: figures are rendered off-screen."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
