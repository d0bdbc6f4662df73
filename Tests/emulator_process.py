"""One emulator process for a Python suite: the binary on a free port (`--port 0`, the URL read
from the line it prints), waited for until healthy, its output kept for failure messages, and
the session fixtures `emulator` and `base_url` over it. Imported by the conftest.py of the
suites that run in venvs of their own (Tests/SDKMatrix, Tests/Clients), which put this folder
on sys.path.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BIN = REPO / ".build" / "debug" / "observability-emulator"
LISTENING = re.compile(r"listening on (http://[0-9A-Za-z.\-\[\]:]+)")


class Emulator:
    def __init__(self, proc: subprocess.Popen, url: str, stdout: list[str], stderr: list[str]):
        self.proc, self.url, self.stdout, self.stderr = proc, url, stdout, stderr

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
    stdout: list[str] = []
    stderr: list[str] = []

    def drain(stream, sink: list[str]) -> None:
        for line in stream:
            sink.append(line)

    threading.Thread(target=drain, args=(proc.stderr, stderr), daemon=True).start()
    first = proc.stdout.readline()
    stdout.append(first)
    threading.Thread(target=drain, args=(proc.stdout, stdout), daemon=True).start()
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
                return Emulator(proc, url, stdout, stderr)
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
