"""The OpenTelemetry side of the client tests: the global TracerProvider, an exporter re-pointed
at each test's workspace, and reading the spans and traces back through the search API."""

from __future__ import annotations

import contextlib
import json
from typing import Any, Iterator

import requests
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

API = "/v1/observability"


class WorkspaceExporter(SpanExporter):
    """Sends to the current test's workspace; drops spans while no test is attached (a span
    ending after its test, such as a client's teardown, has nowhere to go)."""

    def __init__(self) -> None:
        self.target: OTLPSpanExporter | None = None

    def export(self, spans):
        target = self.target
        return target.export(spans) if target is not None else SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        self.target = None


EXPORTER = WorkspaceExporter()


def install_tracer_provider() -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": "clients-matrix"}))
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    trace.set_tracer_provider(provider)
    return provider


class Telemetry:
    def __init__(self, base_url: str, token: str, provider: TracerProvider):
        self.base_url, self.token, self.provider = base_url, token, provider
        self.headers = {"Authorization": f"Bearer {token}"}
        EXPORTER.target = OTLPSpanExporter(endpoint=f"{base_url}/telemetry/v1/traces", headers=self.headers, timeout=10)
        self.tracer = provider.get_tracer("clients-matrix.test")

    def detach(self) -> None:
        self.provider.force_flush(10_000)
        EXPORTER.target = None

    @contextlib.contextmanager
    def root(self, name: str) -> Iterator[str]:
        """A root span around the client's work: everything the client traces inside it is in
        its trace, whose id this yields."""
        with self.tracer.start_as_current_span(name) as span:
            yield format(span.get_span_context().trace_id, "032x")

    def post(self, path: str, body: dict, **params: Any) -> dict:
        r = requests.post(self.base_url + API + path, json=body, params=params, headers=self.headers, timeout=30)
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:500]}"
        return r.json()

    def spans(self, trace_id: str) -> list[dict]:
        """The trace's spans as the search API returns them, in start order."""
        self.provider.force_flush(10_000)
        rows = self.post("/spans/search", {"search_expression": f"trace_id = '{trace_id}'"}, page_size=100)["spans"]["results"]
        return sorted(rows, key=lambda s: (s["start_time"], s["span_id"]))

    def search_spans(self, expression: str) -> list[dict]:
        self.provider.force_flush(10_000)
        return self.post("/spans/search", {"search_expression": expression}, page_size=100)["spans"]["results"]

    def trace(self, trace_id: str) -> dict:
        self.provider.force_flush(10_000)
        rows = self.post("/traces/search", {"search_expression": f"trace_id = '{trace_id}'"}, page_size=10)["traces"]["results"]
        assert len(rows) == 1, rows
        return rows[0]


def genai(spans: list[dict], operation: str | None = None) -> list[dict]:
    """The spans with a GenAI operation (that one, when given)."""
    return [s for s in spans if s["operation_name"] and (operation is None or s["operation_name"] == operation)]


def messages(column: str) -> list[dict]:
    parsed = json.loads(column) if column else []
    assert isinstance(parsed, list), column
    return parsed


def text_of(message: dict) -> str:
    if isinstance(message.get("parts"), list):
        return "\n".join(p.get("content", "") for p in message["parts"] if p.get("type") == "text")
    content = message.get("content", "")
    return content if isinstance(content, str) else json.dumps(content)
