#!/usr/bin/env bash
# npm run test:python: the Python package as a user gets it. In a temporary folder: a fresh venv made
# with Debian's python3 (--system-site-packages, so Debian's numpy and torch are visible), the wheel
# built and `pip install ./python` run with no package index at all (PIP_NO_INDEX: any download
# would fail), then the producer's tests (test/python) run against the installed package.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${GATESCOPE_PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gatescope-py.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

if ! "$PY" -m venv --system-site-packages "$tmp/venv" >"$tmp/venv.log" 2>&1; then
  cat "$tmp/venv.log" >&2
  echo "gatescope: $PY cannot make a venv; on Debian/Ubuntu: apt-get install python3-venv python3-pip" >&2
  exit 1
fi
# setuptools' in-tree build folders: stale files there would end up in the wheel.
rm -rf python/build python/gatescope.egg-info

"$tmp/venv/bin/pip" wheel --no-deps --quiet -w "$tmp/dist" ./python
wheel=$(ls "$tmp/dist"/gatescope-*.whl)
echo "built $(basename "$wheel") ($(stat -c %s "$wheel") bytes)"
"$tmp/venv/bin/pip" install --quiet ./python
"$tmp/venv/bin/python" -c 'import gatescope, sys; print(f"installed gatescope {gatescope.__version__} at {gatescope.__file__}")'
rm -rf python/build python/gatescope.egg-info

GATESCOPE_EXPECT_INSTALLED=1 "$tmp/venv/bin/python" -m unittest discover -s test/python -v
