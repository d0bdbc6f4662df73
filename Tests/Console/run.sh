#!/usr/bin/env bash
# The web console's browser tests: headless Chromium (Debian's `chromium`, installed with apt-get
# when missing) driven over the DevTools protocol, against the emulator binary.
#   OBS_EMULATOR_BIN   emulator binary (default: <repo>/.build/debug/observability-emulator)
#   CONSOLE_VENV       virtualenv to use or create (default: Tests/Console/.venv)
#   CONSOLE_ARTEFACTS  where the screenshots go (default: Tests/Console/artefacts; printed)
#   CHROMIUM_BIN       browser to use (default: chromium from PATH)
#   PYTHON             interpreter that creates the venv (default: python3)
# Extra arguments go to pytest. The last line is "console: N passed, M failed" (errors count as
# failed; a pytest that exits non-zero without a failure counts 1 failed); the exit code is
# non-zero when M > 0.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${CONSOLE_VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-python3}"
export OBS_EMULATOR_BIN="${OBS_EMULATOR_BIN:-$REPO/.build/debug/observability-emulator}"
export CONSOLE_ARTEFACTS="${CONSOLE_ARTEFACTS:-$HERE/artefacts}"

fail() { echo "run.sh: $1" >&2; echo "console: 0 passed, 1 failed"; exit 1; }

if [ -z "${CHROMIUM_BIN:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    echo "== installing chromium (Debian package)" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >&2 \
        || fail "cannot install chromium (apt-get install chromium)"
fi

source "$REPO/scripts/ensure-venv.sh"
ensure_venv "$VENV" "$HERE/requirements.txt" "$PYTHON"
case $? in
    1) fail "cannot create the venv at $VENV" ;;
    2) fail "pip install failed" ;;
    3) fail "a pin of requirements.txt is not met after pip install" ;;
esac

[ -x "$OBS_EMULATOR_BIN" ] || fail "no emulator binary at $OBS_EMULATOR_BIN (swift build first, or set OBS_EMULATOR_BIN)"

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
(cd "$HERE" && "$VENV/bin/python" -m pytest -q -rfE --junitxml="$report" "$HERE" "$@")
code=$?
read -r passed failed _ < <("$VENV/bin/python" "$REPO/scripts/junit-counts.py" "$report")
if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "console screenshots: $CONSOLE_ARTEFACTS"
echo "console: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
