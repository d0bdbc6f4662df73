#!/usr/bin/env bash
# Verifies what can be verified of docker/Dockerfile without a Docker engine:
#  1. builds the release binary as the build stage does (scripts/build-release.sh);
#  2. lists its shared libraries with ldd and checks that the Debian packages providing them are
#     exactly what the runtime stage installs (plus libc6 from the base image);
#  3. lays the binary and fixtures out as the image does (/usr/local/bin, /usr/local/share/…)
#     in a temporary root, runs the copy from outside the build tree with the image's environment,
#     and checks that it found the image's fixtures path;
#  4. runs `observability-emulator healthcheck` against it (by port file, as the HEALTHCHECK does),
#     then SIGTERM: it must exit 0, and the healthcheck must then fail.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh

echo "== release build, static Swift runtime, non-PIE (scripts/build-release.sh)" >&2
BIN=$(scripts/build-release.sh)
if command -v readelf >/dev/null 2>&1 && ! readelf -h "$BIN" | grep -q "EXEC"; then
    echo "FAIL: expected a fixed-address (non-PIE) executable" >&2; exit 1
fi

echo "== shared libraries" >&2
ldd "$BIN" | tee /tmp/observability-emulator-ldd.txt >&2
if grep -q "not found" /tmp/observability-emulator-ldd.txt; then echo "FAIL: unresolved libraries" >&2; exit 1; fi
if grep -qiE "libswift|libFoundation|libicu|libdispatch" /tmp/observability-emulator-ldd.txt; then
    echo "FAIL: the Swift runtime is linked dynamically; expected --static-swift-stdlib" >&2; exit 1
fi
needed_packages=$(awk '/=>/ {print $3} /^\s*\/lib/ {print $1}' /tmp/observability-emulator-ldd.txt | while read -r path; do
    real=$(readlink -f "$path")
    dpkg -S "$real" 2>/dev/null || dpkg -S "$path" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null || echo "UNKNOWN: $path"
done | cut -d: -f1 | sed 's/:amd64$//;s/:arm64$//' | sort -u)
runtime_packages=$(grep -oE "install -y --no-install-recommends [a-z0-9. +-]+" docker/Dockerfile | tail -1 | sed 's/.*recommends //' | tr ' ' '\n' | grep -v '^$' | sort -u)
expected=$(printf "%s\nlibc6\n" "$runtime_packages" | sort -u)
echo "needed by the binary: $(echo $needed_packages)" >&2
echo "installed by the runtime stage (+ libc6): $(echo $expected)" >&2
if [ "$(echo "$needed_packages")" != "$(echo "$expected")" ]; then
    echo "FAIL: the runtime stage's packages do not match the binary's needs" >&2
    exit 1
fi

echo "== run the copy with the image's layout and environment" >&2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$BIN" "$root/usr/local/bin/observability-emulator"
mkdir -p "$root/usr/local/share/observability-emulator"
cp -R Fixtures "$root/usr/local/share/observability-emulator/Fixtures"
cp docs/openapi.yaml "$root/usr/local/share/observability-emulator/openapi.yaml"
export OBS_EMULATOR_HOST=127.0.0.1 OBS_EMULATOR_PORT=0 OBS_EMULATOR_PORT_FILE="$root/port" TMPDIR="$root" OBS_EMULATOR_LOG_LEVEL=warning
(cd / && exec "$root/usr/local/bin/observability-emulator" serve) > "$root/out.txt" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$root/port" ] && break; sleep 0.05; done
[ -s "$root/port" ] || { echo "FAIL: no port file"; cat "$root/out.txt"; exit 1; }
port=$(cat "$root/port")
"$root/usr/local/bin/observability-emulator" healthcheck
health=$(python3 -c "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:$port/__emulator/health').read().decode())")
echo "$health" >&2
python3 - "$health" "$root/usr/local/share/observability-emulator/Fixtures" <<'PY'
import json, os, sys
health, expected = json.loads(sys.argv[1]), os.path.realpath(sys.argv[2])
assert health["status"] == "ok", health
assert os.path.realpath(health["fixtures_directory"]) == expected, (health["fixtures_directory"], expected)
assert health["fixture_events"] > 0 and health["fixture_judges"] > 0, health
PY
# The served OpenAPI document is a data file shipped like the fixtures.
python3 -c "import urllib.request,sys; d=urllib.request.urlopen('http://127.0.0.1:$port/__emulator/openapi.yaml').read(); sys.exit(0 if d.startswith(b'# Generated') and b'/__emulator/health' in d else 'openapi.yaml not served from the image layout')"
# So is the web console (Fixtures/console), found in the share folder beside the fixtures.
python3 - "$port" "$root/usr/local/share/observability-emulator/Fixtures/console" <<'PY'
import sys, urllib.request
port, folder = sys.argv[1], sys.argv[2]
page = urllib.request.urlopen(f"http://127.0.0.1:{port}/__emulator/ui")
assert page.headers["Content-Type"].startswith("text/html") and b"/__emulator/ui/console.js" in page.read(), "console page not served"
script = urllib.request.urlopen(f"http://127.0.0.1:{port}/__emulator/ui/console.js").read()
assert script == open(f"{folder}/console.js", "rb").read(), "console.js not served from the image layout"
PY
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 0 ] || { echo "FAIL: exit status $status after SIGTERM"; cat "$root/out.txt"; exit 1; }
if OBS_EMULATOR_PORT="$port" "$root/usr/local/bin/observability-emulator" healthcheck --port "$port" 2>/dev/null; then
    echo "FAIL: healthcheck passed with the server stopped" >&2; exit 1
fi
ls -la "$root"/*.sqlite* 2>/dev/null && { echo "FAIL: temporary database left behind" >&2; exit 1; }
echo "container verification passed: static stdlib, runtime packages match ($(echo $expected)), fixtures, openapi.yaml and the console found, healthcheck ok, SIGTERM exit 0"
