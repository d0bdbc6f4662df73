"""Real clients against the emulator binary: one client (the venv's) per pytest run.

One emulator process serves the run, started on a free port (`--port 0`, the URL read from the
line it prints). Every test has its own Bearer token, hence its own workspace. Spans go through a
real OpenTelemetry pipeline: one global TracerProvider (what instrumentations and the mistralai
SDK's own tracing use) with a SimpleSpanProcessor whose OTLP/HTTP exporter is re-pointed at each
test's workspace, so a test reads back exactly the spans its client made.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests

from telemetry import Telemetry, install_tracer_provider

# The mistralai SDK (3.x) traces its own calls only when asked: "global" sends its spans through
# the global TracerProvider, beside the instrumentations' and the frameworks' own.
os.environ.setdefault("MISTRAL_SDK_TELEMETRY", "global")

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "observability-emulator"
LISTENING = re.compile(r"listening on (http://[0-9A-Za-z.\-\[\]:]+)")


class Emulator:
    def __init__(self, proc: subprocess.Popen, url: str, stderr: list[str]):
        self.proc, self.url, self.stderr = proc, url, stderr

    def stop(self, timeout: float = 10.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)


def start_emulator(wait_s: float = 30.0) -> Emulator:
    binary = os.environ.get("OBS_EMULATOR_BIN", str(DEFAULT_BIN))
    if not os.path.exists(binary):
        raise RuntimeError(f"emulator binary not found at {binary} (build it, or set OBS_EMULATOR_BIN)")
    proc = subprocess.Popen([binary, "--port", "0", "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stderr: list[str] = []

    def drain(stream, sink: list[str] | None) -> None:
        for line in stream:
            if sink is not None:
                sink.append(line)

    threading.Thread(target=drain, args=(proc.stderr, stderr), daemon=True).start()
    first = proc.stdout.readline()
    threading.Thread(target=drain, args=(proc.stdout, None), daemon=True).start()
    match = LISTENING.search(first)
    if not match:
        proc.kill()
        proc.wait(timeout=5)
        raise RuntimeError(f"emulator did not announce its URL: {first!r}; stderr: {''.join(stderr)[-2000:]!r}")
    url = match.group(1)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            if requests.get(url + "/__emulator/health", timeout=2).status_code == 200:
                return Emulator(proc, url, stderr)
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            proc.wait(timeout=5)
            raise RuntimeError(f"emulator never became healthy; stderr: {''.join(stderr)[-2000:]!r}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    emu = start_emulator()
    yield emu
    code = emu.stop()
    assert code == 0, f"emulator exited with {code} after SIGTERM; stderr: {''.join(emu.stderr)[-2000:]}"


@pytest.fixture(scope="session")
def base_url(emulator: Emulator) -> str:
    return emulator.url


@pytest.fixture(scope="session")
def tracer_provider():
    """The process's global TracerProvider (set once; instrumentations read it)."""
    return install_tracer_provider()


@pytest.fixture
def token() -> str:
    return f"clients-{uuid.uuid4()}"


@pytest.fixture
def telemetry(base_url: str, token: str, tracer_provider) -> Iterator[Telemetry]:
    """Spans of this test, exported to and read back from this test's workspace."""
    t = Telemetry(base_url, token, tracer_provider)
    yield t
    t.detach()


@pytest.fixture
def responders(base_url: str, token: str):
    """Adds model responders to this test's workspace (`POST /__emulator/responders`)."""
    def add(*rules: dict) -> list[str]:
        r = requests.post(f"{base_url}/__emulator/responders", json=list(rules),
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()["ids"]
    return add
