"""Conformance suite: the pinned official SDK (mistralai==2.9.4) against the emulator binary.

One emulator process serves the whole session. Every test gets its own Bearer token, hence its
own workspace, so tests never see each other's judges, campaigns, datasets or ingested events.
Seeded fixture events are shared (read-only) by every workspace.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_BIN = REPO / ".build" / "debug" / "observability-emulator"
FIXTURES = REPO / "Fixtures"
SHARED = Path(os.environ.get("OBS_SHARED_DIR", REPO.parent / "shared"))
OPENAPI_CANDIDATES = [
    SHARED / "reference" / "observability-openapi.yaml",
    REPO / "docs" / "observability-openapi.yaml",
]
SEEDS_DIR = SHARED / "seeds"

LISTENING = re.compile(r"listening on (http://[0-9A-Za-z.\-\[\]:]+)")
API = "/v1/observability"


# --------------------------------------------------------------------------------------------
# The `operation` marker and the operation map used by test_operation_coverage.py
# --------------------------------------------------------------------------------------------

def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "operation(operation_id, ...): the OpenAPI operationId(s) this test exercises",
    )


def operations_of(item: pytest.Item) -> list[str]:
    ops: list[str] = []
    for mark in item.iter_markers(name="operation"):
        ops.extend(str(a) for a in mark.args)
    return ops


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    # The coverage test reads every other test's markers: run it last so a partial run still
    # reports on what it collected, and record the map for a subprocess that asks for it.
    coverage = [i for i in items if i.path.name == "test_operation_coverage.py"]
    others = [i for i in items if i.path.name != "test_operation_coverage.py"]
    items[:] = others + coverage
    out = os.environ.get("OBS_OPERATION_MAP")
    if out:
        mapping = {i.nodeid: operations_of(i) for i in items}
        Path(out).write_text(json.dumps(mapping))


def openapi_path() -> Path:
    for p in OPENAPI_CANDIDATES:
        if p.exists():
            return p
    raise FileNotFoundError("observability-openapi.yaml not found in " + ", ".join(map(str, OPENAPI_CANDIDATES)))


def load_fixture_events() -> list[dict]:
    with open(FIXTURES / "events.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# --------------------------------------------------------------------------------------------
# The emulator process
# --------------------------------------------------------------------------------------------

class Emulator:
    """A running emulator process and the URL it printed on its first stdout line."""

    def __init__(self, proc: subprocess.Popen, url: str, lines: list[str]):
        self.proc = proc
        self.url = url
        self.lines = lines

    def stop(self, timeout: float = 10.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)


def emulator_binary() -> str:
    return os.environ.get("OBS_EMULATOR_BIN", str(DEFAULT_BIN))


def start_emulator(*extra: str, wait_s: float = 30.0) -> Emulator:
    """Starts the binary on a free port and waits until /__emulator/health answers 200."""
    binary = emulator_binary()
    deadline = time.monotonic() + wait_s
    while not os.path.exists(binary):  # the lead may be relinking it right now
        if time.monotonic() > deadline:
            raise RuntimeError(f"emulator binary not found at {binary}")
        time.sleep(0.2)
    cmd = [binary, "--port", "0", "--log-level", "warning", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    first = proc.stdout.readline()
    lines.append(first)
    match = LISTENING.search(first)
    if not match:
        proc.kill()
        err = proc.stderr.read()
        raise RuntimeError(f"emulator did not announce its URL: {first!r} {err[-2000:]!r}")
    url = match.group(1)

    # Keep draining the pipes so a chatty emulator never blocks on a full pipe.
    def drain(stream, sink):
        for line in stream:
            sink.append(line)
    threading.Thread(target=drain, args=(proc.stdout, lines), daemon=True).start()
    threading.Thread(target=drain, args=(proc.stderr, []), daemon=True).start()

    while True:
        try:
            if requests.get(url + "/__emulator/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("emulator never became healthy")
        time.sleep(0.05)
    return Emulator(proc, url, lines)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    emu = start_emulator("--journal-bodies")
    yield emu
    code = emu.stop(timeout=10)
    assert code == 0, f"emulator exited with {code} after SIGTERM"


@pytest.fixture(scope="session")
def base_url(emulator: Emulator) -> str:
    return emulator.url


@pytest.fixture(scope="session")
def fixture_events() -> list[dict]:
    return load_fixture_events()


# --------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------

def new_token() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.fixture
def token() -> str:
    return new_token()


def make_client(base_url: str, token: str):
    from mistralai.client import Mistral
    return Mistral(api_key=token, server_url=base_url)


@pytest.fixture
def client(base_url: str, token: str):
    return make_client(base_url, token)


@pytest.fixture
def obs(client):
    """client.beta.observability, the SDK object every test talks to."""
    return client.beta.observability


class HTTP:
    """Raw HTTP against the emulator with one workspace's Bearer token (for status codes,
    error bodies and the control plane, which the SDK does not reach)."""

    def __init__(self, base_url: str, token: str | None):
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()

    def headers(self, extra: dict | None = None, auth: bool = True) -> dict:
        h = {}
        if auth and self.token:
            h["Authorization"] = f"Bearer {self.token}"
        if extra:
            h.update(extra)
        return h

    def request(self, method: str, path: str, *, auth: bool = True, headers: dict | None = None,
                timeout: float = 30, **kw: Any) -> requests.Response:
        url = path if path.startswith("http") else self.base_url + path
        return self.session.request(method, url, headers=self.headers(headers, auth), timeout=timeout, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)

    def for_token(self, token: str | None) -> "HTTP":
        return HTTP(self.base_url, token)

    # Control plane helpers -----------------------------------------------------------------

    def ingest(self, events: Any) -> list[str]:
        r = self.post("/__emulator/events", json=events)
        assert r.status_code == 201, r.text
        return r.json()["event_ids"]

    def search_ids(self, filters: Any) -> list[str]:
        r = self.post(f"{API}/chat-completion-events/search-ids", json={"search_params": {"filters": filters}})
        assert r.status_code == 200, r.text
        return r.json()["completion_event_ids"]


@pytest.fixture
def http(base_url: str, token: str) -> HTTP:
    return HTTP(base_url, token)


def assert_error(resp: requests.Response, status: int, code: str | None = "__any__", *, contains: str | None = None) -> dict:
    """Asserts an error response: status, the {"detail": {"message", "error_code"}} shape, the
    code (None means JSON null) and optionally a substring of the message."""
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.text[:500]}"
    body = resp.json()
    assert set(body) == {"detail"}, body
    detail = body["detail"]
    assert isinstance(detail.get("message"), str) and detail["message"], body
    assert "error_code" in detail, body
    if code != "__any__":
        assert detail["error_code"] == code, body
    if contains is not None:
        assert contains in detail["message"], body
    return detail


def sdk_error(excinfo) -> tuple[int, dict]:
    """(status, parsed body) of an SDK exception."""
    err = excinfo.value
    return err.status_code, json.loads(err.body)


# --------------------------------------------------------------------------------------------
# Builders shared by several files
# --------------------------------------------------------------------------------------------

def classification_output(*values: str) -> dict:
    return {"type": "CLASSIFICATION", "options": [{"value": v, "description": f"the answer is {v}"} for v in values]}


def judge_body(name: str | None = None, *, instructions: str = "Rate the answer.", output: dict | None = None,
               model_name: str = "mistral-large-latest", description: str = "A conformance test judge") -> dict:
    return {
        "name": name or f"judge {uuid.uuid4().hex[:12]}",
        "description": description,
        "model_name": model_name,
        "output": output or classification_output("good", "poor"),
        "instructions": instructions,
        "tools": [],
    }


def poll(fetch, done, *, timeout: float = 30.0, interval: float = 0.05):
    """Calls fetch() until done(result) or the deadline; returns the last result."""
    deadline = time.monotonic() + timeout
    result = fetch()
    while not done(result):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting; last value: {result!r}")
        time.sleep(interval)
        result = fetch()
    return result


def event_sort_key(e: dict):
    """Newest first: created_at desc, event_id desc (RFC 3339 with ms sorts as text)."""
    return (e["created_at"], e["event_id"])


def newest_first(events: list[dict]) -> list[dict]:
    return sorted(events, key=event_sort_key, reverse=True)


def make_event(user: str, assistant: str, *, created_at: str = "2025-11-01T12:00:00.000Z",
               model: str | None = "mistral-small-latest", event_id: str | None = None,
               correlation_id: str | None = None, metadata: dict | None = None) -> dict:
    ev = {
        "correlation_id": correlation_id or str(uuid.uuid4()),
        "created_at": created_at,
        "extra_fields": {"model_name": model, "api_agent_id": None, "total_time_elapsed": 0.5,
                         "metadata": metadata or {}},
        "nb_input_tokens": 10,
        "nb_output_tokens": 20,
        "enabled_tools": [],
        "request_messages": [{"role": "user", "content": user}],
        "response_messages": [{"role": "assistant", "content": assistant}],
        "nb_messages": 2,
        "chat_transcription_events": [],
    }
    if model is None:
        del ev["extra_fields"]["model_name"]
    if event_id:
        ev["event_id"] = event_id
    return ev
