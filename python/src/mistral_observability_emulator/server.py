"""One emulator process: the bundled binary on a free port, waited for until healthy, its
output kept in a log file that failure reports quote."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from mistral_observability_emulator._binary import binary_path
from mistral_observability_emulator._http import call

HEALTH_PATH = "/__emulator/health"


class Emulator:
    """A running emulator: started here (`process` set) or one found at a URL.

    `admin_token` is sent as `X-Emulator-Admin-Token` on control-plane calls; it defaults to
    `$OBS_EMULATOR_ADMIN_TOKEN`, the variable the binary itself reads for `--admin-token`."""

    def __init__(self, url: str, process: Optional[subprocess.Popen] = None, log_path: Optional[Path] = None,
                 admin_token: Optional[str] = None):
        self.url = url.rstrip("/")
        self.process = process
        self.log_path = log_path
        self.admin_token = admin_token if admin_token is not None else os.environ.get("OBS_EMULATOR_ADMIN_TOKEN")

    @property
    def control_headers(self) -> dict:
        return {"X-Emulator-Admin-Token": self.admin_token} if self.admin_token else {}

    def health(self) -> dict:
        return call("GET", self.url + HEALTH_PATH, headers=self.control_headers, expect=(200,), timeout=5)

    def save_snapshot(self, name: str) -> dict:
        """Saves the whole state (every workspace) under `name`: seed once, then restore it
        before each test with `restore_snapshot`."""
        return call("POST", self.url + "/__emulator/snapshots", headers=self.control_headers, json={"name": name},
                    expect=(201,), timeout=60)

    def restore_snapshot(self, name: str) -> None:
        """Puts back the state saved as `name` (the journal and fault rules are not part of it)."""
        call("POST", f"{self.url}/__emulator/snapshots/{name}/restore", headers=self.control_headers, expect=(204,), timeout=60)

    def snapshots(self) -> list:
        return call("GET", self.url + "/__emulator/snapshots", headers=self.control_headers, expect=(200,), timeout=10)["snapshots"]

    def log(self, since: int = 0) -> str:
        """The process's stdout and stderr from byte offset `since` (empty for an emulator not
        started here)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as f:
            f.seek(since)
            return f.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path is not None and self.log_path.exists() else 0

    def stop(self, timeout: float = 15.0) -> Optional[int]:
        """SIGTERM (the emulator drains and exits 0), SIGKILL after `timeout`; the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return self.process.returncode


def start(args: Sequence[str] = (), binary: Optional[str] = None, wait_s: float = 30.0,
          workdir: Optional[str] = None) -> Emulator:
    """Starts `observability-emulator serve --port 0 --port-file F [args]` on 127.0.0.1 and
    returns once `/__emulator/health` answers 200. `args` come last, so they win over these
    defaults. Raises RuntimeError, quoting the log, when the process exits or stays unhealthy."""
    binary = binary or binary_path()
    workdir = Path(workdir or tempfile.mkdtemp(prefix="mistral-emulator-"))
    port_file, log_path = workdir / "port", workdir / "emulator.log"
    command = [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file), *args]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    emulator: Optional[Emulator] = None
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and process.poll() is None:
        if emulator is None and port_file.exists():
            port = port_file.read_text().strip()
            if port:
                emulator = Emulator(f"http://127.0.0.1:{port}", process, log_path)
        if emulator is not None:
            try:
                emulator.health()
                return emulator
            except Exception:
                pass
        time.sleep(0.02)
    if process.poll() is None:
        process.kill()
        process.wait(timeout=5)
    raise RuntimeError(f"the emulator ({' '.join(command)}) did not become healthy in {wait_s:.0f} s "
                       f"(exit status {process.returncode}); its output:\n{log_path.read_text(errors='replace')[-4000:]}")
