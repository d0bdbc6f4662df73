"""The access log: one line per answered request at the default level, written by a background
writer (buffered, flushed at least every second and at shutdown), never lost on SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid

import requests

from conftest import API, emulator_binary

LISTENING = re.compile(r"listening on (http://[0-9.]+:[0-9]+)")


def start(tmp_path, *flags):
    log = open(tmp_path / "stderr.log", "wb")
    proc = subprocess.Popen([emulator_binary(), "--port", "0", *flags], stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    match = LISTENING.search(line)
    assert match, line
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc, match.group(1), tmp_path / "stderr.log"


def test_sigterm_under_load_loses_no_access_line(tmp_path):
    proc, url, log_path = start(tmp_path)
    answered: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + 8

    def client(number: int):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer access-log-{number}"
        while time.monotonic() < stop:
            judge = str(uuid.uuid4())
            try:
                response = session.get(f"{url}{API}/judges/{judge}", timeout=5)
            except requests.RequestException:
                return  # the server has stopped accepting
            if response.status_code == 404:
                with lock:
                    answered.append(judge)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with lock:
            if len(answered) >= 300:
                break
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    for thread in threads:
        thread.join(timeout=10)
    logged = set(re.findall(rf"GET {API}/judges/([0-9a-f-]{{36}}) 404 ", log_path.read_text()))
    assert len(answered) >= 300, f"only {len(answered)} requests were answered before SIGTERM"
    missing = [judge for judge in answered if judge not in logged]
    assert not missing, f"{len(missing)} of {len(answered)} answered requests have no access line, e.g. {missing[:3]}"


def test_access_lines_are_written_within_a_second_without_shutdown(tmp_path):
    proc, url, log_path = start(tmp_path)
    try:
        marker = str(uuid.uuid4())
        assert requests.get(f"{url}{API}/judges/{marker}", headers={"Authorization": "Bearer x"}, timeout=5).status_code == 404
        deadline = time.monotonic() + 3
        while marker not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = log_path.read_text()
        line = next(l for l in text.splitlines() if marker in l)
        assert re.fullmatch(rf"\S+ info observability-emulator: workspace=[0-9a-f-]{{36}} \[ObservabilityEmulator\] GET {API}/judges/{marker} 404 \d+\.\d\dms", line), line
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


def test_json_access_lines_and_warning_level_silence(tmp_path):
    proc, url, log_path = start(tmp_path, "--log-format", "json")
    requests.get(f"{url}/__emulator/health", timeout=5)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    lines = [json.loads(l) for l in log_path.read_text().splitlines()]
    access = [l for l in lines if l["message"].startswith("GET /__emulator/health 200 ")]
    assert len(access) == 1 and access[0]["level"] == "info" and access[0]["workspace"] == "-", lines
    assert set(access[0]) == {"level", "logger", "message", "time", "workspace"}

    quiet_dir = tmp_path / "quiet"
    quiet_dir.mkdir()
    proc, url, log_path = start(quiet_dir, "--log-level", "warning")
    requests.get(f"{url}/__emulator/health", timeout=5)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert "GET /__emulator/health" not in log_path.read_text()
