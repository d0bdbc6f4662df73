#!/usr/bin/env bash
# Runs the conformance suite against the emulator binary.
#   CONFORMANCE_VENV  virtualenv to use or create (default: Tests/Conformance/.venv)
#   OBS_EMULATOR_BIN  emulator binary (default: .build/debug/observability-emulator)
#   PYTHON            interpreter used to create the venv (default: python3)
# Extra arguments go to pytest. Exits with pytest's exit code.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${CONFORMANCE_VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-python3}"
REQUIREMENTS="$HERE/requirements.txt"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" || { echo "run.sh: cannot create venv at $VENV" >&2; exit 2; }
fi

# Install only when a pinned requirement is missing or at another version.
if ! "$VENV/bin/python" - "$REQUIREMENTS" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, wanted = line.partition("==")
    try:
        if wanted and version(name) != wanted:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" \
        || { echo "run.sh: pip install failed" >&2; exit 2; }
fi

cd "$HERE"
"$VENV/bin/python" -m pytest -q "$HERE" "$@"
exit $?
