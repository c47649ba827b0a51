"""Checks of the installed scratchnn, run by ``.ci/check_wheel.sh`` with the wheel's venv.

``imports [--skip MODULE ...] [--reason TEXT]``
    Import scratchnn from the venv (never from a source tree), every module of the package
    (a pkgutil walk) but the skipped ones, and every name of the lazy package root.
``files WHEEL SRC``
    The wheel holds every file of ``SRC/scratchnn`` that git tracks (``py.typed`` and the
    report's template included) and no other file outside its ``.dist-info``.

Exits non-zero with the list of what failed.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path


def check_imports(skip: list[str], reason: str) -> list[str]:
    """Import every module of the installed package but ``skip``; return the failures."""
    import scratchnn

    where = Path(scratchnn.__file__).resolve().parent
    venv = Path(sys.prefix).resolve()
    if venv not in where.parents or sys.prefix == sys.base_prefix:
        return [f"scratchnn imported from {where}, not from a venv's site-packages"]
    walk = pkgutil.walk_packages(scratchnn.__path__, "scratchnn.")
    names = ["scratchnn", *(module.name for module in walk)]
    failed = []
    for name in names:
        if name in skip:
            print(f"skipped  {name}: {reason}")
            continue
        try:
            importlib.import_module(name)
        except Exception as error:  # every failure is listed, then fails the check
            failed.append(f"{name}: {type(error).__name__}: {error}")
    unknown = [name for name in skip if name not in names]
    failed += [f"{name}: listed as skipped but not in the package" for name in unknown]
    missing = [name for name in scratchnn.__all__ if not hasattr(scratchnn, name)]
    failed += [f"scratchnn.{name} does not resolve" for name in missing]
    print(f"imported {len(names) - len(skip)} of {len(names)} modules from {where}")
    print(f"resolved {len(scratchnn.__all__) - len(missing)} names of scratchnn.__all__")
    return failed


def check_files(wheel: Path, src: Path) -> list[str]:
    """Compare the wheel's package files with the files git tracks under ``src/scratchnn``."""
    tracked = subprocess.run(
        ["git", "ls-files", "scratchnn"], cwd=src, capture_output=True, text=True, check=True
    ).stdout.split()
    names = zipfile.ZipFile(wheel).namelist()
    inside = {name for name in names if not name.split("/", 1)[0].endswith(".dist-info")}
    print(f"{len(inside)} package files in {wheel.name}, {len(tracked)} tracked by git")
    lacking = sorted(set(tracked) - inside)
    extra = sorted(inside - set(tracked))
    return [f"missing from the wheel: {name}" for name in lacking] + [
        f"in the wheel but not tracked in src/: {name}" for name in extra
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    imports = commands.add_parser("imports")
    imports.add_argument("--skip", nargs="*", default=[])
    imports.add_argument("--reason", default="")
    files = commands.add_parser("files")
    files.add_argument("wheel", type=Path)
    files.add_argument("src", type=Path)
    args = parser.parse_args()
    if args.command == "imports":
        failed = check_imports(args.skip, args.reason)
    else:
        failed = check_files(args.wheel, args.src)
    for line in failed:
        print(f"FAILED   {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
