"""Shared test configuration: figures are rendered off-screen."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")


# CI runs a fixed set of hypothesis examples (the same ones on every run), so that a landing
# never depends on which examples a run happened to draw; elsewhere every run draws new ones.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
