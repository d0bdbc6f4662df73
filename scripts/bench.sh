#!/usr/bin/env bash
# Benchmarks the emulator against nginx on this machine; see Benchmarks/bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
if [ "${#need[@]}" -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
swift build -c release --product observability-emulator >&2
# The image's binary too (scripts/build-release.sh), for its ready time and RSS.
scripts/build-release.sh >/dev/null
# Writes the tables into docs/performance.md.
python3 Benchmarks/bench.py "$@"
