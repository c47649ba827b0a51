"""PyTorch on the CPU with a plain training loop (``zero_grad``, forward, loss, ``backward``,
``step``), default threads, the shared initial parameters copied in."""

from __future__ import annotations

import copy

import numpy as np

from .common import Unavailable
from .workloads import (
    A_LEARNING_RATE,
    B_LEARNING_RATE,
    B_SHUFFLE_SEED,
    C_LEARNING_RATE,
    array_split_slices,
    start_state,
)


def _torch():
    try:
        import torch
    except ImportError as exc:
        raise Unavailable(f"PyTorch is not installed ({exc})") from None
    return torch


def _mlp(torch, layers, activation, init, dtype):
    nn = torch.nn
    modules = []
    for i, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:])):
        modules.append(nn.Linear(n_in, n_out, dtype=dtype))
        if i < len(layers) - 2:
            modules.append(activation())
    model = nn.Sequential(*modules)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for layer, W, b in zip(linears, init[0::2], init[1::2]):
            layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            layer.bias.copy_(torch.from_numpy(b))
    return model


class _Runner:
    def params(self) -> list[np.ndarray]:
        out = []
        for m in self.model.modules():
            if hasattr(m, "weight"):
                out.append(m.weight.detach().numpy().T.copy())
                if m.bias is not None:
                    out.append(m.bias.detach().numpy().copy())
        return out


class PartFive(_Runner):
    """A: Linear/Sigmoid x2, Linear + CrossEntropyLoss (log-softmax fused), SGD(0.1)."""

    def __init__(self, data: dict, epochs: int) -> None:
        torch = self.torch = _torch()
        from .workloads import A_LAYERS

        self.model = _mlp(torch, A_LAYERS, torch.nn.Sigmoid, data["init"], torch.float64)
        self.X = torch.from_numpy(data["X"])
        self.y = torch.from_numpy(data["labels"].astype(np.int64))
        self.batches = [(self.X[s], self.y[s]) for s in data["batches"]]
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=A_LEARNING_RATE)
        self.epochs = epochs
        self.batch_loss: list[float] = []
        self.train_loss: list[float] = []

    def run(self) -> None:
        model, loss_fn, opt = self.model, self.loss_fn, self.optimizer
        for _ in range(self.epochs):
            for xb, yb in self.batches:
                opt.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
                self.batch_loss.append(loss.item())
            with self.torch.no_grad():
                self.train_loss.append(loss_fn(model(self.X), self.y).item())


class MLP(_Runner):
    """B: Linear/ReLU x2, Linear + CrossEntropyLoss, Adam(1e-3), float32.

    Shuffled (the default): per epoch the permutation of the NumPy generator every
    implementation uses, as a tensor; per batch ``X[idx], y[idx]``. ``prepare()`` copies the
    start state into the weights and, through ``Adam.load_state_dict``, into the optimiser
    (``exp_avg``, ``exp_avg_sq`` and ``step``; a deep copy each time, as loading keeps the
    tensors it is given).
    """

    def __init__(self, data: dict, batch_size: int, shuffle: bool = True) -> None:
        torch = self.torch = _torch()
        from .workloads import B_LAYERS

        self.start = start_state(data)
        self.model = _mlp(torch, B_LAYERS, torch.nn.ReLU, self.start["params"], torch.float32)
        self.X = torch.from_numpy(data["X"])
        self.y = torch.from_numpy(data["labels"].astype(np.int64))
        self.slices = array_split_slices(self.X.shape[0], batch_size)
        self.shuffle = shuffle
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=B_LEARNING_RATE)
        self.start_state_dict = self._state_dict()
        self.prepare()

    def _state_dict(self) -> dict:
        """The optimiser's state dict holding the start state (parameters in model order:
        weight (n_out, n_in), bias of each Linear)."""
        torch, start = self.torch, self.start
        state = {}
        for i, (m, v) in enumerate(zip(start["first_moments"], start["second_moments"])):
            m, v = (a.T if a.ndim == 2 else a for a in (m, v))
            state[i] = {
                "step": torch.tensor(float(start["count"])),
                "exp_avg": torch.from_numpy(np.ascontiguousarray(m)),
                "exp_avg_sq": torch.from_numpy(np.ascontiguousarray(v)),
            }
        sd = self.optimizer.state_dict()
        sd["state"] = state
        return sd

    def prepare(self) -> None:
        torch = self.torch
        linears = [m for m in self.model if isinstance(m, torch.nn.Linear)]
        params = self.start["params"]
        with torch.no_grad():
            for layer, W, b in zip(linears, params[0::2], params[1::2]):
                layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
                layer.bias.copy_(torch.from_numpy(b))
        self.optimizer.load_state_dict(copy.deepcopy(self.start_state_dict))
        self.rng = np.random.default_rng(B_SHUFFLE_SEED)

    def _batches(self):
        X, y = self.X, self.y
        if not self.shuffle:
            for s in self.slices:
                yield X[s], y[s]
            return
        perm = self.torch.from_numpy(self.rng.permutation(X.shape[0]))
        for s in self.slices:
            idx = perm[s]
            yield X[idx], y[idx]

    def run(self) -> None:
        model, loss_fn, opt = self.model, self.loss_fn, self.optimizer
        for xb, yb in self._batches():
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()


class PartOne(_Runner):
    """C: ``nn.Linear(1, 1, bias=False)``, ``MSELoss``, ``SGD(0.9)``, autograd, full batch."""

    def __init__(self, data: dict, iterations: int) -> None:
        torch = _torch()
        self.model = torch.nn.Linear(1, 1, bias=False, dtype=torch.float64)
        with torch.no_grad():
            self.model.weight.fill_(float(data["w0"]))
        self.X = torch.from_numpy(data["X"])
        self.T = torch.from_numpy(data["T"])
        self.loss_fn = torch.nn.MSELoss()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=C_LEARNING_RATE)
        self.iterations = iterations
        self.loss: list[float] = []

    def run(self) -> None:
        model, loss_fn, opt = self.model, self.loss_fn, self.optimizer
        for _ in range(self.iterations):
            opt.zero_grad()
            loss = loss_fn(model(self.X), self.T)
            loss.backward()
            opt.step()
            self.loss.append(loss.item())


workload_a = PartFive
workload_b = MLP
workload_c = PartOne
