"""The process itself: SIGTERM at any moment of start-up is honoured, with exit status 0."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
BIN = os.environ.get("OBS_EMULATOR_BIN", str(REPO / ".build" / "debug" / "observability-emulator"))


def test_sigterm_during_startup_is_never_lost():
    # A supervisor that stops the emulator as soon as it is up (or before) must not hang it:
    # the signal is blocked from the first instruction of `serve` and taken with sigwait.
    for attempt in range(15):
        with tempfile.TemporaryDirectory() as tmp:
            port_file = os.path.join(tmp, "port")
            proc = subprocess.Popen([BIN, "--port", "0", "--log-level", "error", "--port-file", port_file],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            early = attempt % 3 == 0
            if early:
                time.sleep(0.002 * attempt)  # sometimes before the port file exists
            else:
                deadline = time.time() + 10
                while not os.path.exists(port_file) and time.time() < deadline:
                    time.sleep(0.001)
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(timeout=10)  # never a hang
            if early:
                # Before `main` runs the kernel's default action applies: killed, not hung.
                assert status in (0, -signal.SIGTERM), f"attempt {attempt}: exit status {status}"
            else:
                assert status == 0, f"attempt {attempt}: exit status {status}"
                assert not os.path.exists(port_file), "the port file is removed on a clean stop"
