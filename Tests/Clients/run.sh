#!/usr/bin/env bash
# Client matrix: real Python clients of Mistral's API against the emulator binary, each in its
# own venv, cached outside the repository and reinstalled only when its pins change.
#   OBS_EMULATOR_BIN   emulator binary (default: <repo>/.build/debug/observability-emulator)
#   OBS_CLIENT_VENVS   where the venvs live (default: ~/.cache/observability-emulator/clients)
#   CLIENTS            clients to run (default: all, in the order below)
#   PYTHON             interpreter that creates the venvs (default: python3)
#   CLIENTS_TABLE      when set, the "works with" table of this run is written there (Markdown)
# Each client's suite starts its own emulator on a free port. Extra arguments go to pytest.
# The last line is "clients: N passed, M failed"; a client whose venv cannot be installed, or
# whose pytest exits non-zero without a failure, counts one failed.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENVS="${OBS_CLIENT_VENVS:-$HOME/.cache/observability-emulator/clients}"
ALL="sdk-async examples samples langchain llamaindex pydantic-ai instructor haystack openinference openllmetry openlit"
export OBS_EMULATOR_BIN="${OBS_EMULATOR_BIN:-$REPO/.build/debug/observability-emulator}"

# client -> venv (requirements/<venv>.txt) and test module.
venv_of() { case "$1" in examples|samples) echo sdk-async ;; *) echo "$1" ;; esac; }
module_of() { echo "test_${1//-/_}.py"; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$VENVS"

source "$REPO/scripts/ensure-venv.sh"

total_passed=0
total_failed=0
summary=()
rows=()
started=$(date +%s)
for client in ${CLIENTS:-$ALL}; do
    venv="$(venv_of "$client")"
    echo "=== $client (venv $venv)"
    if ! ensure_venv "$VENVS/$venv" "$HERE/requirements/$venv.txt" "$PYTHON"; then
        echo "run.sh: cannot install the $venv venv" >&2
        total_failed=$((total_failed + 1))
        summary+=("$client: venv install failed")
        rows+=("$client|(not installed)|-|0/1")
        continue
    fi
    py="$VENVS/$venv/bin/python"
    report="$WORK/junit-$client.xml"
    (cd "$HERE" && "$py" -m pytest -q -rfEs --junitxml="$report" "$(module_of "$client")" "$@")
    code=$?
    read -r passed failed skipped < <("$py" "$REPO/scripts/junit-counts.py" "$report")
    if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    summary+=("$client: passed $passed, failed $failed, skipped $skipped (pytest exit $code)")
    rows+=("$client|$(cd "$HERE" && "$py" -c "import clients_info; print(clients_info.describe('$client'))")|$passed/$((passed + failed + skipped))")
done
elapsed=$(( $(date +%s) - started ))

echo
echo "=== per client ($elapsed s)"
for line in "${summary[@]}"; do echo "  $line"; done
if [ -n "${CLIENTS_TABLE:-}" ]; then
    {
        echo "| client | version | what is tested | passed/total |"
        echo "|---|---|---|---|"
        for row in "${rows[@]}"; do
            IFS='|' read -r name what tested score <<<"$row"
            echo "| $name | $what | $tested | $score |"
        done
    } > "$CLIENTS_TABLE"
fi
echo "clients: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
