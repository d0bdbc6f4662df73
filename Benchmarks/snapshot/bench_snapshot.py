#!/usr/bin/env python3
"""Snapshot save and restore time, and a workspace reset, at a size a test suite seeds.

Starts the emulator binary with N synthetic events and M synthetic traces of ten spans
(default 10,000 events and 100,000 spans), saves a snapshot, then restores it R times as a
suite does (a test's writes and a pause of --test-ms between restores), and R times back to back
(the restore waits for the copy the previous one started), and prints the best, median and
worst wall time of each operation as a client sees it (the HTTP round trip included), with the
snapshot's size.

    python3 Benchmarks/snapshot/bench_snapshot.py --binary .build-static/release/observability-emulator
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TOKEN = "bench-snapshot"


def request(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers), timeout=300) as r:
        payload = r.read()
    return time.perf_counter() - started, (json.loads(payload) if payload else None)


def write_like_a_test(url, index):
    """Five chat completions in the bench workspace: events written between two restores."""
    for turn in range(5):
        request(url + "/v1/chat/completions", "POST",
                {"model": "mistral-small-latest", "messages": [{"role": "user", "content": f"test {index} turn {turn}"}]})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build-static/release/observability-emulator")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--traces", type=int, default=10_000, help="synthetic traces of ten spans each")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--test-ms", type=int, default=300, help="how long a test runs between two restores")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port_file = os.path.join(tmp, "port")
        proc = subprocess.Popen([args.binary, "--port", "0", "--port-file", port_file, "--log-level", "error",
                                 "--db", os.path.join(tmp, "bench.sqlite"), "--snapshot-dir", os.path.join(tmp, "snapshots"),
                                 "--synthetic-events", str(args.events), "--synthetic-traces", str(args.traces)])
        try:
            deadline = time.time() + 600
            while not (os.path.exists(port_file) and open(port_file).read().strip()):
                if time.time() > deadline or proc.poll() is not None:
                    sys.exit("the emulator did not start")
                time.sleep(0.05)
            url = f"http://127.0.0.1:{open(port_file).read().strip()}"
            while True:
                try:
                    if request(url + "/__emulator/health")[1]["search_index"] == "ready":
                        break
                except OSError:
                    pass
                time.sleep(0.2)
            saves, restores, back_to_back, resets = [], [], [], []
            for index in range(args.repeat):
                elapsed, saved = request(url + "/__emulator/snapshots", "POST", {"name": "bench"})
                saves.append(elapsed)
            restore = url + "/__emulator/snapshots/bench/restore"
            for index in range(args.repeat):
                write_like_a_test(url, index)
                time.sleep(args.test_ms / 1000)
                restores.append(request(restore, "POST")[0])
            for index in range(args.repeat):
                back_to_back.append(request(restore, "POST")[0])
            for index in range(args.repeat):
                write_like_a_test(url, index)
                resets.append(request(url + "/__emulator/reset", "POST", {"scope": "workspace"})[0])
            health = request(url + "/__emulator/health")[1]
            spans = args.traces * 10
            print(f"snapshot of {health['events']} events and {spans} spans: {saved['size_bytes'] / 1e6:.1f} MB "
                  f"(best / median / worst of {args.repeat}, ms, HTTP round trip included)")
            for name, times in (("save", saves), (f"restore after a {args.test_ms} ms test", restores),
                                ("restore back to back", back_to_back), ("reset one workspace", resets)):
                print(f"  {name:30} {min(times) * 1000:8.1f} {statistics.median(times) * 1000:8.1f} {max(times) * 1000:8.1f}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
