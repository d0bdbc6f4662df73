#!/usr/bin/env python3
"""Snapshot save and restore time, and a workspace reset, at a size a test suite seeds.

Starts the emulator binary with N synthetic events and M synthetic traces of ten spans
(default 10,000 events and 100,000 spans), saves a snapshot, then restores it R times and
prints the best, median and worst wall time of each operation as a client sees it (the HTTP
round trip included), with the snapshot's size.

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build-static/release/observability-emulator")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--traces", type=int, default=10_000, help="synthetic traces of ten spans each")
    parser.add_argument("--repeat", type=int, default=7)
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
            saves, restores, resets = [], [], []
            for index in range(args.repeat):
                elapsed, saved = request(url + "/__emulator/snapshots", "POST", {"name": "bench"})
                saves.append(elapsed)
                restores.append(request(url + "/__emulator/snapshots/bench/restore", "POST")[0])
                resets.append(request(url + "/__emulator/reset", "POST", {"scope": "workspace"})[0])
            health = request(url + "/__emulator/health")[1]
            spans = args.traces * 10
            print(f"snapshot of {health['events']} events and {spans} spans: {saved['size_bytes'] / 1e6:.1f} MB "
                  f"(best / median / worst of {args.repeat}, ms, HTTP round trip included)")
            for name, times in (("save", saves), ("restore", restores), ("reset one workspace", resets)):
                print(f"  {name:20} {min(times) * 1000:8.1f} {statistics.median(times) * 1000:8.1f} {max(times) * 1000:8.1f}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
