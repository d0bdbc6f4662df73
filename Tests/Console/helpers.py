"""Direct API calls (urllib) that the browser tests use as their oracle: what the console shows
must be what the API answers to an SDK with the same token."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

TOKEN = "console-tests"
V1 = "/v1/observability"


def call(base: str, method: str, path: str, body=None, token: str | None = TOKEN):
    """Returns (status, parsed JSON or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            text = response.read()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, None


def raw(base: str, path: str, headers: dict | None = None):
    """GET without a token: (status, headers, body bytes)."""
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def send_spans(base: str, token: str, spans: list[dict], service: str = "checkout"):
    """Sends spans over OTLP/HTTP JSON, as an exporter would, under `token`."""
    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                               "scopeSpans": [{"scope": {"name": "console-tests"}, "spans": spans}]}]}
    request = urllib.request.Request(base + "/telemetry/v1/traces", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def span(trace_id: str, span_id: str, name: str, status: int = 1, parent: str = "", attributes: dict | None = None, offset_ms: int = 0, ms: int = 40,
         base_ns: int | None = None):
    """One OTLP span starting `offset_ms` after `base_ns` (default: a minute ago)."""
    start = (base_ns if base_ns is not None else time.time_ns() - 60_000_000_000) + offset_ms * 1_000_000
    return {"traceId": trace_id, "spanId": span_id, "parentSpanId": parent, "name": name, "kind": 3,
            "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + ms * 1_000_000), "status": {"code": status},
            "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in (attributes or {}).items()]}


def send_logs(base: str, token: str, records: list[dict], service: str = "checkout"):
    """Sends log records over OTLP/HTTP JSON under `token`."""
    body = {"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                              "scopeLogs": [{"scope": {"name": "console-tests"}, "logRecords": records}]}]}
    status, answer = call(base, "POST", "/telemetry/v1/logs", body, token=token)
    assert status == 200, answer


def wait_until(probe, what: str, timeout: float = 15):
    """Polls `probe()` until it returns something truthy (an API call the test waits on)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
