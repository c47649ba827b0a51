"""``scratchnn all`` runs every registered part in series order."""

import json

import pytest

from scratchnn.cli import COMMANDS, main


@pytest.mark.slow  # the whole series
def test_all_runs_every_part_in_order(tmp_path, capsys):
    assert main(["all", "--json", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert (
        list(data)
        == COMMANDS
        == ["logistic", "part1", "part2", "part3", "softmax", "part4", "part5"]
    )
    assert [round(w, 4) for w in data["part1"]["w"]] == [0.1380, 1.3722, 1.8205, 1.9834, 2.0426]
    assert data["part5"]["epochs"] == 98
    names = {p.name for p in tmp_path.iterdir()}
    assert {"part1_samples.png", "part1_fitted_line.png"} <= names
    assert {f"part{k}_network.png" for k in range(1, 6)} <= names  # every network drawn
    assert {"part3_graph.png", "part4_graph.png"} <= names
    assert len(names) >= 4 + 2 + 5 + 8 + 1 + 6 + 4
