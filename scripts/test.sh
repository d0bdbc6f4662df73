#!/usr/bin/env bash
# Runs every test: the Swift unit and integration tests, then the Python conformance suite
# (the pinned mistralai SDK against the running binary) and schemathesis against the published
# OpenAPI. Installs what is missing first. Exit status is non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh

echo "== swift build" >&2
swift build --build-tests

echo "== swift test" >&2
swift test --skip-build

echo "== conformance (mistralai SDK + schemathesis)" >&2
export OBS_EMULATOR_BIN="$PWD/.build/debug/observability-emulator"
bash Tests/Conformance/run.sh
