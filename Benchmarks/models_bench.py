#!/usr/bin/env python3
"""The model endpoints side by side with the LLM mock servers people pick (stdlib only).

    python3 Benchmarks/models_bench.py [--duration 3] [--rounds 3] [--binary PATH]   # prints, writes docs/performance.md

Also run by `scripts/bench.sh` (bench.py calls `run`). The peers are installed by
`scripts/bench.sh` into `.venv-bench/<peer>` (gitignored): `fakellm` 0.3.5 (FastAPI; its
`/v1/chat/completions` after `fakellm init`) and `llmock` 0.2.2 (FastAPI; its Mistral router,
`/mistral/v1/chat/completions`). Each is started as its own CLI starts it, with uvicorn's log
level at `warning` (no access line per request), as the emulator runs with `--log-level warning`.

Every server gets the same OpenAI-compatible body. Measured, in the same run and interleaved:
- non-streamed chat with wrk (`-t2`, keep-alive) at 1, 16 and 64 connections: req/s, p50, p99;
- streamed chat by a small asyncio client (keep-alive, one request at a time per connection):
  time to the first `data:` chunk and to the whole answer (`[DONE]`), p50 and p99;
- start-up: process start to the first 200 answer to a chat request (polled every ms);
- RSS idle (after the first answer and a second's rest) and after the load.
For the emulator, the chats answered during the run are then counted back as events
(`search-ids`): every answered chat must be recorded.
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from processes import free_port, rss_mb, stop, wait_until_answering, wrk_figures  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "observability-emulator")
VENVS = os.path.join(ROOT, ".venv-bench")
TOKEN = "bench"
PEERS = {"fakellm": "0.3.5", "llmock": "0.2.2"}
BODY = {"model": "mistral-small-latest",
        "messages": [{"role": "system", "content": "You are a concise assistant."},
                     {"role": "user", "content": "What is the capital of France? Answer in one sentence."}]}
START = "<!-- models:start -->"
END = "<!-- models:end -->"


def request_bytes(path, body, host="127.0.0.1"):
    payload = json.dumps(body).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n")
    return head.encode() + payload


class Server:
    """One server process; `ready_ms` is process start to its first 200 chat answer."""

    def __init__(self, name, argv, path, cwd=None, env=None):
        self.name, self.path = name, path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log")
        argv = [a.replace("{port}", str(self.port)) for a in argv]
        start = time.perf_counter()
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=self.log, stderr=self.log)
        self.ready_ms = wait_until_answering(self.proc, self.port, request_bytes(path, BODY), name, self.log.name, start)

    def stop(self):
        stop(self.proc)


def ensure_peer(name):
    """`.venv-bench/<name>` with the pinned version (pip, from the configured index), once."""
    venv = os.path.join(VENVS, name)
    exe = os.path.join(venv, "bin", name)
    if not os.path.exists(exe):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", f"{name}=={PEERS[name]}"], check=True)
    return venv


def start(name, binary):
    if name == "emulator":
        return Server(name, [binary, "--port", "{port}", "--log-level", "warning"], "/v1/chat/completions")
    venv = ensure_peer(name)
    if name == "fakellm":
        # `fakellm serve` is uvicorn.run("fakellm.server:app") at log level info; the same app at
        # warning, from the starter config `fakellm init` writes.
        work = tempfile.mkdtemp(prefix="bench-fakellm-")
        subprocess.run([os.path.join(venv, "bin", "fakellm"), "init"], cwd=work, check=True, capture_output=True)
        env = dict(os.environ, FAKELLM_CONFIG=os.path.join(work, "fakellm.yaml"))
        server = Server(name, [os.path.join(venv, "bin", "python"), "-m", "uvicorn", "fakellm.server:app",
                               "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"],
                        "/v1/chat/completions", cwd=work, env=env)
        server.work = work
        return server
    return Server(name, [os.path.join(venv, "bin", "llmock"), "serve", "--host", "127.0.0.1", "--port", "{port}",
                         "--log-level", "warning"], "/mistral/v1/chat/completions", cwd=tempfile.gettempdir())


def wrk(url, connections, duration, body):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(body))}\n'
                 'wrk.headers["Content-Type"] = "application/json"\n')
    script.close()
    args = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{duration}s", "--latency",
            "-H", f"Authorization: Bearer {TOKEN}", "--timeout", "10s", "-s", script.name, url]
    out = subprocess.run(args, capture_output=True, text=True, timeout=duration + 60).stdout
    os.unlink(script.name)

    figures = wrk_figures(out)
    return {"rps": figures["rps"], "p50": figures["p50"], "p99": figures["p99"],
            "bad": figures["non2xx"] + figures["errors"], "requests": figures["requests"]}


async def stream_once(reader, writer, request):
    """One streamed chat on a kept-alive connection: (ms to the first `data:` chunk, ms to the end)."""
    sent = time.perf_counter()
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head[:200])
    lower = head.lower()
    first = None
    if b"transfer-encoding: chunked" in lower:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            data = await reader.readexactly(size + 2)
            if first is None and b"data:" in data:
                first = time.perf_counter()
            if size == 0:
                break
    else:
        length = int(re.search(rb"content-length:\s*(\d+)", lower).group(1))
        data = await reader.readexactly(length)
        first = time.perf_counter()
    end = time.perf_counter()
    return (first - sent) * 1000, (end - sent) * 1000


async def stream_load(port, path, connections, per_connection):
    request = request_bytes(path, dict(BODY, stream=True))

    async def client():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        samples = []
        for _ in range(per_connection):
            samples.append(await stream_once(reader, writer, request))
        writer.close()
        return samples

    started = time.perf_counter()
    results = await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    samples = [s for r in results for s in r]
    return samples, len(samples) / elapsed


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def streamed(server, connections, count):
    samples, rate = asyncio.run(stream_load(server.port, server.path, connections, count // connections))
    first = [s[0] for s in samples]
    whole = [s[1] for s in samples]
    return {"rps": rate, "first50": percentile(first, 50), "first99": percentile(first, 99),
            "whole50": percentile(whole, 50), "whole99": percentile(whole, 99)}


def count_events(server):
    import urllib.request
    req = urllib.request.Request(server.url + "/v1/observability/chat-completion-events/search-ids",
                                 data=json.dumps({"search_params": {"filters": None}}).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return len(json.loads(r.read())["completion_event_ids"])


def run(duration=3, rounds=3, binary=BIN, names=("emulator", "fakellm", "llmock")):
    """Measures every server; returns the Markdown lines of the tables."""
    conns = [1, 16, 64]
    startups = {n: [] for n in names}
    for _ in range(3):
        for name in names:
            s = start(name, binary)
            startups[name].append(s.ready_ms)
            s.stop()
    servers = {name: start(name, binary) for name in names}
    try:
        time.sleep(1.0)
        idle = {n: rss_mb(s.proc.pid) for n, s in servers.items()}
        before = count_events(servers["emulator"]) if "emulator" in servers else 0
        plain = {(n, c): [] for n in names for c in conns}
        answered = 0
        for _ in range(rounds):
            for c in conns:
                for name, s in servers.items():
                    result = wrk(s.url + s.path, c, duration, BODY)
                    plain[(name, c)].append(result)
                    if name == "emulator":
                        answered += result["requests"] - result["bad"]
        stream = {(n, c): [] for n in names for c in (1, 16)}
        for _ in range(rounds):
            for c, count in ((1, 300), (16, 960)):
                for name, s in servers.items():
                    stream[(name, c)].append(streamed(s, c, count))
                    if name == "emulator":
                        answered += count // c * c
        loaded = {n: rss_mb(s.proc.pid) for n, s in servers.items()}
        recorded = count_events(servers["emulator"]) - before if "emulator" in servers else None
    finally:
        for s in servers.values():
            s.stop()
            if hasattr(s, "work"):
                shutil.rmtree(s.work, ignore_errors=True)

    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    def spread(runs, key):
        values = [r[key] for r in runs]
        return f" ({min(values):,.0f}–{max(values):,.0f})" if len(values) > 1 else ""

    peers = [n for n in names if n != "emulator"]

    def ratio(table, c):
        """The emulator's req/s over the best peer's."""
        if "emulator" not in names or not peers:
            return "—"
        return f"{med(table[('emulator', c)], 'rps') / max(med(table[(n, c)], 'rps') for n in peers):.2f}×"
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on this machine ({os.cpu_count()} cores; wrk, the client and the servers share them), "
             f"`python3 Benchmarks/models_bench.py --duration {duration} --rounds {rounds}` (also run by `scripts/bench.sh`): "
             f"medians of {rounds} interleaved rounds (req/s range in brackets); the same body for all "
             f"({len(json.dumps(BODY))} B, a system and a user message); "
             "fakellm " + PEERS["fakellm"] + " (`/v1/chat/completions`) and llmock " + PEERS["llmock"] +
             " (`/mistral/v1/chat/completions`) under uvicorn at log level warning, the emulator with `--log-level warning` "
             "and its default (temporary) database, recording every chat as an event.", ""]
    header = "| chat completions | conns | " + " | ".join(f"{n} req/s | p50 ms | p99 ms" for n in names) + " | emulator ÷ best peer |"
    lines += [header, "|---|---:|" + "---:|---:|---:|" * len(names) + "---:|"]
    for c in conns:
        cells = []
        for n in names:
            runs = plain[(n, c)]
            cells.append(f"{med(runs, 'rps'):,.0f}{spread(runs, 'rps')} | {med(runs, 'p50'):.2f} | {med(runs, 'p99'):.2f}"
                         + (f" ({sum(r['bad'] for r in runs)} failed)" if sum(r['bad'] for r in runs) else ""))
        lines.append(f"| non-streamed (wrk) | {c} | " + " | ".join(cells) + f" | {ratio(plain, c)} |")
    for c in (1, 16):
        cells = []
        for n in names:
            runs = stream[(n, c)]
            cells.append(f"{med(runs, 'rps'):,.0f}{spread(runs, 'rps')} | {med(runs, 'whole50'):.2f} | {med(runs, 'whole99'):.2f}")
        lines.append(f"| streamed, whole answer (asyncio client) | {c} | " + " | ".join(cells) + f" | {ratio(stream, c)} |")
    lines += ["", "| measure | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for c in (1, 16):
        lines.append(f"| streamed, first chunk p50 / p99, {c} conn{'s' if c > 1 else ''} | "
                     + " | ".join(f"{med(stream[(n, c)], 'first50'):.2f} / {med(stream[(n, c)], 'first99'):.2f} ms" for n in names) + " |")
    lines.append("| start-up: process start → first chat answered, median of 3 | "
                 + " | ".join(f"{statistics.median(startups[n]):.0f} ms" for n in names) + " |")
    lines.append("| RSS idle (after the first answer) | " + " | ".join(f"{idle[n]:.1f} MB" for n in names) + " |")
    lines.append("| RSS after the load | " + " | ".join(f"{loaded[n]:.1f} MB" for n in names) + " |")
    if recorded is not None:
        lines.append(f"| emulator: chats answered 200 (wrk and the streaming client) / events recorded meanwhile (search-ids; ≥: wrk's last requests in flight) | {answered:,} / {recorded:,} | | |")
    return lines


def write(lines, output):
    text = "\n".join(lines).strip()
    old = open(output).read() if os.path.exists(output) else ""
    if START in old and END in old:
        before, rest = old.split(START, 1)
        new = before + START + "\n" + text + "\n" + END + rest.split(END, 1)[1]
    else:
        new = old + "\n" + START + "\n" + text + "\n" + END + "\n"
    with open(output, "w") as f:
        f.write(new)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--binary", default=BIN)
    parser.add_argument("--only", nargs="*", help="servers to run (default: all)")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "performance.md"))
    parser.add_argument("--print-only", action="store_true", help="do not write the file")
    args = parser.parse_args()
    names = tuple(args.only) if args.only else ("emulator", "fakellm", "llmock")
    lines = run(args.duration, args.rounds, args.binary, names)
    print("\n".join(lines))
    if not args.print_only and not args.only:
        write(lines, args.output)


if __name__ == "__main__":
    main()
