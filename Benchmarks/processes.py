"""Process helpers the benchmarks share (stdlib only): a free port, resident memory, waiting for
a server's first 200, stopping it."""
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
