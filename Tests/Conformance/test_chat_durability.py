"""Chat completions under load are events, and an acknowledged one survives the process.

Every chat answered 200 has been committed (group commit: the answer is sent after the commit
that holds its event), so it is found by a search right after the answer, and is still there
after `kill -9` or SIGTERM and a restart on the same `--db` file.
"""
from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import requests

from conftest import start_emulator

API = "/v1/observability"


def chat_loop(url: str, headers: dict, prefix: str, worker: int, stop: threading.Event, acknowledged: list[str]) -> None:
    session = requests.Session()
    index = 0
    while not stop.is_set():
        correlation = f"{prefix}-{worker}-{index}"
        index += 1
        try:
            r = session.post(f"{url}/v1/chat/completions", headers=dict(headers, **{"X-Correlation-Id": correlation}), timeout=10,
                             json={"model": "mistral-small-latest", "messages": [{"role": "user", "content": f"durable question {correlation}"}]})
        except requests.RequestException:
            return  # the process is gone
        if r.status_code == 200:
            acknowledged.append(correlation)


def stored_correlations(url: str, headers: dict) -> set[str]:
    found: set[str] = set()
    cursor = None
    while True:
        params = {"page_size": 100, **({"cursor": cursor} if cursor else {})}
        r = requests.post(f"{url}{API}/chat-completion-events/search", params=params, headers=headers, timeout=30,
                          json={"search_params": {"filters": None}})
        assert r.status_code == 200, r.text
        page = r.json()["completion_events"]
        found.update(event["correlation_id"] for event in page["results"])
        cursor = page.get("cursor")
        if not cursor:
            return found


def load_then_stop(tmp_path, stop_signal: int) -> None:
    db = os.path.join(tmp_path, "emulator.sqlite")
    headers = {"Authorization": f"Bearer durable-{uuid.uuid4()}"}
    emulator = start_emulator("--db", db, "--no-seed")
    acknowledged: list[str] = []
    stop = threading.Event()
    workers = [threading.Thread(target=chat_loop, args=(emulator.url, headers, "chat", n, stop, acknowledged)) for n in range(8)]
    try:
        for worker in workers:
            worker.start()
        # Read-your-writes while the load runs: a chat's event is found by the search sent after its answer.
        for probe in range(20):
            correlation = f"probe-{probe}"
            r = requests.post(f"{emulator.url}/v1/chat/completions", headers=dict(headers, **{"X-Correlation-Id": correlation}), timeout=10,
                              json={"model": "mistral-small-latest", "messages": [{"role": "user", "content": "probe"}]})
            assert r.status_code == 200, r.text
            r = requests.post(f"{emulator.url}{API}/chat-completion-events/search-ids", headers=headers, timeout=10,
                              json={"search_params": {"filters": {"field": "correlation_id", "op": "eq", "value": correlation}}})
            assert len(r.json()["completion_event_ids"]) == 1, f"{correlation} not found right after its answer"
            acknowledged.append(correlation)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and len(acknowledged) < 400:
            time.sleep(0.01)
        # Stopped while chats are still in flight.
        emulator.proc.send_signal(stop_signal)
        emulator.proc.wait(timeout=15)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=15)
        if emulator.proc.poll() is None:
            emulator.proc.kill()
            emulator.proc.wait()
    assert len(acknowledged) > 20, "the load never got going"
    restarted = start_emulator("--db", db, "--no-seed")
    try:
        missing = set(acknowledged) - stored_correlations(restarted.url, headers)
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged chats lost: {sorted(missing)[:5]}"
    finally:
        restarted.stop()


def test_every_acknowledged_chat_survives_kill_9(tmp_path):
    load_then_stop(tmp_path, signal.SIGKILL)


def test_every_acknowledged_chat_survives_sigterm(tmp_path):
    load_then_stop(tmp_path, signal.SIGTERM)
