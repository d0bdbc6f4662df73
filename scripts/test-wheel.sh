#!/usr/bin/env bash
# Tests the Python distribution as a user gets it: builds the wheel (scripts/build-wheel.sh; or
# takes OBS_WHEEL=<path>), installs it into a fresh venv in a temporary folder, checks with ldd
# that the installed binary takes libsqlite3 and libz from the wheel and nothing else but glibc's
# base libraries from the system (and, where `unshare --mount` works, that it serves with the
# system's copies hidden), then runs, from that folder (no source tree on the path),
# the example suite examples/pytest_plugin/ and the plugin's own tests python/tests/.
#   OBS_WHEEL_WHEELHOUSE  wheels of the pinned test dependencies, filled from PyPI on first use
#                         (default ~/.cache/observability-emulator/wheel-test/wheelhouse), so
#                         the fresh venv installs offline in seconds
#   PYTHON                interpreter of the venv (default python3)
# Extra arguments go to pytest. The last line is "wheel: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
PYTHON="${PYTHON:-python3}"
WHEELHOUSE="${OBS_WHEEL_WHEELHOUSE:-$HOME/.cache/observability-emulator/wheel-test/wheelhouse}"
fail() { echo "test-wheel.sh: $1" >&2; echo "wheel: 0 passed, 1 failed"; exit 1; }

started=$(date +%s)
wheel="${OBS_WHEEL:-}"
if [ -z "$wheel" ]; then
    wheel=$(scripts/build-wheel.sh) || fail "the wheel did not build"
fi
[ -f "$wheel" ] || fail "no wheel at $wheel"
wheel=$(cd "$(dirname "$wheel")" && pwd)/$(basename "$wheel")
built=$(date +%s)
echo "== $(basename "$wheel"): $(( $(stat -c %s "$wheel") / 1024 )) KiB (built in $((built - started)) s)" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R examples/pytest_plugin "$work/example"
cp -R python/tests "$work/plugin-tests"
cd "$work"

echo "== fresh venv" >&2
"$PYTHON" -m venv "$work/venv" || fail "cannot create a venv"
py="$work/venv/bin/python"
requirements="$work/example/requirements.txt"
pip_quiet=(--quiet --disable-pip-version-check)
if ! "$py" -m pip install "${pip_quiet[@]}" --no-index --find-links "$WHEELHOUSE" -r "$requirements" 2>/dev/null; then
    echo "== filling the wheelhouse $WHEELHOUSE from PyPI" >&2
    mkdir -p "$WHEELHOUSE"
    "$py" -m pip download "${pip_quiet[@]}" --dest "$WHEELHOUSE" -r "$requirements" >&2 || fail "pip download failed"
    "$py" -m pip install "${pip_quiet[@]}" --no-index --find-links "$WHEELHOUSE" -r "$requirements" >&2 || fail "cannot install the test requirements"
fi
"$py" -m pip install "${pip_quiet[@]}" --no-index --no-deps "$wheel" >&2 || fail "cannot install $wheel"

echo "== the installed binary's libraries" >&2
binary=$("$py" -c "import mistral_observability_emulator as m; print(m.binary_path())") || fail "the package does not import"
case "$binary" in "$REPO"/*) fail "the binary resolves into the source tree: $binary" ;; esac
libs_dir=$(dirname "$(dirname "$binary")").libs
ldd_out=$(LD_LIBRARY_PATH= ldd "$binary") || fail "ldd failed"
echo "$ldd_out" >&2
"$py" - "$libs_dir" "$ldd_out" <<'PY' || fail "the binary's libraries are not the wheel's and glibc's base ones"
import os, re, sys
libs_dir, ldd = os.path.realpath(sys.argv[1]), sys.argv[2]
base = re.compile(r"^(linux-vdso\.so\.1|ld-linux-x86-64\.so\.2|/lib64/ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$")
vendored = {"libsqlite3": False, "libz": False}
for line in ldd.splitlines():
    name, _, rest = line.strip().partition(" => ")
    name = name.split(" (")[0]
    path = rest.split(" (")[0].strip()
    if "not found" in rest:
        sys.exit(f"unresolved: {line.strip()}")
    stem = re.sub(r"-[0-9a-f]{8}\.so.*$", "", name)
    if stem in vendored:
        if os.path.dirname(os.path.realpath(path)) != libs_dir:
            sys.exit(f"{name} resolves to {path}, not into {libs_dir}")
        vendored[stem] = True
    elif not base.match(name):
        sys.exit(f"not a glibc base library: {line.strip()}")
missing = [k for k, v in vendored.items() if not v]
if missing:
    sys.exit(f"not vendored: {missing}")
PY
LD_LIBRARY_PATH= "$binary" --version >/dev/null || fail "the installed binary does not run"

# Where a private mount namespace is allowed (root, or a user namespace), the system's
# libsqlite3 and libz are hidden (/dev/null bound over them, seen by this namespace only) while
# the installed binary starts, seeds its database and answers its healthcheck.
hidden=()
for name in libsqlite3.so.0 libz.so.1; do
    path=$(ldconfig -p 2>/dev/null | awk -v name="$name" '$1 == name && /x86-64/ {print $NF; exit}')
    [ -n "$path" ] && hidden+=("$(readlink -f "$path")")
done
if unshare --mount true 2>/dev/null; then
    echo "== the installed binary with the system's ${hidden[*]:-(none installed)} hidden" >&2
    HIDDEN="${hidden[*]}" BINARY="$binary" WORK="$work" unshare --mount bash -c '
        for lib in $HIDDEN; do mount --bind /dev/null "$lib" || exit 1; done
        for lib in $HIDDEN; do [ ! -s "$lib" ] || exit 1; done
        export OBS_EMULATOR_PORT_FILE="$WORK/hidden.port" TMPDIR="$WORK" LD_LIBRARY_PATH=
        "$BINARY" serve --port 0 --log-level warning > "$WORK/hidden.log" 2>&1 &
        pid=$!
        for _ in $(seq 1 200); do [ -s "$OBS_EMULATOR_PORT_FILE" ] && break; sleep 0.05; done
        "$BINARY" healthcheck; healthy=$?
        kill -TERM "$pid"; wait "$pid"; stopped=$?
        cat "$WORK/hidden.log" >&2
        [ "$healthy" -eq 0 ] && [ "$stopped" -eq 0 ]
    ' || fail "the installed binary does not serve without the system's libsqlite3 and libz"
else
    echo "== (no private mount namespace here: the ldd check above stands for running without them)" >&2
fi

echo "== the example suite and the plugin's tests (from $work)" >&2
"$work/venv/bin/pytest" -q -rfEs -p no:cacheprovider --junitxml="$work/example.xml" --rootdir "$work/example" "$work/example" "$@"
example_code=$?
"$work/venv/bin/pytest" -q -rfEs -p no:cacheprovider --junitxml="$work/plugin.xml" --rootdir "$work/plugin-tests" "$work/plugin-tests" "$@"
plugin_code=$?
passed=0 failed=0
for report in example plugin; do
    read -r p f s < <("$PYTHON" "$REPO/scripts/junit-counts.py" "$work/$report.xml" 2>/dev/null || echo "0 0 0")
    passed=$((passed + p)); failed=$((failed + f))
done
if { [ "$example_code" -ne 0 ] || [ "$plugin_code" -ne 0 ]; } && [ "$failed" -eq 0 ]; then failed=1; fi
echo "== $(( $(date +%s) - started )) s in all" >&2
echo "wheel: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
