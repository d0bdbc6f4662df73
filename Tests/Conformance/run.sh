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

source "$HERE/../../scripts/ensure-venv.sh"
ensure_venv "$VENV" "$REQUIREMENTS" "$PYTHON"
case $? in
    1) echo "run.sh: cannot create venv at $VENV" >&2; exit 2 ;;
    2) echo "run.sh: pip install failed" >&2; exit 2 ;;
    3) echo "run.sh: a pin of $REQUIREMENTS is not met after pip install" >&2; exit 2 ;;
esac

cd "$HERE"
"$VENV/bin/python" -m pytest -q "$HERE" "$@"
exit $?
