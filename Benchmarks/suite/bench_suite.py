#!/usr/bin/env python3
"""What a pytest suite pays for the emulator, per test, beyond its own calls.

Writes N tests into a temporary folder and runs them with the project's pytest plugin
(`python/src`, registered with `-p`, as the wheel's entry point would): each test gets its own
workspace (`mistral_workspace`, a fresh token), adds a responder, makes 5 chat calls through the
`mistralai` SDK with the SDK's telemetry on, and waits for its 5 chat spans
(`wait_for_spans`). Every phase is timed inside the test; pytest's own setup/call/teardown
durations come from its reports. Then, in the same session, a workspace with 5 chats and its
spans is reset R times, and a snapshot is saved and restored R times.

Prints, per test (median and p90 over the N tests, ms): the whole test (setup + call +
teardown), the 5 calls, the span wait, and the overhead (the whole test less the calls and
the span wait: fixtures, the responder, the client, teardown); then the reset and restore times.

    python3 Benchmarks/suite/bench_suite.py [--tests 50] [--repeat 20] [--binary .build/release/observability-emulator]
        [--python Tests/Conformance/.venv/bin/python]   # a venv with pytest, mistralai and opentelemetry-sdk
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CONFTEST = '''
import json, os, time
import pytest

RESULTS = os.environ["BENCH_SUITE_RESULTS"]
_phases = {}
_reports = {}


@pytest.fixture
def phases(request):
    timings = {}
    _phases[request.node.nodeid] = timings
    return timings


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    entry = _reports.setdefault(item.nodeid, {})
    entry[report.when] = report.duration * 1000
    if report.failed:
        entry["failed"] = str(report.longrepr)[-2000:]


def pytest_sessionfinish(session):
    with open(RESULTS, "w") as f:
        json.dump({"phases": _phases, "reports": _reports}, f)
'''

TESTS = '''
import time
from datetime import datetime, timezone

import pytest

MODEL = "mistral-small-latest"


def chat_five(client):
    for turn in range(5):
        reply = client.chat.complete(model=MODEL, messages=[{"role": "user", "content": f"question {turn} about refunds"}])
        assert reply.choices[0].message.content == "Refunds take 5 working days."


@pytest.mark.parametrize("index", range(int(__import__("os").environ["BENCH_SUITE_TESTS"])))
def test_a_workspace_with_a_responder_five_chats_and_their_spans(index, phases, mistral_workspace, mistral_client):
    t = time.perf_counter()
    mistral_workspace.add_responder(match={"contains": "refund"}, respond={"content": "Refunds take 5 working days."})
    mistral_workspace.configure_telemetry()
    phases["responder"] = (time.perf_counter() - t) * 1000
    started = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    t = time.perf_counter()
    chat_five(mistral_client)
    phases["calls"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    mistral_workspace.wait_for_spans(
        f"service_name = 'mistralai_sdk' AND operation_name = 'chat' AND start_time > '{started}'", count=5, timeout=15, interval=0.01)
    phases["span_wait"] = (time.perf_counter() - t) * 1000


def test_reset_and_restore(phases, mistral_emulator, mistral_workspace, mistral_client):
    repeat = int(__import__("os").environ["BENCH_SUITE_REPEAT"])
    resets, restores = [], []
    mistral_emulator.save_snapshot("bench-suite")
    for _ in range(repeat):
        mistral_workspace.add_responder(match={"contains": "refund"}, respond={"content": "Refunds take 5 working days."})
        chat_five(mistral_client)
        t = time.perf_counter()
        mistral_workspace.reset()
        resets.append((time.perf_counter() - t) * 1000)
    for _ in range(repeat):
        t = time.perf_counter()
        mistral_emulator.restore_snapshot("bench-suite")
        restores.append((time.perf_counter() - t) * 1000)
    phases["resets"] = resets
    phases["restores"] = restores
'''


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tests", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "observability-emulator"))
    parser.add_argument("--python", default=os.path.join(ROOT, "Tests", "Conformance", ".venv", "bin", "python"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as work:
        with open(os.path.join(work, "conftest.py"), "w") as f:
            f.write(textwrap.dedent(CONFTEST))
        with open(os.path.join(work, "test_suite_cost.py"), "w") as f:
            f.write(textwrap.dedent(TESTS))
        results = os.path.join(work, "results.json")
        env = dict(os.environ, BENCH_SUITE_RESULTS=results, BENCH_SUITE_TESTS=str(args.tests), BENCH_SUITE_REPEAT=str(args.repeat),
                   MISTRAL_EMULATOR_BIN=os.path.abspath(args.binary),
                   PYTHONPATH=os.path.join(ROOT, "python", "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        run = subprocess.run([args.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "mistral_observability_emulator.pytest_plugin",
                              "--mistral-emulator-arg=--log-level", "--mistral-emulator-arg=warning", work],
                             cwd=work, env=env, capture_output=True, text=True, timeout=1800)
        if not os.path.exists(results):
            sys.exit(f"pytest wrote no results:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}")
        data = json.load(open(results))
    failed = {k: v["failed"] for k, v in data["reports"].items() if "failed" in v}
    if failed:
        sys.exit(f"{len(failed)} tests failed; the first:\n{next(iter(failed.values()))}")
    rows = {"whole test (setup + call + teardown)": [], "fixture setup (workspace, client)": [], "responder + telemetry on": [],
            "5 chat calls": [], "span wait (5 spans)": [], "teardown": [], "overhead beyond the calls and the span wait": []}
    for nodeid, phases in data["phases"].items():
        if "calls" not in phases:
            continue
        report = data["reports"][nodeid]
        whole = report["setup"] + report["call"] + report["teardown"]
        rows["whole test (setup + call + teardown)"].append(whole)
        rows["fixture setup (workspace, client)"].append(report["setup"])
        rows["responder + telemetry on"].append(phases["responder"])
        rows["5 chat calls"].append(phases["calls"])
        rows["span wait (5 spans)"].append(phases["span_wait"])
        rows["teardown"].append(report["teardown"])
        rows["overhead beyond the calls and the span wait"].append(whole - phases["calls"] - phases["span_wait"])
    extra = next(p for p in data["phases"].values() if "resets" in p)

    def stats(values):
        values = sorted(values)
        return f"{statistics.median(values):.1f} | {values[min(len(values) - 1, int(len(values) * 0.9))]:.1f} | {values[-1]:.1f}"

    print(f"{len(rows['5 chat calls'])} tests, `python3 Benchmarks/suite/bench_suite.py --tests {args.tests} --repeat {args.repeat}` "
          f"({os.path.relpath(args.binary, ROOT)}); ms per test:\n")
    print("| per test | median | p90 | worst |\n|---|---:|---:|---:|")
    for name, values in rows.items():
        print(f"| {name} | {stats(values)} |")
    print(f"| reset one workspace (5 chats, a responder, their spans), {len(extra['resets'])} times | {stats(extra['resets'])} |")
    print(f"| restore a snapshot (fixtures and the session's state), {len(extra['restores'])} times | {stats(extra['restores'])} |")


if __name__ == "__main__":
    main()
