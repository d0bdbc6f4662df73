#!/usr/bin/env bash
# Runs every test: the Swift unit and integration tests, then the Python conformance suite
# (the pinned mistralai SDK against the running binary, schemathesis against the published and
# the served OpenAPI, hostile HTTP, the README example), then the SDK matrix (every served
# method of mistralai 2.9.4, 2.10.1, 3.0.0 and 3.7.0, each in its own venv), then the web console
# in headless Chromium (Tests/Console, which installs Debian's chromium when missing), then the
# Python wheel with its pytest plugin (scripts/test-wheel.sh). Installs what is missing first. Ends with one line "tests: N passed, M failed"; exit status is non-zero if
# anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
set +e
logs=$(mktemp -d)

echo "== swift build" >&2
swift build --build-tests || { echo "tests: 0 passed, 1 failed (swift build)"; exit 1; }

echo "== swift test" >&2
swift test --skip-build --disable-swift-testing 2>&1 | tee "$logs/swift.txt"
swift_status=${PIPESTATUS[0]}

echo "== conformance (mistralai SDK + schemathesis)" >&2
export OBS_EMULATOR_BIN="$PWD/.build/debug/observability-emulator"
bash Tests/Conformance/run.sh 2>&1 | tee "$logs/pytest.txt"
pytest_status=${PIPESTATUS[0]}

echo "== SDK matrix (mistralai 2.9.4, 2.10.1, 3.0.0, 3.7.0)" >&2
bash Tests/SDKMatrix/run.sh 2>&1 | tee "$logs/matrix.txt"
matrix_status=${PIPESTATUS[0]}

echo "== clients (the async SDK, the examples, LangChain, LlamaIndex, Pydantic AI, instructor, Haystack; the OpenInference, OpenLLMetry and OpenLIT instrumentations)" >&2
bash Tests/Clients/run.sh 2>&1 | tee "$logs/clients.txt"
clients_status=${PIPESTATUS[0]}

echo "== console (headless Chromium)" >&2
bash Tests/Console/run.sh 2>&1 | tee "$logs/console.txt"
console_status=${PIPESTATUS[0]}

echo "== wheel (the Python package and its pytest plugin)" >&2
bash scripts/test-wheel.sh 2>&1 | tee "$logs/wheel.txt"
wheel_status=${PIPESTATUS[0]}

# Every relative link and #anchor of README.md, CONTRIBUTING.md and docs/*.md resolves.
echo "== links (README.md, CONTRIBUTING.md, docs/*.md)" >&2
python3 scripts/check-links.py 2>&1 | tee "$logs/links.txt"
links_status=${PIPESTATUS[0]}

# XCTest prints "Executed N tests, with M failures" per bundle and once for all: take the last.
swift_line=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$logs/swift.txt" | tail -1)
swift_total=$(echo "$swift_line" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); swift_total=${swift_total:-0}
swift_failed=$(echo "$swift_line" | sed -E 's/.*with ([0-9]+) failures?.*/\1/'); swift_failed=${swift_failed:-0}
py_line=$(grep -E "^[0-9]+ (passed|failed)|[0-9]+ passed" "$logs/pytest.txt" | tail -1)
py_passed=$(echo "$py_line" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+"); py_passed=${py_passed:-0}
py_failed=0
for n in $(echo "$py_line" | grep -oE "[0-9]+ (failed|error|errors)" | grep -oE "^[0-9]+"); do py_failed=$((py_failed + n)); done
if [ "$swift_status" -ne 0 ] && [ "$swift_failed" -eq 0 ]; then swift_failed=1; fi
if [ "$pytest_status" -ne 0 ] && [ "$py_failed" -eq 0 ]; then py_failed=1; fi
# The suites that end with "<label>: N passed, M failed" print "N M" (a non-zero exit without a
# failure counts one).
summary_counts() {
    local line passed failed
    line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$2" | tail -1)
    passed=$(echo "$line" | sed -E "s/^$1: ([0-9]+) passed.*/\\1/"); passed=${passed:-0}
    failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/'); failed=${failed:-0}
    if [ "$3" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    echo "$passed $failed"
}
read -r matrix_passed matrix_failed < <(summary_counts sdk-matrix "$logs/matrix.txt" "$matrix_status")
read -r console_passed console_failed < <(summary_counts console "$logs/console.txt" "$console_status")
read -r clients_passed clients_failed < <(summary_counts clients "$logs/clients.txt" "$clients_status")
read -r wheel_passed wheel_failed < <(summary_counts wheel "$logs/wheel.txt" "$wheel_status")
read -r links_passed links_failed < <(summary_counts links "$logs/links.txt" "$links_status")
passed=$((swift_total - swift_failed + py_passed + matrix_passed + console_passed + clients_passed + wheel_passed + links_passed))
failed=$((swift_failed + py_failed + matrix_failed + console_failed + clients_failed + wheel_failed + links_failed))
echo "$passed $failed" > "${OBS_TEST_SUMMARY:-/dev/null}"
rm -rf "$logs"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
