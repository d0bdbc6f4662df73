#!/usr/bin/env python3
"""Benchmarks the emulator side by side with nginx serving the same bytes (the machine's ceiling).

    scripts/bench.sh [--duration 3] [--rounds 3] [--quick]

Builds release, starts the emulator (default fixtures, then --synthetic-events 100000), starts
nginx on a private config in a temp dir (loopback only) serving the emulator's own response for
one event as a static file, and runs wrk against both, interleaved, for several rounds. Prints a
Markdown table and writes it into docs/performance.md, between its bench:start and bench:end
markers (a file without them is written whole). Stops exactly what it started.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models_bench  # noqa: E402
from processes import free_port, rss_mb, stop, wait_until_answering, wrk_figures  # noqa: E402
import telemetry_bench  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "observability-emulator")
# The container image's binary: the same code with the Swift runtime linked statically.
STATIC_BIN = os.path.join(ROOT, ".build-static", "release", "observability-emulator")
TOKEN = "bench"


def idle_rss(pid):
    """RSS once start-up work in the background (full-text index, memory trim) has settled."""
    time.sleep(1.0)
    return rss_mb(pid), rss_mb(pid, "RssAnon"), rss_mb(pid, "RssFile")


def http(method, url, body=None, token=TOKEN):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return r.status, r.read()


class Emulator:
    def __init__(self, extra, binary=BIN, log_level="warning"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        start = time.perf_counter()
        # Log lines go to a file, as a user's would (a pipe nobody reads would fill and stall).
        self.log = tempfile.NamedTemporaryFile(prefix="bench-emulator-", suffix=".log")
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--log-level", log_level] + extra,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        # Ready time: process start to the first 200 from /__emulator/health, polled every ms.
        self.ready_ms = wait_until_answering(self.proc, self.port, b"GET /__emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                                             "emulator", self.log.name, start)

    def stop(self):
        stop(self.proc)


class Nginx:
    def __init__(self, body, access_log=False):
        self.dir = tempfile.mkdtemp(prefix="bench-nginx-")
        self.port = free_port()
        os.makedirs(os.path.join(self.dir, "html"))
        with open(os.path.join(self.dir, "html", "event.json"), "wb") as f:
            f.write(body)
        conf = f"""
worker_processes auto;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    {f"access_log {self.dir}/access.log combined buffer=64k flush=1s;" if access_log else "access_log off;"}
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    default_type application/json;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.dir}/html;
        location / {{ try_files /event.json =404; }}
    }}
}}
"""
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(["nginx", "-c", os.path.join(self.dir, "nginx.conf"), "-p", self.dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}/event.json"

    def stop(self):
        stop(self.proc, signal.SIGQUIT, timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def wrk(url, connections, duration, method="GET", body=None):
    threads = min(2, connections)
    script = None
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
            "-H", f"Authorization: Bearer {TOKEN}", "--timeout", "10s"]
    if method != "GET":
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(f'wrk.method = "{method}"\nwrk.body = {json.dumps(json.dumps(body))}\nwrk.headers["Content-Type"] = "application/json"\n')
        script.close()
        args += ["-s", script.name]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=duration + 60).stdout
    if script:
        os.unlink(script.name)
    figures = wrk_figures(out)
    return {k: figures[k] for k in ("rps", "p50", "p99", "non2xx", "errors")}


def median_run(runs):
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def timed(fn, n):
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved emulator/nginx rounds")
    parser.add_argument("--quick", action="store_true", help="1 round, 2 s runs")
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--synthetic-traces", type=int, default=100_000, help="traces of ten spans for the telemetry scenarios")
    parser.add_argument("--telemetry-only", action="store_true", help="only the telemetry scenarios (printed, not written)")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "performance.md"))
    args = parser.parse_args()
    if args.telemetry_only:
        print("\n".join(telemetry_phase(args)))
        return
    if args.quick:
        args.duration, args.rounds = 2, 1
    conns = [1, 16, 64, 256]
    lines = []
    rows = []

    # Phase 1: default fixtures, event detail vs nginx.
    readies, static_readies = [], []
    has_static = os.path.exists(STATIC_BIN)
    for _ in range(11):
        e = Emulator([])
        readies.append(e.ready_ms)
        e.stop()
        if has_static:
            e = Emulator([], STATIC_BIN)
            static_readies.append(e.ready_ms)
            e.stop()
    static_rss = None
    if has_static:
        e = Emulator([], STATIC_BIN)
        static_rss = idle_rss(e.proc.pid)
        e.stop()
    emu = Emulator([])
    fixtures_rss = idle_rss(emu.proc.pid)
    ids = json.loads(http("POST", emu.url + "/v1/observability/chat-completion-events/search-ids", {"search_params": {"filters": None}})[1])["completion_event_ids"]
    event_url = f"{emu.url}/v1/observability/chat-completion-events/{ids[0]}"
    body = http("GET", event_url)[1]
    nginx = Nginx(body)
    try:
        for c in conns:
            e_runs, n_runs = [], []
            for _ in range(args.rounds):
                e_runs.append(wrk(event_url, c, args.duration))
                n_runs.append(wrk(nginx.url, c, args.duration))
            e, n = median_run(e_runs), median_run(n_runs)
            rows.append(("event detail (GET, %d B)" % len(body), "fixtures", c, e, n))
        judge_id = json.loads(http("GET", emu.url + "/v1/observability/judges")[1])["judges"]["results"][0]["id"]
        for c in conns:
            rows.append(("judges list (GET)", "fixtures", c, wrk(emu.url + "/v1/observability/judges", c, args.duration), None))
        live = {"messages": [{"role": "user", "content": "How do I reset my password?"},
                             {"role": "assistant", "content": "Open Settings, choose Security, then Reset password."}]}
        for c in conns:
            rows.append(("judge live-judging (POST)", "fixtures", c,
                         wrk(f"{emu.url}/v1/observability/judges/{judge_id}/live-judging", c, args.duration, "POST", live), None))
        loaded_rss_fixtures = rss_mb(emu.proc.pid)
    finally:
        nginx.stop()
        emu.stop()

    # Phase 1b: the defaults (`--log-level info`: one access line per request, buffered) against
    # `--log-level warning`, and nginx with its access log on (buffered), at 64 connections.
    emu_info, emu_warn = Emulator([], log_level="info"), Emulator([])
    nginx_logged = Nginx(body, access_log=True)
    try:
        info_runs, warn_runs, logged_runs = [], [], []
        for _ in range(args.rounds):
            info_runs.append(wrk(event_url.replace(emu.url, emu_info.url), 64, args.duration))
            warn_runs.append(wrk(event_url.replace(emu.url, emu_warn.url), 64, args.duration))
            logged_runs.append(wrk(nginx_logged.url, 64, args.duration))
        access_info, access_warn, access_nginx = median_run(info_runs), median_run(warn_runs), median_run(logged_runs)
        rows.append(("event detail, defaults (access log on)", "fixtures", 64, access_info, access_nginx))
        rows.append(("event detail, `--log-level warning`", "fixtures", 64, access_warn, None))
    finally:
        nginx_logged.stop()
        emu_info.stop()
        emu_warn.stop()

    # Phase 2: 100k synthetic events.
    synth_readies = []
    for _ in range(2):
        e = Emulator(["--synthetic-events", str(args.synthetic)])
        synth_readies.append(e.ready_ms)
        e.stop()
    emu = Emulator(["--synthetic-events", str(args.synthetic)])
    try:
        # The emulator is ready before its background indexes are; time queries once they are.
        index_wait = time.perf_counter()
        while json.loads(http("GET", emu.url + "/__emulator/health")[1]).get("search_index") != "ready":
            time.sleep(0.02)
        index_ms = (time.perf_counter() - index_wait) * 1000 + emu.ready_ms
        idle_rss_synth = idle_rss(emu.proc.pid)[0]
        search = {"search_params": {"filters": {"AND": [
            {"field": "model_name", "op": "eq", "value": "mistral-small-latest"},
            {"field": "output_tokens", "op": "gt", "value": 100}]}}}
        search_url = emu.url + "/v1/observability/chat-completion-events/search?page_size=50"
        for c in conns:
            rows.append(("search, 2 conditions, page 50 (POST)", f"{args.synthetic // 1000}k", c, wrk(search_url, c, args.duration, "POST", search), None))
        ids_url = emu.url + "/v1/observability/chat-completion-events/search-ids"
        count = len(json.loads(http("POST", ids_url, {"search_params": {"filters": None}})[1])["completion_event_ids"])
        ids_p50, ids_p99 = timed(lambda: http("POST", ids_url, {"search_params": {"filters": None}}), 20)
        for c in conns:
            rows.append((f"search-ids ({count} ids, POST)", f"{args.synthetic // 1000}k", c, wrk(ids_url, c, args.duration, "POST", {"search_params": {"filters": None}}), None))
        some = json.loads(http("POST", emu.url + "/v1/observability/chat-completion-events/search?page_size=1", {"search_params": {"filters": None}})[1])
        eid = some["completion_events"]["results"][0]["event_id"]
        rows.append(("event detail (GET)", f"{args.synthetic // 1000}k", 64, wrk(f"{emu.url}/v1/observability/chat-completion-events/{eid}", 64, args.duration), None))
        sim_p50, sim_p99 = timed(lambda: http("GET", f"{emu.url}/v1/observability/chat-completion-events/{eid}/similar-events"), 50)
        # A campaign judging 10 000 events: from POST to a COMPLETED status.
        judge_id = json.loads(http("GET", emu.url + "/v1/observability/judges")[1])["judges"]["results"][0]["id"]
        started = time.perf_counter()
        campaign = json.loads(http("POST", emu.url + "/v1/observability/campaigns", {
            "search_params": {"filters": None}, "judge_id": judge_id, "name": "benchmark campaign",
            "description": "10k events", "max_nb_events": 10000})[1])
        while json.loads(http("GET", f"{emu.url}/v1/observability/campaigns/{campaign['id']}/status")[1])["status"] != "COMPLETED":
            time.sleep(0.01)
        campaign_ms = (time.perf_counter() - started) * 1000
        loaded_rss_synth = rss_mb(emu.proc.pid)
    finally:
        emu.stop()

    def fmt(x, digits=0):
        return "—" if x is None or x != x else f"{x:,.{digits}f}"

    lines.append("| scenario | data | conns | emulator req/s | p50 ms | p99 ms | non-2xx | nginx req/s | ratio |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, data, c, e, n in rows:
        ratio = f"{e['rps'] / n['rps']:.2f}×" if n else "—"
        lines.append(f"| {name} | {data} | {c} | {fmt(e['rps'])} | {fmt(e['p50'], 2)} | {fmt(e['p99'], 2)} | {int(e['non2xx'] + e['errors'])} | {fmt(n['rps']) if n else '—'} | {ratio} |")
    lines.append("")
    lines.append("| measure | value |")
    lines.append("|---|---|")
    lines.append(f"| ready (start → health 200), fixtures, median of 11 | {statistics.median(readies):.1f} ms |")
    if static_readies:
        lines.append(f"| ready, fixtures, static build (the image's binary), median of 11 | {statistics.median(static_readies):.1f} ms |")
    lines.append(f"| ready, {args.synthetic:,} synthetic events, median of 2 | {statistics.median(synth_readies):.0f} ms |")
    lines.append(f"| background indexes ready, {args.synthetic:,} events (from start) | {index_ms:.0f} ms |")
    lines.append(f"| idle RSS, fixtures (private / file-backed) | {fixtures_rss[0]:.1f} MB ({fixtures_rss[1]:.1f} / {fixtures_rss[2]:.1f}) |")
    if static_rss:
        lines.append(f"| idle RSS, fixtures, static build (private / file-backed) | {static_rss[0]:.1f} MB ({static_rss[1]:.1f} / {static_rss[2]:.1f}) |")
    lines.append(f"| RSS after load, fixtures | {loaded_rss_fixtures:.1f} MB |")
    lines.append(f"| idle RSS, {args.synthetic:,} events | {idle_rss_synth:.1f} MB |")
    lines.append(f"| RSS after load, {args.synthetic:,} events | {loaded_rss_synth:.1f} MB |")
    lines.append(f"| search-ids returning {count:,} ids, one client (p50 / p99 of 20) | {ids_p50:.0f} / {ids_p99:.0f} ms |")
    lines.append(f"| similar events, {args.synthetic:,} events (p50 / p99 of 50) | {sim_p50:.1f} / {sim_p99:.1f} ms |")
    lines.append(f"| campaign judging 10,000 events, POST to COMPLETED | {campaign_ms:.0f} ms |")
    lines.append(f"| event detail at 64 conns, defaults ÷ `--log-level warning` (access log cost) | {access_info['rps'] / access_warn['rps']:.2f}× |")
    lines.append("")
    lines += telemetry_phase(args)
    header = (f"Measured {time.strftime('%Y-%m-%d')} on this machine ({os.cpu_count()} cores; wrk, nginx and the emulator share them), "
              f"`scripts/bench.sh --duration {args.duration} --rounds {args.rounds}`: wrk `-t2 --latency`, keep-alive; medians of {args.rounds} interleaved rounds; "
              "emulator with `--log-level warning` unless a row says defaults; nginx `worker_processes auto`, `access_log off` "
              "(in the defaults row: `access_log … buffer=64k flush=1s`), serving the emulator's own event-detail bytes.\n")
    text = header + "\n" + "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    old = open(args.output).read() if os.path.exists(args.output) else ""
    if start in old and end in old:
        before, rest = old.split(start, 1)
        text = before + start + "\n" + text.strip() + "\n" + end + rest.split(end, 1)[1]
    with open(args.output, "w") as f:
        f.write(text)
    # The model endpoints beside fakellm and llmock: their own table, between models:start/end.
    models_bench.write(models_bench.run(args.duration, args.rounds, BIN), args.output)


def telemetry_phase(args):
    """Phase 3: OTLP ingest, and telemetry at 1 000 000 spans; a table with the targets."""
    out = ["| telemetry scenario | measured | target |", "|---|---:|---|"]
    # OTLP ingest at the defaults (access log on), four exporters for 10 s.
    emu = Emulator([], log_level="info")
    try:
        rate, p50, p99, failed, requests = telemetry_bench.ingest_wrk(emu.url, TOKEN, exporters=4, seconds=10)
        acknowledged = (requests - failed) * 512
        counted = telemetry_bench.count_back(http, emu.url)
        out.append(f"| OTLP ingest: 4 exporters (wrk), protobuf batches of 512 GenAI spans, 10 s, defaults | {rate:,.0f} spans/s (batch p50 {p50:.0f} ms, p99 {p99:.0f} ms) | ≥ 50 000 spans/s |")
        out.append(f"| … spans acknowledged / counted back through `spans/aggregate` / failed batches | {acknowledged:,} / {counted:,} / {failed} | counted ≥ acknowledged, 0 failed |")
    finally:
        emu.stop()
    # The SDK's own shape: every call is its own trace of one chat span, so a batch of 512 spans
    # is 512 traces.
    emu = Emulator([], log_level="info")
    try:
        rate, p50, p99, failed, requests = telemetry_bench.ingest_wrk(emu.url, TOKEN, exporters=4, seconds=10, spans_per_trace=1)
        acknowledged = (requests - failed) * 512
        counted = telemetry_bench.count_back(http, emu.url)
        out.append(f"| OTLP ingest, the SDK's shape: 4 exporters, batches of 512 one-span traces, 10 s, defaults | {rate:,.0f} spans/s (batch p50 {p50:.0f} ms, p99 {p99:.0f} ms) | ≥ 50 000 spans/s |")
        out.append(f"| … spans acknowledged / counted back / failed batches | {acknowledged:,} / {counted:,} / {failed} | counted ≥ acknowledged, 0 failed |")
    finally:
        emu.stop()
    # The same with three enabled pipelines, each judging every chat span in the export's transaction.
    emu = Emulator([], log_level="info")
    try:
        telemetry_bench.create_pipelines(http, emu.url, 3)
        rate, p50, p99, failed, requests = telemetry_bench.ingest_wrk(emu.url, TOKEN, exporters=4, seconds=10)
        acknowledged = (requests - failed) * 512
        time.sleep(1)  # the exports wrk had in flight when it stopped are still being stored
        judged = telemetry_bench.count_evaluations(http, emu.url)
        counted = telemetry_bench.count_back(http, emu.url)
        out.append(f"| … with three enabled online-evaluation pipelines (each judges the 4 chat spans of every 8) | {rate:,.0f} spans/s (batch p50 {p50:.0f} ms, p99 {p99:.0f} ms) | ≥ 20 000 spans/s |")
        out.append(f"| … spans acknowledged / counted back / evaluations written (3 per stored chat span: {counted // 2 * 3:,}) / failed batches | {acknowledged:,} / {counted:,} / {judged:,} / {failed} | counted ≥ acknowledged, every chat span judged 3 times, 0 failed |")
    finally:
        emu.stop()
    spans = args.synthetic_traces * 10
    emu = Emulator(["--synthetic-traces", str(args.synthetic_traces)])
    try:
        rss = idle_rss(emu.proc.pid)[0]
        out.append(f"| start-up with --synthetic-traces {args.synthetic_traces:,} ({spans:,} spans): process start → health 200 | {emu.ready_ms / 1000:.1f} s | < 10 s |")
        out.append(f"| idle RSS with {spans:,} spans | {rss:.0f} MB | < 400 MB |")
        for name, path, body, target in telemetry_bench.SEARCHES:
            http("POST", emu.url + path, body)  # warm
            p50, p99 = timed(lambda: http("POST", emu.url + path, body), 100 if target <= 50 else 20)
            out.append(f"| {name}, {spans:,} spans, one client (p50 / p99) | {p50:.1f} / {p99:.1f} ms | p99 < {target} ms |")
    finally:
        emu.stop()
    return out


if __name__ == "__main__":
    main()
