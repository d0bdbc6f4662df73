#!/usr/bin/env python3
"""Parse cost of the worst body shapes, per MB.

Starts the emulator binary on a free port (or uses --url), sends each hostile shape a few times
and prints the best wall time per request and per MB of body. The shapes are the ones that were
once quadratic: a JSON object with very many keys, an OTLP span with very many attributes (JSON
and protobuf), a gzip export that inflates to the body limit, deep arrays, a filter with very
many conditions (answered 400 by the breadth limit, still parsed first).

    python3 Benchmarks/parse/bench_parse.py --binary .build-static/release/observability-emulator
"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from telemetry_bench import field, key_value, varint  # noqa: E402  (the OTLP protobuf writers)

TOKEN = "bench-parse"


def pb_span_with_attributes(count):
    fixed64 = lambda number, value: varint(number << 3 | 1) + struct.pack("<Q", value)
    span = field(1, bytes(range(1, 17))) + field(2, bytes(range(1, 9))) + field(5, b"many")
    span += fixed64(7, 1_700_000_000_000_000_000) + fixed64(8, 1_700_000_001_000_000_000)
    span += b"".join(field(9, key_value(f"k{i}", "v")) for i in range(count))
    return field(1, field(2, field(2, span)))


def json_span(attributes, name="many", trace="0102030405060708090a0b0c0d0e0f10", span="0102030405060708"):
    return {
        "traceId": trace, "spanId": span, "name": name, "kind": 1,
        "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000001000000000",
        "attributes": attributes,
    }


def export(spans):
    return {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"scope": {"name": "bench"}, "spans": spans}]}]}


def shapes():
    many_keys = json.dumps({"filters": None, **{f"k{i}": i for i in range(80_000)}}).encode()
    yield "JSON object, 80,000 keys", "/v1/observability/chat-completion-events/search", "application/json", None, many_keys
    attrs = [{"key": f"k{i}", "value": {"stringValue": "v"}} for i in range(40_000)]
    yield "OTLP JSON span, 40,000 attributes", "/telemetry/v1/traces", "application/json", None, json.dumps(export([json_span(attrs)])).encode()
    yield "OTLP protobuf span, 40,000 attributes", "/telemetry/v1/traces", "application/x-protobuf", None, pb_span_with_attributes(40_000)
    same_key = [{"key": "k", "value": {"stringValue": str(i)}} for i in range(40_000)]
    yield "OTLP JSON span, one key 40,000 times", "/telemetry/v1/traces", "application/json", None, json.dumps(export([json_span(same_key)])).encode()
    deep = b"[" * 60 + b"1" + b"]" * 60
    wide_deep = b'{"filters":null,"x":[' + b",".join([deep] * 5000) + b"]}"
    yield "JSON, 5,000 arrays 60 deep", "/v1/observability/chat-completion-events/search", "application/json", None, wide_deep
    spans = [json_span([{"key": "a", "value": {"stringValue": "b" * 20}}], span=f"{i + 1:016x}", trace=f"{i // 10 + 1:032x}") for i in range(9_000)]
    raw = json.dumps(export(spans)).encode()
    yield f"OTLP JSON gzip, 9,000 spans (per MB inflated)", "/telemetry/v1/traces", "application/json", "gzip", (gzip.compress(raw), len(raw))
    conditions = [{"field": "model_name", "op": "eq", "value": f"m{i}"} for i in range(20_000)]
    filt = json.dumps({"search_params": {"filters": {"AND": conditions}}}).encode()
    yield "filter, 20,000 conditions", "/v1/observability/chat-completion-events/search", "application/json", None, filt
    expr = " or ".join(f'name = "n{i}"' for i in range(20_000))
    yield "search expression, 20,000 terms", "/v1/observability/spans/search", "application/json", None, json.dumps({"search_expression": expr}).encode()


def post(url, path, content_type, encoding, body):
    request = urllib.request.Request(url + path, data=body, method="POST")
    request.add_header("Authorization", f"Bearer {TOKEN}")
    request.add_header("Content-Type", content_type)
    if encoding:
        request.add_header("Content-Encoding", encoding)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    return time.perf_counter() - start, status


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/debug/observability-emulator")
    parser.add_argument("--url")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    process = None
    url = args.url
    if not url:
        port_file = tempfile.mktemp()
        process = subprocess.Popen([args.binary, "--port", "0", "--port-file", port_file, "--log-level", "warning", "--max-body", "20971520"],
                                   stdout=subprocess.DEVNULL)
        deadline = time.time() + 60
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline or process.poll() is not None:
                sys.exit("the emulator did not start")
            time.sleep(0.05)
        url = f"http://127.0.0.1:{open(port_file).read().strip()}"
    worst = 0.0
    try:
        print(f"{'shape':46} {'body':>9} {'status':>6} {'best s':>8} {'s per MB':>9}")
        for name, path, content_type, encoding, body in shapes():
            size = len(body)
            if isinstance(body, tuple):  # a compressed body: the work is per byte inflated
                body, size = body
            times = []
            status = 0
            for _ in range(args.rounds):
                elapsed, status = post(url, path, content_type, encoding, body)
                times.append(elapsed)
            best = min(times)
            per_mb = best / (size / 1_000_000)
            worst = max(worst, per_mb)
            print(f"{name:46} {size / 1e6:7.2f}MB {status:>6} {best:8.3f} {per_mb:9.3f}")
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
    print(f"worst: {worst:.3f} s per MB")


if __name__ == "__main__":
    main()
