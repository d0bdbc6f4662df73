#!/usr/bin/env bash
# The release build the image ships, in one place (docker/Dockerfile, run.sh, bench.sh and
# verify-container.sh all use it):
#   --static-swift-stdlib  the Swift runtime and Foundation are linked in: the binary needs only
#                          glibc, libstdc++/libgcc and libsqlite3 at run time;
#   -no-pie                a fixed-address executable: the ~75 000 pointer relocations of a
#                          position-independent one are not applied at every start, which saves
#                          about 2 MB of memory per process (shared libraries stay randomised).
# Usage: scripts/build-release.sh [SCRATCH_PATH]   (default .build-static)
# Prints the binary's path on stdout; the build's output goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${1:-.build-static}"
swift build -c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -no-pie \
    --product observability-emulator --scratch-path "$scratch" >&2
echo "$(pwd)/$scratch/release/observability-emulator"
