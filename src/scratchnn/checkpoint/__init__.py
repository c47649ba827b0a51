"""Save and load networks: one ``.npz`` file of plain arrays plus a JSON header. No pickle.

File format (version 1)
-----------------------
A NumPy ``.npz`` archive (a zip of ``.npy`` files) holding

* ``"__header__"`` — the UTF-8 bytes of a JSON object, as a 1-D ``uint8`` array;
* ``"<layer>.<param>"`` — every parameter under the network's dotted names (``"0.W"``,
  ``"0.b"``, ``"2.W"`` …), in its own dtype (float32 stays float32);
* ``"optimizer.<buffer>.<k>"`` — with ``optimizer=``: its per-parameter buffers
  (e.g. ``"optimizer.first_moments.0"``);
* ``"extra.<name>"`` — with ``arrays=``: any numeric, boolean or string arrays of the caller.

The header::

    {"format": "scratchnn.checkpoint", "format_version": 1, "library_version": "0.1.0",
     "layers": [{"type": "Linear", "config": {"n_in": 64, "n_out": 20, "bias": true},
                 "params": ["W", "b"]}, {"type": "Logistic", "config": {}, "params": []}, ...],
     "loss": {"type": "CategoricalCrossEntropy", "config": {"reduction": "mean"}} | null,
     "optimizer": {"type": "Adam", "config": {...}, "step_count": 430,
                   "buffers": {"first_moments": 6, "second_moments": 6}} | null,
     "metadata": {...},
     "arrays": {"0.W": {"shape": [64, 20], "dtype": "<f8"}, ...}}

``"arrays"`` describes every array entry except the header; a file whose arrays do not match
it exactly (names, shapes, dtypes) is refused.

Loading never unpickles (``.npy`` members are read with ``allow_pickle=False``) and refuses
every file it cannot read with one exception, :class:`CheckpointError` (a ``ValueError``)
whose message names the file and the field or array at fault: a file that is not a zip
archive (truncated, or not an ``.npz``), a corrupt member, a member twice or one that is not
an array, an entry holding Python objects, a missing or malformed header, an unknown layer,
loss or optimiser type, and arrays that do not fit the header. Only a file that cannot be
opened raises ``OSError`` instead.

The file is untrusted: nothing is allocated from a size it declares before that size is
checked. The header may be at most ``MAX_HEADER_BYTES`` (16 MiB) of strict JSON (no NaN, no
key twice) nested at most ``MAX_HEADER_DEPTH`` (64) levels deep (:func:`save` refuses
metadata beyond these too); the members' ``.npy`` headers are read first, and the data each
declares must be exactly what the member holds; the members may not overlap, and together
inflate to at most ``MAX_INFLATION`` (100) times the file's size (:func:`save` writes them
uncompressed); the arrays may declare at most ``max_bytes`` in all (an argument of
:func:`load`, 1 GiB by default: ``DEFAULT_MAX_BYTES``). The header's schema is checked
before anything is built: the type of every field, known layer, loss and optimiser types,
integers (sizes, counters such as the optimiser's ``step_count``) at most ``2**53``, finite
numbers, and layer settings asking for no more parameters than the file holds for the
layer; the shapes and dtypes the header declares are checked against the members before
any array is read.

Saving is atomic: the archive is written to a temporary file in the destination folder,
flushed to disk (``fsync``) and renamed over the destination (``os.replace``), so an
interrupted save leaves the previous file intact.

For example:

>>> import numpy as np, tempfile, os
>>> from scratchnn import Sequential, Linear, Softmax, save, load
>>> net = Sequential([Linear(4, 3, rng=0), Softmax()])
>>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
>>> _ = save(net, path, metadata={"classes": ["a", "b", "c"]})
>>> x = np.ones((2, 4))
>>> bool(np.array_equal(load(path).predict(x), net.predict(x)))
True
"""

from __future__ import annotations

# ``np`` stays reachable as ``scratchnn.checkpoint.np`` (the tests patch ``np.savez`` there).
import numpy as np  # noqa: F401

from ._errors import CheckpointError
from ._header import FORMAT, FORMAT_VERSION, MAX_HEADER_BYTES, MAX_HEADER_DEPTH
from ._header import HEADER_KEY as HEADER_KEY
from ._load import Checkpoint, load, load_checkpoint
from ._read import DEFAULT_MAX_BYTES, MAX_INFLATION, MAX_MEMBERS
from ._save import save

__all__ = [
    "save",
    "load",
    "load_checkpoint",
    "Checkpoint",
    "CheckpointError",
    "DEFAULT_MAX_BYTES",
    "MAX_MEMBERS",
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_HEADER_BYTES",
    "MAX_HEADER_DEPTH",
    "MAX_INFLATION",
]
