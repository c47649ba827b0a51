"""The series, part by part: each module is configuration of the engine.

Each part module offers ``run(...)`` returning a result dataclass (with ``to_dict()`` for
JSON and the tutorial's printed lines) and ``figures(result)`` returning a dict of named
matplotlib figures.
"""
