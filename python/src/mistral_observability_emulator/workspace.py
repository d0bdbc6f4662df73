"""A test's workspace on the emulator: every Bearer token is its own workspace, so a fresh token
gives a test state nobody else sees (its judges, datasets, events, spans, responders, journal
entries), on an emulator shared by the whole session or by parallel sessions."""

from __future__ import annotations

import time
import uuid
from typing import Any, Iterable, List, Mapping, Optional, Tuple

from mistral_observability_emulator._http import EmulatorError, call
from mistral_observability_emulator.server import Emulator

API = "/v1/observability"


def workspace_id(token: str) -> str:
    """The emulator's id for a token's workspace: UUIDv5 (URL namespace) of "workspace:<token>",
    as the journal's `workspace_id` carries it."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "workspace:" + token))


def mistral_class() -> type:
    """`Mistral` from the installed SDK: `mistralai.client` in 3.x, `mistralai` in 2.x."""
    try:
        from mistralai.client import Mistral  # type: ignore[attr-defined]
    except ImportError:
        from mistralai import Mistral  # type: ignore[no-redef,attr-defined]
    return Mistral


class Workspace:
    """The control-plane helpers of one workspace, and `client`, an SDK client under its token.

    Fault rules added here are this workspace's (sent under its token, they match only its
    requests) and are removed by `close`, which the pytest fixture calls after each test."""

    def __init__(self, emulator: Emulator, token: Optional[str] = None):
        self.emulator = emulator
        self.url = emulator.url
        self.token = token or f"ws-{uuid.uuid4().hex}"
        self.id = workspace_id(self.token)
        self.headers = {"Authorization": f"Bearer {self.token}", **emulator.control_headers}
        self._client: Any = None
        self._faults: List[str] = []

    # The SDK

    @property
    def client(self) -> Any:
        """A `mistralai` client with this workspace's token and `server_url` at the emulator
        (made on first use; needs the `mistralai` package)."""
        if self._client is None:
            self._client = self.make_client()
        return self._client

    def make_client(self, **kwargs: Any) -> Any:
        """Another SDK client of this workspace (`retry_config`, `timeout_ms`, … as keywords)."""
        return mistral_class()(api_key=self.token, server_url=self.url, **kwargs)

    def configure_telemetry(self, client: Any = None, redaction: bool = False) -> Any:
        """Sends the SDK's own spans for `client` (default: `self.client`) to this workspace:
        the SDK's `configure_telemetry`, whose exporter the plugin points at the emulator through
        `MISTRAL_OTLP_TRACES_ENDPOINT` and authenticates with the client's token. Needs
        `mistralai[telemetry]`. Returns the client."""
        client = client or self.client
        try:
            from mistralai.extra.observability.telemetry import configure_telemetry
        except ImportError:  # releases that export it from the package only
            from mistralai.extra.observability import configure_telemetry  # type: ignore[no-redef]
        try:
            configure_telemetry(client, redaction=redaction)
        except TypeError:  # a release without the redaction argument
            configure_telemetry(client)
        return client

    # Any route

    def api(self, method: str, path: str, json: Any = None, params: Optional[Mapping[str, Any]] = None,
            expect: tuple = (200, 201, 204)) -> Any:
        """One call with this workspace's token (`/v1/...` or `/__emulator/...`); the decoded
        JSON answer. Another status raises EmulatorError."""
        return call(method, self.url + path, json=json, params=params, headers=self.headers, expect=expect)

    # Model responders

    def add_responder(self, respond: Mapping[str, Any], match: Optional[Mapping[str, Any]] = None,
                      then: Optional[Mapping[str, Any]] = None, name: Optional[str] = None) -> str:
        """One chat responder of this workspace (tried before the fixtures' ones, oldest first);
        its id. `respond` and `then` as in the README's "Model endpoints"."""
        rule: dict = {"respond": dict(respond)}
        if match is not None:
            rule["match"] = dict(match)
        if then is not None:
            rule["then"] = dict(then)
        if name is not None:
            rule["name"] = name
        return self.add_responders([rule])[0]

    def add_responders(self, rules: Iterable[Mapping[str, Any]]) -> List[str]:
        """Several responders at once (all or none); their ids."""
        return self.api("POST", "/__emulator/responders", json={"responders": list(rules)})["ids"]

    def responders(self) -> List[dict]:
        return self.api("GET", "/__emulator/responders")["responders"]

    def clear_responders(self) -> None:
        self.api("DELETE", "/__emulator/responders")

    # Faults

    def inject_fault(self, path: str, status: Optional[int] = None, *, method: Optional[str] = None,
                     count: Optional[int] = None, probability: Optional[float] = None, delay_ms: Optional[int] = None,
                     drop: bool = False, error_code: Optional[str] = None, message: Optional[str] = None) -> str:
        """A fault rule: requests matching `method` (any when None) and `path` (exact, or with
        `*` wildcards) under this workspace's token get `status`, extra latency or a dropped
        connection, for the next `count` matches (all when None) or with `probability`. Its id;
        removed at the end of the test."""
        rule = {"path": path, "method": method, "status": status, "count": count, "probability": probability,
                "delay_ms": delay_ms, "drop": drop or None, "error_code": error_code, "message": message}
        body = {k: v for k, v in rule.items() if v is not None}
        fault_id = call("POST", self.url + "/__emulator/faults", json=body, headers=self.headers)["id"]
        self._faults.append(fault_id)
        return fault_id

    def remove_fault(self, fault_id: str) -> None:
        """Removes one rule (one already used up is gone: not an error)."""
        call("DELETE", f"{self.url}/__emulator/faults/{fault_id}", headers=self.emulator.control_headers, expect=(204, 404))
        if fault_id in self._faults:
            self._faults.remove(fault_id)

    # The request journal

    def requests(self, method: Optional[str] = None, path_prefix: Optional[str] = None, status: Optional[int] = None,
                 limit: Optional[int] = None) -> List[dict]:
        """This workspace's entries of the request journal, oldest first: `method`, `path`,
        `query`, `status`, `duration_ms`, … (`request_body` and `response_body` when the
        emulator runs with `--journal-bodies`). The journal keeps the last `--journal-size`
        requests of all workspaces (1000 by default)."""
        params = {"workspace_id": self.id, "method": method, "path_prefix": path_prefix, "status": status, "limit": limit}
        entries = call("GET", self.url + "/__emulator/requests", params=params, headers=self.emulator.control_headers)["requests"]
        return list(reversed(entries))

    def calls(self, path_prefix: Optional[str] = None, include_control: bool = False,
              include_telemetry: bool = False) -> List[Tuple[str, str]]:
        """`(method, path)` of each request this workspace made, oldest first: what "my code made
        exactly these calls" compares against. The helpers' own `/__emulator/` calls and the
        OTLP exports (`/telemetry/`, sent whenever a batch processor flushes) are left out
        unless asked for."""
        kept = []
        for entry in self.requests(path_prefix=path_prefix):
            path = entry["path"]
            if not include_control and path.startswith("/__emulator/"):
                continue
            if not include_telemetry and path.startswith("/telemetry/"):
                continue
            kept.append((entry["method"], path))
        return kept

    # Telemetry

    def search_spans(self, expression: str, page_size: int = 100) -> List[dict]:
        """The workspace's spans (and the seeded ones every workspace shares) matching a search
        expression (`service_name = 'my-app' AND request_model = 'mistral-small-latest'`)."""
        return self.api("POST", f"{API}/spans/search", json={"search_expression": expression},
                        params={"page_size": page_size})["spans"]["results"]

    def wait_for_spans(self, expression: str, count: int = 1, timeout: float = 10.0, interval: float = 0.05) -> List[dict]:
        """Polls the spans search until at least `count` spans match `expression`; returns them.
        Exporters send in batches (the plugin sets `OTEL_BSP_SCHEDULE_DELAY` to 100 ms for the
        session), so a span ended by the code under test arrives a little later. Raises
        AssertionError naming how many matched when `timeout` seconds pass."""
        deadline = time.monotonic() + timeout
        while True:
            spans = self.search_spans(expression)
            if len(spans) >= count:
                return spans
            if time.monotonic() >= deadline:
                raise AssertionError(f"{len(spans)} span(s) match {expression!r} after {timeout} s; expected at least {count}")
            time.sleep(interval)

    # State

    def ingest_events(self, events: Iterable[Mapping[str, Any]]) -> List[str]:
        """Chat-completion events into this workspace (the `ChatCompletionEvent` shape); their ids."""
        return self.api("POST", "/__emulator/events", json=list(events))["event_ids"]

    def reset(self) -> None:
        """Back to the seeded state, for this workspace only (its responders included)."""
        self.api("POST", "/__emulator/reset", json={"scope": "workspace"})

    def close(self) -> None:
        """Removes the faults this workspace added and closes its SDK client."""
        for fault_id in list(self._faults):
            try:
                self.remove_fault(fault_id)
            except (EmulatorError, OSError):
                pass
        client, self._client = self._client, None
        if client is not None and hasattr(client, "__exit__"):
            client.__exit__(None, None, None)
