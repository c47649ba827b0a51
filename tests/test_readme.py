"""The README's "Train your own network" section runs verbatim.

Every ```python block of the section is executed, in order, in one namespace, in a temporary
working directory (the saved model files land there).
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
HEADING = "## Train your own network"


def section_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    assert HEADING in text, f"README.md has no {HEADING!r} section"
    section = text.split(HEADING, 1)[1]
    section = re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]
    return re.findall(r"^```python\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_train_your_own_network_runs_verbatim(tmp_path, monkeypatch):
    blocks = section_blocks()
    assert len(blocks) == 2, "expected the low-level example and the estimator example"
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__readme__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for i, block in enumerate(blocks):
            exec(compile(block, f"README.md[{HEADING} block {i}]", "exec"), namespace)
    printed = out.getvalue()
    accuracies = [float(a) for a in re.findall(r"test accuracy: ([0-9.]+)", printed)]
    assert len(accuracies) == 2, printed
    assert min(accuracies) > 0.9, printed
    assert (tmp_path / "digits.npz").is_file() and (tmp_path / "mlp.npz").is_file()
    history = namespace["history"]
    assert history.stopped_early and history.best_epoch < history.epochs
    # the comments show the output: the summary table is exact (it depends on no randomness)
    assert namespace["net"].summary() in "\n".join(
        line[2:] for line in blocks[0].splitlines() if line.startswith("# ")
    )
