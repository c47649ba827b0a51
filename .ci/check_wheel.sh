#!/usr/bin/env bash
# The package as users get it: build the sdist and the wheel (the wheel from the sdist, as
# `python -m build` does), check both with twine, install the wheel into a clean venv (no
# editable install, no repository on sys.path: every command runs from a temporary directory
# with PYTHONPATH unset) and run it there:
#
#   * `scratchnn --version` says the version in src/scratchnn/_version.py, which has its
#     section in CHANGELOG.md;
#   * `scratchnn part1 --out DIR` writes its five figures (the four of the series and its network);
#   * `scratchnn report --out DIR` writes index.html (fails if the Jinja template, package
#     data, is missing from the wheel);
#   * every module of the installed package imports (pkgutil walk) and every name of the
#     lazy package root resolves; the modules that need the [dask] extra are first listed as
#     skipped in the core venv, then imported after `pip install 'wheel[dask]'`
#     (--no-dask: skipped, and said so);
#   * every file of src/scratchnn that git tracks (modules, templates, py.typed) is in the
#     wheel, and the wheel holds nothing else but its .dist-info;
#   * the sdist holds every file git tracks (MANIFEST.in: tests, docs, notebooks, examples,
#     benchmarks, tooling), so the tests run from it, and nothing untracked.
# The last two are .ci/installed_package.py, run by the wheel's venv in isolated mode (-I).
#
# Usage: .ci/check_wheel.sh [--dist DIR] [--no-dask]
#   --dist DIR  keep the sdist and the wheel in DIR (make dist); default: a temporary directory
#   --no-dask   do not install the [dask] extra (its modules are skipped, with the reason)
# Any failure exits non-zero (set -euo pipefail), so it fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
DIST=""
DASK=1
while [ $# -gt 0 ]; do
    case "$1" in
        --dist) DIST=$2; shift 2 ;;
        --no-dask) DASK=0; shift ;;
        *) echo "check_wheel: unknown argument: $1" >&2; exit 2 ;;
    esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/scratchnn-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [ -z "$DIST" ]; then DIST=$WORK/dist; fi
mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)
export PIP_DISABLE_PIP_VERSION_CHECK=1
unset PYTHONPATH
step() { printf '\n== [%3ss] %s\n' "$SECONDS" "$*"; }

step "build the sdist and the wheel (build, twine in a throwaway venv)"
"$PYTHON" -m venv "$WORK/tools"
"$WORK/tools/bin/python" -m pip install --quiet build twine
rm -f "$DIST"/scratchnn-*
"$WORK/tools/bin/python" -m build --outdir "$DIST" "$ROOT" >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' src/scratchnn/_version.py)
grep -q "^## \[$VERSION\] - " CHANGELOG.md \
    || { echo "CHANGELOG.md has no '## [$VERSION] - DATE' section" >&2; exit 1; }
SDIST="$DIST/scratchnn-$VERSION.tar.gz"
WHEEL="$DIST/scratchnn-$VERSION-py3-none-any.whl"
ls "$SDIST" "$WHEEL"
"$WORK/tools/bin/python" -m twine check --strict "$SDIST" "$WHEEL"

if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    step "the sdist holds every file git tracks (the tests run from it) and nothing untracked"
    tar tzf "$SDIST" | sed 's|^[^/]*/\{0,1\}||' | grep -vE '^$|/$' \
        | grep -vxE 'PKG-INFO|setup\.cfg|src/scratchnn\.egg-info/.*' | sort >"$WORK/sdist.list"
    git -C "$ROOT" ls-files | sort >"$WORK/tracked.list"
    diff "$WORK/tracked.list" "$WORK/sdist.list" >"$WORK/sdist.diff" || {
        echo "the sdist differs from the tracked files ('<' tracked, not in the sdist;" \
            "'>' in the sdist, not tracked: add or remove it, or mend MANIFEST.in):" >&2
        cat "$WORK/sdist.diff" >&2
        exit 1
    }
    echo "$(wc -l <"$WORK/sdist.list") files, as tracked"
fi

step "install the wheel into a clean venv"
"$PYTHON" -m venv "$WORK/venv"
VPY=$WORK/venv/bin/python
"$VPY" -m pip install --quiet "$WHEEL"
mkdir "$WORK/run"
cd "$WORK/run"   # the repository is not on sys.path from here

step "scratchnn --version"
GOT=$("$WORK/venv/bin/scratchnn" --version)
echo "$GOT"
[ "$GOT" = "scratchnn $VERSION" ] || { echo "expected: scratchnn $VERSION" >&2; exit 1; }

step "scratchnn part1 --out part1"
"$WORK/venv/bin/scratchnn" part1 --out part1
[ "$(ls part1/*.png | wc -l)" -eq 5 ] || { echo "part1 did not write 5 figures" >&2; exit 1; }

step "scratchnn report --out report"
"$WORK/venv/bin/scratchnn" report --out report
grep -q '<html' report/index.html || { echo "report/index.html is no HTML page" >&2; exit 1; }

# The modules that import an optional extra at import time (skipped in the core venv).
# (scratchnn.interop imports its extras, torch and onnx, only when a function is called: its
# modules import here, and the core wheel requires neither.)
NEEDS_DASK="scratchnn.scaling._plugin"
CHECK=$ROOT/.ci/installed_package.py

step "import every module of the installed package (core only)"
"$VPY" -I "$CHECK" imports --skip $NEEDS_DASK \
    --reason "needs the [dask] extra (distributed), not installed here"

if [ "$DASK" -eq 1 ]; then
    step "install the [dask] extra and import every module"
    "$VPY" -m pip install --quiet "$WHEEL[dask]"
    "$VPY" -I "$CHECK" imports
else
    echo "skipped: the [dask] extra (--no-dask); $NEEDS_DASK not imported"
fi

step "the wheel holds every file of src/scratchnn and nothing else"
cd "$ROOT"
"$VPY" -I "$CHECK" files "$WHEEL" "$ROOT/src"
echo
echo "check_wheel: OK in ${SECONDS}s ($(basename "$SDIST"), $(basename "$WHEEL"))"
