"""The executor: all of scratchnn's speed, in one place.

The layers, losses and optimisers state their math once, in plain NumPy. This package runs
the same math fast, around those formulas and never instead of them:

* ``.layer_kernels`` — each layer's forward and backward in place, into reused buffers,
  with parameter gradients written straight into one flat array, made once per batch shape;
* ``.loss_kernels`` — the loss value and the gradient that starts backpropagation;
* ``.flat_update`` — the optimisers' and transformations' own update rules, run on flat
  arrays: one NumPy call per operation for the whole network, and the subnormal flush;
* ``.step`` — :class:`TrainingStep`, which puts them together (and fuses the loss with
  the output layer), selected per layer and optimiser type like PyTorch's foreach kernels,
  falling back to the reference code for anything it does not know.

The equivalence suite (``tests/test_equivalence.py``) runs random networks through both paths
and holds them equal.
"""

from .step import TrainingStep

__all__ = ["TrainingStep"]
