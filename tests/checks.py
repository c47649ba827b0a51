"""Assertions shared by the tests of every part's command line and figures."""

from pathlib import Path

import matplotlib.image as mpimg


def single_error_line(capsys) -> str:
    """The one line a failed command wrote to stderr (no traceback, nothing else)."""
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def assert_figure_file(path: Path, min_std: float = 0.05) -> None:
    """A written figure is a real image: a PNG whose colours vary (not blank) or an SVG
    document with drawn paths."""
    path = Path(path)
    if path.suffix == ".svg":
        text = path.read_text()
        assert text.startswith("<?xml") and "</svg>" in text and "<path" in text, path
    else:
        image = mpimg.imread(path)
        assert image.ndim == 3 and image[..., :3].std() > min_std, path
