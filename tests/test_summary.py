"""Sequential.summary(): layers, output shapes, parameter counts (computed here), total."""

import numpy as np
import pytest

from scratchnn import Bias, Dropout, GaussianRBF, Linear, Logistic, ReLU, Sequential, Softmax


def _part5_network(dtype=np.float64):
    # The series' Part 5: 64 → 20 → 20 → 10 with logistic hidden layers and a softmax output.
    return Sequential(
        [
            Linear(64, 20, dtype=dtype),
            Logistic(),
            Linear(20, 20, dtype=dtype),
            Logistic(),
            Linear(20, 10, dtype=dtype),
            Softmax(),
        ]
    )


def test_part5_table():
    text = _part5_network().summary(64)
    lines = text.splitlines()
    assert lines[0].split() == ["#", "Layer", "Output", "shape", "Parameters"]
    counts = [64 * 20 + 20, 0, 20 * 20 + 20, 0, 20 * 10 + 10, 0]
    shapes = ["(None, 20)", "(None, 20)", "(None, 20)", "(None, 20)", "(None, 10)", "(None, 10)"]
    names = ["Linear", "Logistic", "Linear", "Logistic", "Linear", "Softmax"]
    for i, (line, count, shape, name) in enumerate(zip(lines[1:7], counts, shapes, names)):
        assert line.startswith(f"{i}  {name}(")
        assert shape in line
        assert line.split()[-1] == str(count)
    assert lines[-1] == "Total parameters: 1930 (float64)"  # docs/tutorial-notes.md, Part 5
    assert len(lines) == 8


def test_input_dim_is_inferred_and_dtype_shown():
    net = _part5_network(np.float32)
    assert net.summary() == net.summary(64)
    assert net.summary().endswith("(float32)")


def test_other_layers():
    net = Sequential([Linear(3, 4, bias=False), Bias(4), GaussianRBF(), Dropout(0.2), ReLU()])
    lines = net.summary().splitlines()
    assert [line.split()[-1] for line in lines[1:-1]] == ["12", "4", "0", "0", "0"]
    assert lines[-1] == "Total parameters: 16 (float64)"
    lines = Sequential([Logistic()]).summary(5).splitlines()
    assert lines[1].split() == ["0", "Logistic()", "(None,", "5)", "0"]
    assert lines[2] == "Total parameters: 0"


def test_mismatched_layers_and_bad_input_dim():
    net = Sequential([Linear(3, 4), Linear(5, 1)])
    with pytest.raises(ValueError, match="layer 1 .* expects 5 inputs, but receives 4"):
        net.summary()
    with pytest.raises(ValueError, match="expects 3 inputs"):
        Sequential([Linear(3, 4)]).summary(2)
    with pytest.raises(ValueError, match="input_dim"):
        Sequential([Logistic()]).summary()
    with pytest.raises(ValueError, match="input_dim"):
        Sequential([Logistic()]).summary(0)
