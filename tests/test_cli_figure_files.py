"""Figure files from the command line: ``--dpi`` sets the PNG resolution, files honour the
umask."""

import os
import re
import stat
import struct

import pytest

from checks import single_error_line
from scratchnn.cli import main
from scratchnn.cli._common import write_figures
from scratchnn.tutorial import logistic


def _png_size(path) -> tuple[int, int]:
    """Width and height from the PNG header (the IHDR chunk follows the 8-byte signature)."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    return struct.unpack(">II", header[16:24])


def test_dpi_scales_the_png_files(tmp_path, capsys):
    sizes = {}
    for dpi in (None, "50", "200"):
        out = tmp_path / str(dpi)
        argv = ["logistic", "--out", str(out)] + (["--dpi", dpi] if dpi else [])
        assert main(argv) == 0
        sizes[dpi] = _png_size(out / "logistic_function.png")
    capsys.readouterr()
    (w50, h50), (w200, h200) = sizes["50"], sizes["200"]
    assert (w200, h200) == (4 * w50, 4 * h50)  # pixels scale with dots per inch
    assert sizes[None] == (2 * w50, 2 * h50)  # the default: 100 dpi


def test_dpi_does_not_touch_svg(tmp_path):
    figures = logistic.figures(logistic.run(n_points=20))
    (low,) = write_figures({"f": figures["logistic_function"]}, tmp_path / "a", "svg", dpi=10)
    (high,) = write_figures({"f": figures["logistic_function"]}, tmp_path / "b", "svg", dpi=1000)
    assert _svg_size(low) == _svg_size(high) == ("360pt", "216pt")  # 5 × 3 in at 72 pt/in


def _svg_size(path) -> tuple[str, str]:
    match = re.search(r'<svg [^>]*width="([^"]+)" height="([^"]+)"', path.read_text())
    return match.groups()


@pytest.mark.parametrize("value", ["0", "-3", "1201", "many", "7.5"])
def test_a_bad_dpi_is_one_error_line_naming_it(value, tmp_path, capsys):
    assert main(["logistic", "--out", str(tmp_path), "--dpi", value]) == 2
    assert "--dpi" in single_error_line(capsys)


@pytest.mark.parametrize("umask, mode", [(0o027, 0o640), (0o002, 0o664), (0o077, 0o600)])
def test_figure_files_honour_the_umask(umask, mode, tmp_path, capsys):
    old = os.umask(umask)
    try:
        assert main(["logistic", "--out", str(tmp_path)]) == 0
    finally:
        os.umask(old)
    capsys.readouterr()
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert modes == {"logistic_function.png": mode, "logistic_derivative.png": mode}
