#!/usr/bin/env python3
"""Reliability checks against the release binary, with figures for docs/reliability.md:

1. stress: W workers, each its own workspace, write and read concurrently (judges, datasets,
   records, ingested events, searches). No 5xx (no SQLITE_BUSY reaches a client), no lost write,
   and every count exact at the end.
2. kill -9: with --db FILE, writers ingest events one per request and OTLP spans (JSON exports
   of one span each); the process is killed with SIGKILL mid-burst; after a restart every
   acknowledged event (201) and span (200) must be there and the database must open cleanly.
   Repeated N times.
3. bad databases: a corrupt file and an unwritable path give a clear start-up error and exit 2,
   not a crash.

    python3 scripts/reliability.py [--binary PATH] [--workers 8] [--requests 150] [--kills 10]
Prints a Markdown table; exits non-zero on any failure.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start(binary, *args):
    proc = subprocess.Popen([binary, "--port", "0", "--log-level", "error", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not m:
        raise SystemExit(f"emulator did not start: {line!r} {proc.stderr.read()}")
    return proc, f"http://127.0.0.1:{m.group(1)}"


def call(base, method, path, body=None, token="t", timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, (json.loads(raw) if raw else None)


def event(i, worker):
    return {"request_messages": [{"role": "user", "content": f"worker {worker} question {i} about refunds"}],
            "response_messages": [{"role": "assistant", "content": f"answer {i}"}],
            "extra_fields": {"model_name": "mistral-small-latest", "metadata": {"worker": str(worker)}}}


def otlp_span(trial, i):
    """An OTLP JSON export of one span; returns (body, span id)."""
    trace_id = f"{trial + 1:08x}{i + 1:024x}"
    span_id = f"{i + 1:016x}"
    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "reliability"}}]},
                               "scopeSpans": [{"spans": [{"traceId": trace_id, "spanId": span_id, "name": f"chat {i}",
                                                          "startTimeUnixNano": str(1_793_491_200_000_000_000 + i),
                                                          "endTimeUnixNano": str(1_793_491_200_000_000_000 + i + 1000)}]}]}]}
    return body, span_id


def stored_spans(base):
    """The span ids of the `reliability` service in the `durable` workspace, every page."""
    ids, cursor = set(), None
    while True:
        path = "/v1/observability/spans/search?page_size=100" + (f"&cursor={cursor}" if cursor else "")
        s, body = call(base, "POST", path, {"search_expression": "service_name = 'reliability'"}, token="durable")
        if s != 200:
            return ids
        ids |= {span["span_id"] for span in body["spans"]["results"]}
        cursor = body["spans"]["cursor"]
        if not cursor:
            return ids


def stress(binary, workers, per_worker):
    db = tempfile.mktemp(suffix=".sqlite")
    proc, base = start(binary, "--db", db)
    errors, statuses = [], {}
    lock = threading.Lock()

    def work(w):
        token = f"stress-{w}"
        rng = random.Random(w)
        created = {"judges": 0, "records": 0, "events": 0}
        status, ds = call(base, "POST", "/v1/observability/datasets", {"name": f"dataset {w:03d}", "description": "stress"}, token)
        if status != 201:
            errors.append(f"worker {w}: dataset {status}")
            return
        for i in range(per_worker):
            kind = rng.choice(["judge", "record", "event", "search", "search", "list"])
            if kind == "judge":
                s, _ = call(base, "POST", "/v1/observability/judges", {"name": f"judge {w}-{i}", "description": "d", "model_name": "m",
                    "output": {"options": [{"value": "a", "description": "x"}]}, "instructions": "x", "tools": []}, token)
                ok = s == 201; created["judges"] += ok
            elif kind == "record":
                s, _ = call(base, "POST", f"/v1/observability/datasets/{ds['id']}/records", {"payload": {"messages": [{"role": "user", "content": str(i)}]}, "properties": {"i": i}}, token)
                ok = s == 201; created["records"] += ok
            elif kind == "event":
                s, _ = call(base, "POST", "/__emulator/events", event(i, w), token)
                ok = s == 201; created["events"] += ok
            elif kind == "search":
                s, _ = call(base, "POST", "/v1/observability/chat-completion-events/search?page_size=20", {"search_params": {"filters": {"field": "metadata.worker", "op": "eq", "value": str(w)}}}, token)
                ok = s == 200
            else:
                s, _ = call(base, "GET", "/v1/observability/judges?page_size=5", None, token)
                ok = s == 200
            with lock:
                statuses[s] = statuses.get(s, 0) + 1
            if not ok:
                errors.append(f"worker {w}: {kind} answered {s}")
        # Counts must be exact.
        s, judges = call(base, "GET", "/v1/observability/judges?page_size=1", None, token)
        if judges["judges"]["count"] != created["judges"] + 4:
            errors.append(f"worker {w}: {judges['judges']['count']} judges, expected {created['judges'] + 4}")
        s, records = call(base, "GET", f"/v1/observability/datasets/{ds['id']}/records?page_size=1", None, token)
        if records["records"]["count"] != created["records"]:
            errors.append(f"worker {w}: {records['records']['count']} records, expected {created['records']}")
        s, ids = call(base, "POST", "/v1/observability/chat-completion-events/search-ids", {"search_params": {"filters": {"field": "metadata.worker", "op": "eq", "value": str(w)}}}, token)
        if len(ids["completion_event_ids"]) != created["events"]:
            errors.append(f"worker {w}: {len(ids['completion_event_ids'])} events, expected {created['events']}")

    started = time.time()
    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.time() - started
    proc.send_signal(signal.SIGTERM)
    exit_code = proc.wait(timeout=30)
    if exit_code != 0:
        errors.append(f"exit status {exit_code} after SIGTERM")
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f): os.unlink(f)
    total = sum(statuses.values())
    return errors, total, elapsed, statuses


def kill_trials(binary, trials):
    errors, acknowledged_total, lost_total = [], 0, 0
    for trial in range(trials):
        db = tempfile.mktemp(suffix=".sqlite")
        proc, base = start(binary, "--db", db)
        acknowledged = []
        stop = threading.Event()

        def writer():
            i = 0
            while not stop.is_set():
                try:
                    s, body = call(base, "POST", "/__emulator/events", event(i, trial), token="durable", timeout=5)
                except Exception:
                    return  # the process died mid-request: not acknowledged
                if s == 201:
                    acknowledged.extend(body["event_ids"])
                i += 1

        spans = []

        def span_writer():
            i = 0
            while not stop.is_set():
                body, span_id = otlp_span(trial, i)
                try:
                    s, _ = call(base, "POST", "/telemetry/v1/traces", body, token="durable", timeout=5)
                except Exception:
                    return  # the process died mid-request: not acknowledged
                if s == 200:
                    spans.append(span_id)
                i += 1

        threads = [threading.Thread(target=writer) for _ in range(2)] + [threading.Thread(target=span_writer)]
        for t in threads: t.start()
        time.sleep(0.3 + random.Random(trial).random() * 0.7)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stop.set()
        for t in threads: t.join()
        proc, base = start(binary, "--db", db)
        s, _ = call(base, "GET", "/__emulator/health")
        if s != 200:
            errors.append(f"trial {trial}: health {s} after restart")
        s, ids = call(base, "POST", "/v1/observability/chat-completion-events/search-ids", {"search_params": {"filters": None}}, token="durable")
        present = set(ids["completion_event_ids"]) if s == 200 else set()
        lost = [i for i in acknowledged if i not in present]
        stored = stored_spans(base)
        lost_spans = [i for i in spans if i not in stored]
        acknowledged_total += len(acknowledged) + len(spans)
        lost_total += len(lost) + len(lost_spans)
        if lost:
            errors.append(f"trial {trial}: {len(lost)} acknowledged events lost")
        if lost_spans:
            errors.append(f"trial {trial}: {len(lost_spans)} acknowledged spans lost")
        if not spans:
            errors.append(f"trial {trial}: no span was acknowledged before the kill")
        check = subprocess.run(["sqlite3", db, "PRAGMA integrity_check"], capture_output=True, text=True) if shutil_which("sqlite3") else None
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        if check is not None and check.stdout.strip() != "ok":
            errors.append(f"trial {trial}: integrity_check {check.stdout.strip()}")
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f): os.unlink(f)
    return errors, acknowledged_total, lost_total


def fd_exhaustion(binary):
    """Runs the emulator with 64 file descriptors, holds 120 idle connections (more than it can
    accept), then releases them: it must survive the EMFILE storm and serve again."""
    import resource
    import socket
    errors = []
    proc = subprocess.Popen([binary, "--port", "0", "--log-level", "error", "--max-connections", "1000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64)))
    port = int(re.search(r"127\.0\.0\.1:(\d+)", proc.stdout.readline()).group(1))
    held = []
    for _ in range(120):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            break
    time.sleep(0.5)
    for c in held:
        c.close()
    deadline = time.time() + 10
    status = None
    while time.time() < deadline:
        try:
            status, _ = call(f"http://127.0.0.1:{port}", "GET", "/__emulator/health", timeout=2)
            if status == 200:
                break
        except Exception:
            time.sleep(0.1)
    if status != 200:
        errors.append(f"not serving after the descriptor storm (last status {status})")
    if proc.poll() is not None:
        errors.append(f"exited during the descriptor storm: {proc.returncode}")
    proc.send_signal(signal.SIGTERM)
    if proc.wait(timeout=30) != 0:
        errors.append(f"exit status {proc.returncode} after SIGTERM")
    return errors, len(held)


def shutil_which(name):
    import shutil
    return shutil.which(name)


def bad_databases(binary):
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        corrupt = os.path.join(tmp, "corrupt.sqlite")
        with open(corrupt, "wb") as f:
            f.write(b"this is not a database" * 100)
        r = subprocess.run([binary, "--port", "0", "--db", corrupt], capture_output=True, text=True, timeout=30)
        if r.returncode != 2 or "database" not in r.stderr:
            errors.append(f"corrupt database: exit {r.returncode}, stderr {r.stderr[:200]!r}")
        r = subprocess.run([binary, "--port", "0", "--db", "/proc/no/such/dir/x.sqlite"], capture_output=True, text=True, timeout=30)
        if r.returncode != 2 or "database" not in r.stderr:
            errors.append(f"unwritable database: exit {r.returncode}, stderr {r.stderr[:200]!r}")
    return errors, 2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "observability-emulator"))
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--kills", type=int, default=10)
    args = parser.parse_args()
    failures = []
    e1, total, elapsed, statuses = stress(args.binary, args.workers, args.requests)
    failures += e1
    e2, acknowledged, lost = kill_trials(args.binary, args.kills)
    failures += e2
    e3, cases = bad_databases(args.binary)
    failures += e3
    e4, held = fd_exhaustion(args.binary)
    failures += e4
    print("| check | load | result |")
    print("|---|---|---|")
    print(f"| concurrent writers and readers, one workspace each | {args.workers} clients × {args.requests} requests ({total} in {elapsed:.1f} s) | {'zero errors, counts exact' if not e1 else f'{len(e1)} failures'}; statuses {dict(sorted(statuses.items()))} |")
    print(f"| kill -9 during a write burst, then restart (`--db FILE`) | {args.kills} trials, {acknowledged} acknowledged writes (events and OTLP spans) | {lost} lost; {'database opens cleanly every time' if not e2 else f'{len(e2)} failures'} |")
    print(f"| corrupt and unwritable database files | {cases} cases | {'clear start-up error, exit 2' if not e3 else f'{len(e3)} failures'} |")
    print(f"| file descriptors exhausted (RLIMIT_NOFILE 64) | {held} idle connections held, then released | {'survived, serving again' if not e4 else '; '.join(e4)} |")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
