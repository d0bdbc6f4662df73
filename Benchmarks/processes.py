"""Process helpers the benchmarks share (stdlib only): a free port, resident memory, waiting for
a server's first 200, stopping it, reading wrk's report."""
import re
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid, field="VmRSS"):
    """Resident memory in MB: VmRSS, or its parts RssAnon (private) and RssFile (mapped files)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wait_until_answering(proc, port, probe, name, log_path, start):
    """Sends the raw request `probe` every millisecond until the answer is a 200; returns the ms
    since `start` (a perf_counter reading). Exits with the log's tail if the process ends first
    or 60 s pass."""
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(probe)
                if s.recv(16).startswith(b"HTTP/1.1 200"):
                    return (time.perf_counter() - start) * 1000
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited: " + open(log_path).read()[-2000:])
        if time.perf_counter() - start > 60:
            raise SystemExit(f"{name} not ready in 60 s")
        time.sleep(0.001)


def stop(proc, sig=signal.SIGTERM, timeout=15):
    """`sig`, then SIGKILL if the process has not ended within `timeout` seconds."""
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wrk_figures(out):
    """wrk's --latency report as numbers: req/s, p50 and p99 in ms (nan when missing), non-2xx
    answers, socket errors and the request count."""
    def latency(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": latency(50), "p99": latency(99),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "errors": sum(map(int, errors.groups())) if errors else 0,
            "requests": int(total.group(1)) if total else 0}
