#!/usr/bin/env bash
# SDK matrix: runs the suite in this folder once per mistralai release, each in its own venv
# (Tests/SDKMatrix/.venv-<release>, created and filled on first use).
#   OBS_EMULATOR_BIN  emulator binary (default: <repo>/.build/debug/observability-emulator)
#   SDK_RELEASES      releases to run (default: "2.9.4 2.10.1 3.0.0 3.7.0")
#   PYTHON            interpreter that creates the venvs (default: python3)
# Extra arguments go to pytest. Keeps going after a failing release; the last line is
# "sdk-matrix: N passed, M failed" (errors count as failed; a release whose pytest exits non-zero
# without a failure counts 1 failed), and the exit code is non-zero when M > 0.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
RELEASES="${SDK_RELEASES:-2.9.4 2.10.1 3.0.0 3.7.0}"
export OBS_EMULATOR_BIN="${OBS_EMULATOR_BIN:-$REPO/.build/debug/observability-emulator}"
# The OpenTelemetry SDK and exporter are the SDK's `telemetry` extra (configure_telemetry).
PINS=(pytest==9.2.0 requests==2.34.2 PyYAML==6.0.3 opentelemetry-sdk==1.45.2 opentelemetry-exporter-otlp-proto-http==1.45.2)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

total_passed=0
total_failed=0
summary=()

source "$REPO/scripts/ensure-venv.sh"

for release in $RELEASES; do
    echo "=== mistralai $release"
    venv="$HERE/.venv-$release"
    py="$venv/bin/python"
    requirements="$WORK/requirements-$release.txt"
    printf '%s\n' "mistralai==$release" "${PINS[@]}" > "$requirements"
    if ! ensure_venv "$venv" "$requirements" "$PYTHON"; then
        echo "run.sh: cannot create or fill $venv for mistralai $release" >&2
        total_failed=$((total_failed + 1)); summary+=("$release: venv install failed"); continue
    fi

    report="$WORK/junit-$release.xml"
    (cd "$HERE" && SDK_RELEASE="$release" "$py" -m pytest -q -rfEs --junitxml="$report" "$HERE" "$@")
    code=$?
    read -r passed failed skipped < <("$py" "$REPO/scripts/junit-counts.py" "$report")
    if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1
    fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    summary+=("$release: passed $passed, failed $failed, skipped $skipped (pytest exit $code)")
done

echo
echo "=== per release"
for line in "${summary[@]}"; do
    echo "  $line"
done
echo "sdk-matrix: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
