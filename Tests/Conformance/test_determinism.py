"""The determinism claim (issue 6): two fresh runs with the same --id-seed and --clock and
the same sequence of calls return byte-identical response bodies, background tasks included."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent.parent
BIN = os.environ.get("OBS_EMULATOR_BIN", str(REPO / ".build" / "debug" / "observability-emulator"))
API = "/v1/observability"
AUTH = {"Authorization": "Bearer determinism"}


def session() -> list[bytes]:
    proc = subprocess.Popen([BIN, "--port", "0", "--log-level", "error", "--id-seed", "42", "--clock", "fixed:2025-06-01T12:00:00.000Z"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = re.search(r"(http://127\.0\.0\.1:\d+)", proc.stdout.readline()).group(1)
    bodies: list[bytes] = []

    def call(method, path, **kw):
        r = requests.request(method, url + path, headers=AUTH, timeout=30, **kw)
        bodies.append(f"{method} {path} {r.status_code} ".encode() + r.content)
        return r

    def wait_for(path):
        # Each background task finishes before the next call creates anything, so the seeded id
        # generator is drawn in the same order in both runs.
        deadline = time.time() + 20
        while requests.get(url + path, headers=AUTH).json()["status"] == "RUNNING":
            assert time.time() < deadline
            time.sleep(0.02)
        call("GET", path)

    try:
        judge = call("POST", f"{API}/judges", json={"name": "Determinism judge", "description": "d", "model_name": "m",
                     "output": {"options": [{"value": "good", "description": ""}, {"value": "poor", "description": ""}]},
                     "instructions": 'when assistant icontains "sorry" -> poor', "tools": []}).json()
        call("PUT", f"{API}/judges/{judge['id']}", json={"name": "Determinism judge 2", "description": "d", "model_name": "m",
             "output": {"options": [{"value": "good", "description": ""}, {"value": "poor", "description": ""}]},
             "instructions": "otherwise -> good", "tools": []})
        call("GET", f"{API}/judges?page_size=10")
        call("POST", f"{API}/judges/{judge['id']}/live-judging", json={"messages": [
            {"role": "user", "content": "Where is my parcel?"}, {"role": "assistant", "content": "Sorry, I cannot track parcels."}]})
        call("POST", f"{API}/chat-completion-events/search?page_size=5", json={"search_params": {"filters": {"field": "model_name", "op": "eq", "value": "mistral-large-latest"}}, "extra_fields": ["model_name", "invoked_tools"]})
        ids = call("POST", f"{API}/chat-completion-events/search-ids", json={"search_params": {"filters": {"field": "input_tokens", "op": "gt", "value": 500}}}).json()["completion_event_ids"]
        call("GET", f"{API}/chat-completion-events/{ids[0]}/similar-events")
        dataset = call("POST", f"{API}/datasets", json={"name": "Determinism set", "description": ""}).json()
        task = call("POST", f"{API}/datasets/{dataset['id']}/imports/from-explorer", json={"completion_event_ids": ids[:3]}).json()
        wait_for(f"{API}/datasets/{dataset['id']}/tasks/{task['id']}")
        call("GET", f"{API}/datasets/{dataset['id']}/records?page_size=10")
        listed = call("GET", f"{API}/judges?page_size=10").json()["judges"]["results"]
        campaign = call("POST", f"{API}/campaigns", json={"search_params": {"filters": None}, "judge_id": listed[0]["id"],
                                                          "name": "Determinism run", "description": "", "max_nb_events": 25}).json()
        wait_for(f"{API}/campaigns/{campaign['id']}/status")
        call("GET", f"{API}/campaigns/{campaign['id']}/selected-events?page_size=25")
        call("GET", f"{API}/chat-completion-fields")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    return bodies


def test_two_fresh_runs_are_byte_identical():
    first, second = session(), session()
    assert len(first) == len(second) == 16
    for a, b in zip(first, second):
        assert a == b, (a[:300], b[:300])
