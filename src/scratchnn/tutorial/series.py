"""The parts of Peter Roelants' series "How to implement a neural network", in the order scratchnn runs them.

One record per part: the name scratchnn gives it (the ``scratchnn`` subcommand, the module
in ``scratchnn.tutorial``, the notebook in ``notebooks/``), the post's title and the
address of the original post. The command line, the HTML report, the notebooks and the
README all take the series from here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Post", "SERIES", "post"]

_SITE = "https://peterroelants.github.io/posts"


@dataclass(frozen=True)
class Post:
    """One part of the series.

    Attributes
    ----------
    name : str
        scratchnn's name for the part: ``"part1"``, ``"logistic"`` …
    title : str
        The post's title.
    url : str
        The original post.
    """

    name: str
    title: str
    url: str


#: The parts in the order ``scratchnn all`` runs them (the intermezzo on the logistic function
#: first: Parts 1 and 2 use it).
SERIES: tuple[Post, ...] = (
    Post(
        "logistic",
        "Intermezzo 1: Logistic classification with cross-entropy",
        f"{_SITE}/cross-entropy-logistic/",
    ),
    Post(
        "part1",
        "Part 1: Linear regression with gradient descent",
        f"{_SITE}/neural-network-implementation-part01/",
    ),
    Post(
        "part2",
        "Part 2: Logistic regression (classification)",
        f"{_SITE}/neural-network-implementation-part02/",
    ),
    Post(
        "part3",
        "Part 3: Hidden layer, trained by backpropagation",
        f"{_SITE}/neural-network-implementation-part03/",
    ),
    Post(
        "softmax",
        "Intermezzo 2: Softmax classification with cross-entropy",
        f"{_SITE}/cross-entropy-softmax/",
    ),
    Post(
        "part4",
        "Part 4: Vectorisation, and momentum",
        f"{_SITE}/neural-network-implementation-part04/",
    ),
    Post(
        "part5",
        "Part 5: Multiple layers, mini-batches and early stopping",
        f"{_SITE}/neural-network-implementation-part05/",
    ),
)


def post(name: str) -> Post:
    """The part called ``name`` (``"part1"`` …); ``KeyError`` naming the known parts."""
    for item in SERIES:
        if item.name == name:
            return item
    known = ", ".join(p.name for p in SERIES)
    raise KeyError(f"no part {name!r} in the series (known: {known})")
