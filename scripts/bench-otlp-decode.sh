#!/usr/bin/env bash
# Decode throughput of the OTLP protobuf decoder (Benchmarks/OTLPDecodeBench), release build.
# Usage: scripts/bench-otlp-decode.sh [seconds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
OBS_BENCH=1 swift build -c release -Xswiftc -enable-testing --scratch-path .build-bench --product OTLPDecodeBench >&2
.build-bench/release/OTLPDecodeBench "${1:-3}"
