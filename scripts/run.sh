#!/usr/bin/env bash
# Builds (the image's release build: scripts/build-release.sh) and runs the emulator with its seeded data on http://127.0.0.1:8080.
# Extra arguments go to the emulator, e.g. scripts/run.sh --port 9000 --log-level debug
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
BIN=$(scripts/build-release.sh)
exec "$BIN" --port "${OBS_EMULATOR_PORT:-8080}" "$@"
