"""OTLP ingestion: real OpenTelemetry exporters and raw HTTP against
`/telemetry/v1/{traces,logs,metrics}`, read back through the telemetry API.

- The OpenTelemetry SDK with the protobuf exporter (`opentelemetry-exporter-otlp-proto-http`,
  plain and gzip) and the JSON exporter (`opentelemetry-exporter-otlp-json-http`) sends GenAI
  spans and logs; every expectation is computed here from the spans and records the exporter
  actually sent (captured by a wrapping exporter), then compared with `traces/search`,
  `traces/{id}`, `traces/{id}/spans`, `logs/search` and `spans/evaluations/search`.
- Hand-built `ExportTraceServiceRequest`s show partial success, idempotent re-sends and the
  exporter's retry after an injected 503.
- `otlp_hostile.py` supplies a deterministic corpus of hostile bodies; each is its own test id.

Every test uses a fresh Bearer token, so a fresh workspace: the seeded fixtures plus what the
test sent.
"""

from __future__ import annotations

import gzip
import json
import time
import uuid
from typing import Any, Sequence

import pytest
import requests
from google.rpc import status_pb2
from opentelemetry import trace as trace_api
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.json.http._log_exporter import OTLPLogExporter as JSONLogExporter
from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter as JSONSpanExporter
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter as ProtoLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as ProtoMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as ProtoSpanExporter
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource as PbResource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span as PbSpan
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import (
    BatchLogRecordProcessor,
    LogRecordExporter,
    LogRecordExportResult,
    SimpleLogRecordProcessor,
)
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricExporter, MetricExportResult, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode

import otlp_hostile
from conftest import API, HTTP, new_token
from telemetry_support import last_message_text, ns_of

# operationIds (docs/openapi.yaml)
OTLP_TRACES = "emulator_otlp_traces"
OTLP_LOGS = "emulator_otlp_logs"
OTLP_METRICS = "emulator_otlp_metrics"
SEARCH_TRACES = "search_traces_v1_observability_traces_search_post"
GET_TRACE = "get_trace_by_id_v1_observability_traces__trace_id__get"
GET_TRACE_SPANS = "get_trace_spans_v1_observability_traces__trace_id__spans_get"
GET_SPAN = "get_span_by_id_v1_observability_traces__trace_id__spans__span_id__get"
SEARCH_SPANS = "search_spans_v1_observability_spans_search_post"
SPAN_FIELDS = "get_span_fields_v1_observability_spans_fields_get"
SEARCH_LOGS = "search_logs_v1_observability_logs_search_post"
SEARCH_EVALUATIONS = "search_span_evaluations_v1_observability_spans_evaluations_search_post"
SEARCH_LATEST_EVALUATIONS = "search_latest_span_evaluations_v1_observability_spans_evaluations_search_latest_post"

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
FEEDS = {
    "traces": ("/traces/search", "traces"),
    "spans": ("/spans/search", "spans"),
    "logs": ("/logs/search", "logs"),
    "evaluations": ("/spans/evaluations/search", "span_evaluations"),
    "latest": ("/spans/evaluations/search/latest", "span_evaluations"),
}
LLM_OPERATIONS = {"chat", "text_completion", "generate_content"}
EVALUATION_KEYS = {"gen_ai.evaluation.name", "gen_ai.evaluation.score.value", "gen_ai.evaluation.score.label",
                   "gen_ai.evaluation.explanation", "gen_ai.response.id", "gen_ai.conversation.id"}


# --------------------------------------------------------------------------------------------
# Reading back
# --------------------------------------------------------------------------------------------

def search_all(http: HTTP, feed: str, expression: str | None = None, page_size: int = 100,
               order: str | None = None, **params: Any) -> list[dict]:
    """Every row of a feed, paging with the cursor (`order` is the logs body's)."""
    path, key = FEEDS[feed]
    body: dict = {"search_expression": expression} if expression is not None else {}
    if order is not None:
        body["order"] = order
    rows: list[dict] = []
    cursor = None
    for _ in range(1000):
        query = {"page_size": page_size, **params}
        if cursor:
            query["cursor"] = cursor
        r = http.post(API + path, params=query, json=body)
        assert r.status_code == 200, r.text[:500]
        page = r.json()[key]
        rows += page["results"]
        cursor = page["cursor"]
        if not cursor:
            return rows
    raise AssertionError("the feed never ended")


def count(http: HTTP, feed: str) -> int:
    return len(search_all(http, feed))


def get_trace(http: HTTP, trace_id: str) -> dict:
    r = http.get(f"{API}/traces/{trace_id}")
    assert r.status_code == 200, r.text[:500]
    return r.json()


def trace_spans(http: HTTP, trace_id: str) -> list[dict]:
    rows, cursor = [], None
    while True:
        params = {"page_size": 50, **({"cursor": cursor} if cursor else {})}
        r = http.get(f"{API}/traces/{trace_id}/spans", params=params)
        assert r.status_code == 200, r.text[:500]
        page = r.json()["spans"]
        rows += page["results"]
        cursor = page["cursor"]
        if not cursor:
            return rows


def assert_instant(text: str, sent_ns: int) -> None:
    """The API renders instants in UTC, at least to the millisecond (finer digits truncated)."""
    got = ns_of(text)
    assert 0 <= sent_ns - got < 1_000_000, (text, sent_ns)


# --------------------------------------------------------------------------------------------
# What an attribute becomes: strings as they are, booleans true/false, numbers in
# their shortest form, arrays and maps as compact JSON
# --------------------------------------------------------------------------------------------

def flat(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    raise TypeError(type(value))


def flat_map(attributes) -> dict[str, str]:
    return {k: flat(v) for k, v in dict(attributes or {}).items()}


def hex_trace(trace_id: int) -> str:
    return format(trace_id, "032x")


def hex_span(span_id: int) -> str:
    return format(span_id, "016x")


KIND = {SpanKind.INTERNAL: "Internal", SpanKind.SERVER: "Server", SpanKind.CLIENT: "Client",
        SpanKind.PRODUCER: "Producer", SpanKind.CONSUMER: "Consumer"}
STATUS = {StatusCode.UNSET: "Unset", StatusCode.OK: "Ok", StatusCode.ERROR: "Error"}


def field_definitions(http: HTTP, resource: str) -> list[dict]:
    r = http.get(f"{API}/{resource}/fields")
    assert r.status_code == 200, r.text[:500]
    return r.json()["field_definitions"]


def expected_column(field: dict, attributes: dict) -> Any:
    """A projected GenAI column from its source attribute, typed as the field says."""
    key = field["source_attribute_key"]
    kind = field["type"]
    if key not in attributes:
        return {"INT": 0, "FLOAT": None, "ARRAY": [], "BOOL": False}.get(kind, "")
    value = attributes[key]
    if kind == "INT":
        return int(value)
    if kind == "FLOAT":
        return float(value)
    if kind == "ARRAY":
        return [flat(v) for v in value] if isinstance(value, (list, tuple)) else [flat(value)]
    return flat(value)


def check_span_row(row: dict, span: ReadableSpan, fields: list[dict]) -> None:
    ctx = span.get_span_context()
    attrs = dict(span.attributes or {})
    resource = dict(span.resource.attributes)
    assert row["trace_id"] == hex_trace(ctx.trace_id)
    assert row["span_id"] == hex_span(ctx.span_id)
    assert row["parent_span_id"] == (hex_span(span.parent.span_id) if span.parent else "")
    assert row["span_name"] == span.name
    assert row["span_kind"] == KIND[span.kind]
    assert_instant(row["start_time"], span.start_time)
    assert_instant(row["end_time"], span.end_time)
    assert row["duration_ns"] == span.end_time - span.start_time
    assert row["status_code"] == STATUS[span.status.status_code]
    assert row["status_message"] == (span.status.description or "")
    assert row["service_name"] == resource["service.name"]
    assert row["scope_name"] == span.instrumentation_scope.name
    assert row["scope_version"] == (span.instrumentation_scope.version or "")
    assert row["span_attributes"] == flat_map(attrs), "every attribute, mapped or not, as a string"
    assert row["resource_attributes"] == flat_map(resource)
    assert row["service_account_id"] == ""
    projected = [f for f in fields if f.get("source_attribute_key") and f["group"] != "Resource"]
    assert len(projected) >= 30, "the GenAI mapping is published as source_attribute_key"
    for f in projected:
        assert row[f["name"]] == expected_column(f, attrs), (f["name"], f["source_attribute_key"], row[f["name"]])


def expected_trace(spans: Sequence[ReadableSpan], evaluations: int = 0) -> dict:
    """The trace roll-up, computed from what the exporter sent."""
    ordered = sorted(spans, key=lambda s: (s.start_time, hex_span(s.get_span_context().span_id)))
    roots = [s for s in ordered if s.parent is None]
    root = roots[0] if roots else ordered[0]

    def attr(s, key):
        return (s.attributes or {}).get(key)

    def first(key):
        return next((str(attr(s, key)) for s in ordered if attr(s, key)), "")

    ops = [attr(s, "gen_ai.operation.name") or "" for s in ordered]
    llm = [s for s in ordered if attr(s, "gen_ai.operation.name") in LLM_OPERATIONS]
    models: list[str] = []
    tools: list[str] = []
    for s in ordered:
        m, t = attr(s, "gen_ai.request.model"), attr(s, "gen_ai.tool.name")
        if m and m not in models:
            models.append(m)
        if t and t not in tools:
            tools.append(t)
    errors = sum(1 for s in ordered if s.status.status_code == StatusCode.ERROR)
    start, end = min(s.start_time for s in ordered), max(s.end_time for s in ordered)
    res = dict(root.resource.attributes)

    def turn(s, key):
        return last_message_text(attr(s, key) or "") if s else ""

    return {
        "trace_id": hex_trace(root.get_span_context().trace_id),
        "root_span_id": hex_span(root.get_span_context().span_id),
        "root_span_name": root.name,
        "duration_ns": end - start,
        "service_name": res.get("service.name", ""),
        "environment": res.get("deployment.environment.name", res.get("deployment.environment", "")),
        "conversation_id": first("gen_ai.conversation.id"),
        "workflow_name": first("gen_ai.workflow.name"),
        "agent_id": first("gen_ai.agent.id"),
        "agent_name": first("gen_ai.agent.name"),
        "status_code": "Error" if errors else "Unset",
        "error_count": errors,
        "span_count": len(ordered),
        "gen_ai_span_count": sum(1 for op in ops if op),
        "llm_call_count": len(llm),
        "tool_call_count": ops.count("execute_tool"),
        "retrieval_count": ops.count("retrieval"),
        "evaluation_count": evaluations,
        "input_tokens": sum(int(attr(s, "gen_ai.usage.input_tokens") or 0) for s in ordered),
        "output_tokens": sum(int(attr(s, "gen_ai.usage.output_tokens") or 0) for s in ordered),
        "cache_read_input_tokens": sum(int(attr(s, "gen_ai.usage.cache_read.input_tokens") or 0) for s in ordered),
        "cache_creation_input_tokens": sum(int(attr(s, "gen_ai.usage.cache_creation.input_tokens") or 0) for s in ordered),
        "models_used": models,
        "tools_used": tools,
        "first_turn_last_input_message": turn(llm[0] if llm else None, "gen_ai.input.messages"),
        "first_turn_last_output_message": turn(llm[0] if llm else None, "gen_ai.output.messages"),
        "last_turn_last_input_message": turn(llm[-1] if llm else None, "gen_ai.input.messages"),
        "last_turn_last_output_message": turn(llm[-1] if llm else None, "gen_ai.output.messages"),
        "service_account_id": "",
        "_start": start,
        "_end": end,
    }


def check_trace_row(row: dict, expected: dict) -> None:
    for k, v in expected.items():
        if not k.startswith("_"):
            assert row[k] == v, (k, row[k], v)
    assert_instant(row["start_time"], expected["_start"])
    assert_instant(row["end_time"], expected["_end"])


# --------------------------------------------------------------------------------------------
# Exporters that remember what they sent
# --------------------------------------------------------------------------------------------

class RecordingSpanExporter(SpanExporter):
    def __init__(self, inner: SpanExporter):
        self.inner = inner
        self.sent: list[ReadableSpan] = []
        self.results: list[SpanExportResult] = []

    def export(self, spans):
        result = self.inner.export(spans)
        self.results.append(result)
        if result == SpanExportResult.SUCCESS:
            self.sent.extend(spans)
        return result

    def shutdown(self):
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


class RecordingLogExporter(LogRecordExporter):
    def __init__(self, inner: LogRecordExporter):
        self.inner = inner
        self.sent: list = []
        self.results: list = []

    def export(self, batch):
        result = self.inner.export(batch)
        self.results.append(result)
        if result == LogRecordExportResult.SUCCESS:
            self.sent.extend(batch)
        return result

    def shutdown(self):
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


class RecordingMetricExporter(MetricExporter):
    def __init__(self, inner):
        super().__init__(preferred_temporality=inner._preferred_temporality,
                         preferred_aggregation=inner._preferred_aggregation)
        self.inner = inner
        self.metric_count = 0
        self.results: list = []

    def export(self, metrics_data, timeout_millis: float = 10_000, **kwargs):
        result = self.inner.export(metrics_data, timeout_millis=timeout_millis)
        self.results.append(result)
        if result == MetricExportResult.SUCCESS:
            self.metric_count += sum(len(sm.metrics) for rm in metrics_data.resource_metrics
                                     for sm in rm.scope_metrics)
        return result

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return True

    def shutdown(self, timeout_millis: float = 30_000, **kwargs) -> None:
        self.inner.shutdown()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def span_exporter(kind: str, base_url: str, token: str, timeout: float = 10) -> SpanExporter:
    endpoint = base_url + "/telemetry/v1/traces"
    if kind == "proto":
        return ProtoSpanExporter(endpoint=endpoint, headers=auth(token), timeout=timeout)
    if kind == "proto-gzip":
        return ProtoSpanExporter(endpoint=endpoint, headers=auth(token), timeout=timeout, compression=Compression.Gzip)
    if kind == "json":
        return JSONSpanExporter(endpoint=endpoint, headers=auth(token), timeout=timeout)
    raise ValueError(kind)


def log_exporter(kind: str, base_url: str, token: str) -> LogRecordExporter:
    endpoint = base_url + "/telemetry/v1/logs"
    if kind == "proto":
        return ProtoLogExporter(endpoint=endpoint, headers=auth(token), timeout=10)
    if kind == "json":
        return JSONLogExporter(endpoint=endpoint, headers=auth(token), timeout=10)
    raise ValueError(kind)


def tracer_provider(exporter: SpanExporter, batch: bool, service: str) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({
        "service.name": service, "service.version": "2.3.4", "deployment.environment.name": "conformance",
    }))
    provider.add_span_processor(BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter))
    return provider


def messages(role: str, text: str) -> str:
    return json.dumps([{"role": "system", "parts": [{"type": "text", "content": "You are a travel agent."}]},
                       {"role": role, "parts": [{"type": "text", "content": text}]}])


def genai_workload(provider: TracerProvider, label: str) -> int:
    """An agent run: invoke_agent → chat (tool call) → execute_tool → chat that fails. Returns
    the trace id. Times are explicit (sub-microsecond digits included) so the roll-up's start
    order is exact."""
    tracer = provider.get_tracer("conformance.genai", "0.4.2")
    base = (time.time_ns() // 1_000_000_000 - 3600) * 1_000_000_000 + 123_456_789
    conversation = f"conv_{label}"
    root = tracer.start_span("invoke_agent Trip planner", kind=SpanKind.INTERNAL, start_time=base, attributes={
        "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Trip planner",
        "gen_ai.agent.id": f"ag_{label}", "gen_ai.conversation.id": conversation,
        "gen_ai.provider.name": "mistral_ai", "app.user.tier": "pro",
    })
    ctx = trace_api.set_span_in_context(root)
    chat = tracer.start_span("chat mistral-large-latest", context=ctx, kind=SpanKind.CLIENT, start_time=base + 1_000_001,
                             attributes={
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "mistral_ai",
        "gen_ai.request.model": "mistral-large-latest", "gen_ai.response.model": "mistral-large-2411",
        "gen_ai.response.id": f"resp_{label}", "gen_ai.conversation.id": conversation,
        "gen_ai.usage.input_tokens": 120, "gen_ai.usage.output_tokens": 45,
        "gen_ai.usage.cache_read.input_tokens": 64,
        "gen_ai.request.temperature": 0.3, "gen_ai.request.max_tokens": 256, "gen_ai.request.top_p": 0.95,
        "gen_ai.request.seed": 42, "gen_ai.request.stop_sequences": ["\n\n", "END"],
        "gen_ai.response.finish_reasons": ["tool_calls"],
        "gen_ai.input.messages": messages("user", "What's the weather in Lyon?"),
        "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [
            {"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"city": "Lyon"}},
            {"type": "text", "content": "Let me check the forecast."}]}]),
        "app.flag": True, "app.ratio": 0.25, "app.retries": 3, "app.tags": ["a", "b"], "app.scores": [1, 2, 3],
    })
    chat.end(end_time=base + 251_234_567)
    tool = tracer.start_span("execute_tool get_weather", context=ctx, kind=SpanKind.INTERNAL, start_time=base + 252_000_000,
                             attributes={
        "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "get_weather", "gen_ai.tool.type": "function",
        "gen_ai.tool.call.id": "call_1", "gen_ai.tool.call.arguments": '{"city": "Lyon"}',
        "gen_ai.tool.call.result": '{"forecast": "sunny", "high_c": 24}',
    })
    tool.end(end_time=base + 310_000_000)
    failing = tracer.start_span("chat mistral-small-latest", context=ctx, kind=SpanKind.CLIENT, start_time=base + 311_000_000,
                                attributes={
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "mistral_ai",
        "gen_ai.request.model": "mistral-small-latest", "gen_ai.usage.input_tokens": 80,
        "gen_ai.input.messages": messages("tool", "sunny, 24C"),
    })
    failing.set_attribute("error.type", "httpx.ReadTimeout")
    failing.set_status(Status(StatusCode.ERROR, "upstream timed out after 30s"))
    failing.end(end_time=base + 1_311_000_000)
    root.end(end_time=base + 1_400_000_999)
    return root.get_span_context().trace_id


# --------------------------------------------------------------------------------------------
# Traces through the real exporters
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(OTLP_TRACES, SEARCH_TRACES, GET_TRACE, GET_TRACE_SPANS, GET_SPAN, SEARCH_SPANS, SPAN_FIELDS)
@pytest.mark.parametrize("kind,batch", [("proto", True), ("json", False), ("proto-gzip", True)])
def test_exporter_genai_trace_rolls_up_and_maps_columns(base_url, http, token, kind, batch):
    recorder = RecordingSpanExporter(span_exporter(kind, base_url, token))
    provider = tracer_provider(recorder, batch, service=f"ingest-{kind}")
    trace_id = hex_trace(genai_workload(provider, kind))
    assert provider.force_flush(10_000)
    provider.shutdown()
    assert recorder.results and all(r == SpanExportResult.SUCCESS for r in recorder.results)
    sent = recorder.sent
    assert len(sent) == 4

    # Readable by the very next request, found by its id.
    found = search_all(http, "traces", f"trace_id = '{trace_id}'")
    assert [t["trace_id"] for t in found] == [trace_id]
    expected = expected_trace(sent)
    check_trace_row(found[0], expected)
    assert get_trace(http, trace_id) == found[0]
    # Spot checks of the roll-up that do not depend on the helper above.
    assert found[0]["span_count"] == 4 and found[0]["llm_call_count"] == 2 and found[0]["tool_call_count"] == 1
    assert found[0]["models_used"] == ["mistral-large-latest", "mistral-small-latest"]
    assert found[0]["tools_used"] == ["get_weather"]
    assert found[0]["input_tokens"] == 200 and found[0]["output_tokens"] == 45
    assert found[0]["status_code"] == "Error" and found[0]["error_count"] == 1
    assert found[0]["root_span_name"] == "invoke_agent Trip planner"
    assert found[0]["first_turn_last_input_message"] == "What's the weather in Lyon?"
    assert found[0]["first_turn_last_output_message"] == "Let me check the forecast."
    assert found[0]["last_turn_last_input_message"] == "sunny, 24C"
    assert found[0]["last_turn_last_output_message"] == ""

    # The spans: oldest first under the trace, each column as sent.
    fields = field_definitions(http, "spans")
    rows = trace_spans(http, trace_id)
    by_start = sorted(sent, key=lambda s: s.start_time)
    assert [r["span_id"] for r in rows] == [hex_span(s.get_span_context().span_id) for s in by_start]
    for row, span in zip(rows, by_start):
        check_span_row(row, span, fields)
        one = http.get(f"{API}/traces/{trace_id}/spans/{row['span_id']}")
        assert one.status_code == 200 and one.json() == row

    chat = rows[1]
    assert (chat["operation_name"], chat["request_model"], chat["usage_input_tokens"]) == ("chat", "mistral-large-latest", 120)
    assert chat["request_temperature"] == 0.3 and chat["request_top_k"] is None
    assert chat["request_stop_sequences"] == ["\n\n", "END"] and chat["response_finish_reasons"] == ["tool_calls"]
    assert chat["span_attributes"]["app.flag"] == "true"
    assert chat["span_attributes"]["app.ratio"] == "0.25"
    assert chat["span_attributes"]["app.retries"] == "3"
    assert chat["span_attributes"]["app.tags"] == '["a","b"]'
    assert chat["span_attributes"]["app.scores"] == "[1,2,3]"
    assert chat["span_kind"] == "Client" and rows[0]["span_kind"] == "Internal"
    error = rows[3]
    assert (error["status_code"], error["status_message"], error["error_type"]) == (
        "Error", "upstream timed out after 30s", "httpx.ReadTimeout")
    assert rows[2]["tool_name"] == "get_weather" and rows[2]["tool_call_id"] == "call_1"

    # The spans feed finds them too, by a mapped column and by a raw attribute.
    spans = search_all(http, "spans", f"trace_id = '{trace_id}' AND span_attributes['error.type'] = 'httpx.ReadTimeout'")
    assert [s["span_id"] for s in spans] == [error["span_id"]]
    assert len(search_all(http, "spans", f"trace_id = '{trace_id}'")) == 4


# --------------------------------------------------------------------------------------------
# Logs and evaluation results through the real exporters
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(OTLP_LOGS, OTLP_TRACES, SEARCH_LOGS, SEARCH_EVALUATIONS, SEARCH_LATEST_EVALUATIONS, GET_TRACE)
@pytest.mark.parametrize("kind", ["proto", "json"])
def test_log_exporter_records_and_evaluation_results(base_url, http, token, kind):
    spans = RecordingSpanExporter(span_exporter(kind, base_url, token))
    tracer_p = tracer_provider(spans, batch=False, service=f"logs-{kind}")
    logs = RecordingLogExporter(log_exporter(kind, base_url, token))
    logger_p = LoggerProvider(resource=Resource.create({"service.name": f"logs-{kind}", "deployment.environment.name": "conformance"}))
    logger_p.add_log_record_processor(BatchLogRecordProcessor(logs) if kind == "proto" else SimpleLogRecordProcessor(logs))
    logger = logger_p.get_logger("conformance.logs", "1.1.0")
    tracer = tracer_p.get_tracer("conformance.logs")

    base = (time.time_ns() // 1_000_000_000 - 1800) * 1_000_000_000
    with tracer.start_as_current_span("chat mistral-medium-latest", start_time=base, attributes={
            "gen_ai.operation.name": "chat", "gen_ai.request.model": "mistral-medium-latest"}) as span:
        logger.emit(timestamp=base + 1_000_000, severity_number=SeverityNumber.INFO, severity_text="INFO",
                    body="agent run started", attributes={"app.channel": "web", "app.attempt": 2})
        logger.emit(timestamp=base + 2_000_000, severity_number=SeverityNumber.WARN, severity_text="WARN",
                    body={"tool": "get_weather", "latency_ms": 812}, attributes={"app.flag": False})
        logger.emit(timestamp=base + 3_000_000, severity_number=SeverityNumber.INFO, event_name="gen_ai.evaluation.result",
                    body="evaluation", attributes={
                        "gen_ai.evaluation.name": "helpfulness", "gen_ai.evaluation.score.value": 0.75,
                        "gen_ai.evaluation.score.label": "good", "gen_ai.evaluation.explanation": "Answers the question.",
                        "gen_ai.response.id": f"resp_{kind}", "gen_ai.conversation.id": f"conv_{kind}",
                        "judge.model": "mistral-large-latest", "judge.version": 3})
        # The same result named by the `event.name` attribute instead of the field, scored later.
        logger.emit(timestamp=base + 4_000_000, severity_number=SeverityNumber.INFO, attributes={
            "event.name": "gen_ai.evaluation.result", "gen_ai.evaluation.name": "helpfulness",
            "gen_ai.evaluation.score.value": 0.5, "gen_ai.evaluation.score.label": "fair"})
        logger.emit(timestamp=base + 5_000_000, severity_number=SeverityNumber.INFO, event_name="gen_ai.evaluation.result",
                    attributes={"gen_ai.evaluation.name": "faithfulness", "gen_ai.evaluation.score.value": 1})
        ctx = span.get_span_context()
    assert logger_p.force_flush(10_000)
    assert tracer_p.force_flush(10_000)
    logger_p.shutdown()
    tracer_p.shutdown()
    assert logs.results and all(r == LogRecordExportResult.SUCCESS for r in logs.results)
    assert len(logs.sent) == 5
    trace_id, span_id = hex_trace(ctx.trace_id), hex_span(ctx.span_id)

    rows = search_all(http, "logs", f"trace_id = '{trace_id}'", order="asc")
    assert len(rows) == 5
    for row, record in zip(rows, logs.sent):
        rec = record.log_record
        assert (row["trace_id"], row["span_id"]) == (trace_id, span_id)
        assert row["trace_flags"] == int(ctx.trace_flags)
        assert_instant(row["timestamp"], rec.timestamp)
        assert row["severity_number"] == rec.severity_number.value
        assert row["severity_text"] == (rec.severity_text or "")
        assert row["body"] == ("" if rec.body is None else flat(rec.body))
        assert row["log_attributes"] == flat_map(rec.attributes)
        assert row["event_name"] == (rec.event_name or (rec.attributes or {}).get("event.name", ""))
        assert row["service_name"] == f"logs-{kind}"
        assert row["resource_attributes"] == flat_map(record.resource.attributes)
        assert (row["scope_name"], row["scope_version"]) == ("conformance.logs", "1.1.0")
        assert row["service_account_id"] == ""
    assert rows[1]["body"] == '{"tool":"get_weather","latency_ms":812}'
    assert rows[0]["log_attributes"] == {"app.channel": "web", "app.attempt": "2"}
    assert [r["event_name"] for r in rows] == ["", "", "gen_ai.evaluation.result", "gen_ai.evaluation.result",
                                               "gen_ai.evaluation.result"]
    desc = search_all(http, "logs", f"trace_id = '{trace_id}'")
    assert desc == rows[::-1], "logs default to newest first"

    evaluations = search_all(http, "evaluations", f"trace_id = '{trace_id}'")
    assert [(e["evaluation_name"], e["score_value"], e["score_label"]) for e in evaluations] == [
        ("faithfulness", 1, ""), ("helpfulness", 0.5, "fair"), ("helpfulness", 0.75, "good")]
    for e in evaluations:
        assert (e["trace_id"], e["span_id"]) == (trace_id, span_id)
        assert e["service_account_id"] == ""
    faith, fair, good = evaluations
    assert_instant(good["timestamp"], base + 3_000_000)
    assert (good["explanation"], good["response_id"], good["conversation_id"]) == (
        "Answers the question.", f"resp_{kind}", f"conv_{kind}")
    assert good["metadata"] == {"judge.model": "mistral-large-latest", "judge.version": "3"}
    assert faith["metadata"] == {} and faith["explanation"] == "" and faith["response_id"] == ""
    assert not (set(fair["metadata"]) & EVALUATION_KEYS)
    latest = search_all(http, "latest", f"trace_id = '{trace_id}'")
    assert [(e["evaluation_name"], e["score_value"]) for e in latest] == [("faithfulness", 1), ("helpfulness", 0.5)]
    assert get_trace(http, trace_id)["evaluation_count"] == 3


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------

def health(base_url: str) -> dict:
    r = requests.get(base_url + "/__emulator/health", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.operation(OTLP_METRICS)
def test_metric_exporter_batch_is_counted(base_url, token):
    before = health(base_url)["otlp_metrics_received"]
    exporter = RecordingMetricExporter(ProtoMetricExporter(endpoint=base_url + "/telemetry/v1/metrics",
                                                           headers=auth(token), timeout=10))
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    provider = MeterProvider(resource=Resource.create({"service.name": "metrics-conformance"}), metric_readers=[reader])
    meter = provider.get_meter("conformance.metrics")
    tokens = meter.create_counter("gen_ai.client.token.usage.total", unit="{token}")
    latency = meter.create_histogram("gen_ai.client.operation.duration", unit="s")
    tokens.add(120, {"gen_ai.request.model": "mistral-large-latest"})
    tokens.add(45, {"gen_ai.request.model": "mistral-small-latest"})
    latency.record(0.42, {"gen_ai.operation.name": "chat"})
    assert provider.force_flush(10_000)
    assert exporter.results and all(r == MetricExportResult.SUCCESS for r in exporter.results)
    assert exporter.metric_count == 2
    assert health(base_url)["otlp_metrics_received"] - before == exporter.metric_count
    provider.shutdown()
    r = requests.post(base_url + "/telemetry/v1/metrics", data=b"{}", headers={"Content-Type": JSON})
    assert r.status_code == 401


# --------------------------------------------------------------------------------------------
# Partial success (hand-built exports)
# --------------------------------------------------------------------------------------------

def pb_span(trace_id: bytes, span_id: bytes, name: str, start: int, end: int, parent: bytes = b"") -> PbSpan:
    return PbSpan(trace_id=trace_id, span_id=span_id, parent_span_id=parent, name=name, kind=PbSpan.SPAN_KIND_SERVER,
                  start_time_unix_nano=start, end_time_unix_nano=end,
                  attributes=[KeyValue(key="gen_ai.operation.name", value=AnyValue(string_value="chat"))])


def pb_export(spans: list[PbSpan], service: str = "partial-success") -> ExportTraceServiceRequest:
    return ExportTraceServiceRequest(resource_spans=[ResourceSpans(
        resource=PbResource(attributes=[KeyValue(key="service.name", value=AnyValue(string_value=service))]),
        scope_spans=[ScopeSpans(scope=InstrumentationScope(name="hand-built", version="1"), spans=spans)])])


def json_export(spans: list[PbSpan], service: str = "partial-success") -> dict:
    return {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeSpans": [{"scope": {"name": "hand-built", "version": "1"}, "spans": [{
            "traceId": s.trace_id.hex(), "spanId": s.span_id.hex(), "parentSpanId": s.parent_span_id.hex(),
            "name": s.name, "kind": int(s.kind), "startTimeUnixNano": str(s.start_time_unix_nano),
            "endTimeUnixNano": s.end_time_unix_nano,  # a number: both forms are valid OTLP JSON
            "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}}],
        } for s in spans]}],
    }]}


def random_ids() -> tuple[bytes, bytes, bytes]:
    raw = uuid.uuid4().bytes + uuid.uuid4().bytes
    return raw[:16], raw[16:24], raw[24:32]


def two_good_two_bad() -> tuple[list[PbSpan], bytes]:
    trace_id, root_id, child_id = random_ids()
    start = (time.time_ns() // 1_000_000) * 1_000_000 - 600_000_000_000
    spans = [
        pb_span(trace_id[:8], uuid.uuid4().bytes[:8], "bad: 8-byte trace id", start, start + 1000),
        pb_span(trace_id, root_id, "good root", start, start + 5_000_000),
        pb_span(trace_id, uuid.uuid4().bytes[:8], "bad: ends before it starts", start + 10, start + 5),
        pb_span(trace_id, child_id, "good child", start + 1_000_000, start + 2_000_000, parent=root_id),
    ]
    return spans, trace_id


@pytest.mark.operation(OTLP_TRACES, SEARCH_SPANS, GET_TRACE)
@pytest.mark.parametrize("encoding", [PROTOBUF, JSON])
def test_partial_success_stores_the_valid_spans(http, encoding):
    spans, trace_id = two_good_two_bad()
    before = count(http, "spans")
    if encoding == PROTOBUF:
        r = http.post("/telemetry/v1/traces", data=pb_export(spans).SerializeToString(), headers={"Content-Type": PROTOBUF})
        assert r.status_code == 200, r.content[:300]
        assert r.headers["Content-Type"].startswith(PROTOBUF)
        response = ExportTraceServiceResponse()
        response.ParseFromString(r.content)
        assert response.HasField("partial_success")
        rejected, message = response.partial_success.rejected_spans, response.partial_success.error_message
        assert rejected == 2
    else:
        r = http.post("/telemetry/v1/traces", data=json.dumps(json_export(spans)), headers={"Content-Type": JSON})
        assert r.status_code == 200, r.text[:300]
        assert r.headers["Content-Type"].startswith(JSON)
        partial = r.json()["partialSuccess"]
        assert partial["rejectedSpans"] == "2", "int64 is a string in the OTLP JSON mapping"
        message = partial["errorMessage"]
    assert "trace_id" in message, f"the message names the first rejected span: {message!r}"
    stored = search_all(http, "spans", f"trace_id = '{trace_id.hex()}'")
    assert sorted(s["span_name"] for s in stored) == ["good child", "good root"]
    assert count(http, "spans") == before + 2, "exactly the two valid spans are stored"
    trace = get_trace(http, trace_id.hex())
    assert (trace["span_count"], trace["root_span_name"], trace["duration_ns"]) == (2, "good root", 5_000_000)


@pytest.mark.operation(OTLP_TRACES, OTLP_LOGS)
def test_fully_accepted_exports_answer_an_empty_response(http):
    trace_id, span_id, _ = random_ids()
    start = time.time_ns() - 10_000_000_000
    body = pb_export([pb_span(trace_id, span_id, "fine", start, start + 10)])
    r = http.post("/telemetry/v1/traces", data=body.SerializeToString(), headers={"Content-Type": PROTOBUF})
    assert r.status_code == 200 and r.content == b""
    r = http.post("/telemetry/v1/traces", data=json.dumps(json_export(body.resource_spans[0].scope_spans[0].spans)),
                  headers={"Content-Type": JSON})
    assert r.status_code == 200 and r.json() == {}
    r = http.post("/telemetry/v1/logs", data=b"{}", headers={"Content-Type": JSON})
    assert r.status_code == 200 and r.json() == {}


@pytest.mark.operation(OTLP_TRACES, OTLP_LOGS, OTLP_METRICS)
@pytest.mark.parametrize("signal", ["traces", "logs", "metrics"])
def test_ingest_requires_a_bearer_token(base_url, signal):
    anonymous = HTTP(base_url, None)
    r = anonymous.post(f"/telemetry/v1/{signal}", data=b"", headers={"Content-Type": PROTOBUF})
    assert r.status_code == 401
    r = anonymous.post(f"/telemetry/v1/{signal}", data=b"{}", headers={"Content-Type": JSON, "Authorization": "Bearer "})
    assert r.status_code == 401


# --------------------------------------------------------------------------------------------
# Idempotent re-sends and exporter retries
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(OTLP_TRACES, OTLP_LOGS, GET_TRACE, SEARCH_SPANS, SEARCH_LOGS)
def test_resending_the_same_export_does_not_double_count(http):
    trace_id, root_id, child_id = random_ids()
    start = time.time_ns() - 120_000_000_000
    spans = [pb_span(trace_id, root_id, "root", start, start + 9_000_000),
             pb_span(trace_id, child_id, "child", start + 1_000, start + 2_000, parent=root_id)]
    body = pb_export(spans).SerializeToString()
    spans_before, logs_before = count(http, "spans"), count(http, "logs")
    for _ in range(2):
        r = http.post("/telemetry/v1/traces", data=body, headers={"Content-Type": PROTOBUF})
        assert r.status_code == 200 and r.content == b""
    # The same spans once more in JSON: still the same two rows.
    r = http.post("/telemetry/v1/traces", data=json.dumps(json_export(spans)), headers={"Content-Type": JSON})
    assert r.status_code == 200
    trace = get_trace(http, trace_id.hex())
    # Both spans are chat spans, the child inside the root: one call as an instrumentation's span
    # around the SDK's own, so the trace counts it once.
    assert (trace["span_count"], trace["llm_call_count"]) == (2, 1)
    assert len(search_all(http, "spans", f"trace_id = '{trace_id.hex()}'")) == 2
    assert count(http, "spans") == spans_before + 2

    logs = otlp_hostile.logs_request([
        otlp_hostile.log_record("resend-1", trace_id=trace_id, span_id=root_id, body="first", time_ns=start + 5),
        otlp_hostile.log_record("resend-2", trace_id=trace_id, span_id=child_id, body="second", time_ns=start + 6),
    ])
    for _ in range(3):
        r = http.post("/telemetry/v1/logs", data=logs, headers={"Content-Type": PROTOBUF})
        assert r.status_code == 200 and r.content == b""
    assert len(search_all(http, "logs", f"trace_id = '{trace_id.hex()}'")) == 2
    assert count(http, "logs") == logs_before + 2


@pytest.fixture
def faults(base_url):
    control = HTTP(base_url, None)
    created: list[str] = []

    def add(**rule) -> str:
        r = control.post("/__emulator/faults", json=rule)
        assert r.status_code == 201, r.text
        created.append(r.json()["id"])
        return created[-1]
    yield add
    for fault_id in created:
        control.delete(f"/__emulator/faults/{fault_id}")


def journal(base_url: str, after_id: int) -> list[dict]:
    r = requests.get(base_url + "/__emulator/requests", params={"path_prefix": "/telemetry/v1/traces", "limit": 50}, timeout=10)
    assert r.status_code == 200
    return [e for e in r.json()["requests"] if e["id"] > after_id]


@pytest.mark.operation(OTLP_TRACES, GET_TRACE, SEARCH_SPANS)
def test_exporter_retries_an_injected_503_and_stores_once(base_url, http, token, faults):
    # The raw answer first: a 503 with Retry-After, and nothing stored.
    trace_id, span_id, _ = random_ids()
    start = time.time_ns() - 60_000_000_000
    raw = pb_export([pb_span(trace_id, span_id, "raw", start, start + 10)]).SerializeToString()
    before = count(http, "spans")
    faults(method="POST", path="/telemetry/v1/traces", status=503, count=1)
    r = http.post("/telemetry/v1/traces", data=raw, headers={"Content-Type": PROTOBUF})
    assert r.status_code == 503
    assert r.headers.get("Retry-After", "").strip().isdigit(), r.headers
    assert status_of(r, PROTOBUF)[0] == 14, "an injected fault is a google.rpc.Status UNAVAILABLE too"
    assert count(http, "spans") == before
    r = http.post("/telemetry/v1/traces", data=raw, headers={"Content-Type": PROTOBUF})
    assert r.status_code == 200, "the fault applied once"
    before += 1

    # The real exporter: it backs off (Retry-After) and sends again; the spans land once.
    last = max([e["id"] for e in journal(base_url, -1)] or [0])
    faults(method="POST", path="/telemetry/v1/traces", status=503, count=1)
    recorder = RecordingSpanExporter(span_exporter("proto", base_url, token, timeout=8))
    provider = tracer_provider(recorder, batch=True, service="retry")
    tracer = provider.get_tracer("retry")
    with tracer.start_as_current_span("retried root") as root:
        with tracer.start_as_current_span("retried child", attributes={"gen_ai.operation.name": "chat"}):
            pass
    started = time.monotonic()
    assert provider.force_flush(15_000)
    provider.shutdown()
    assert recorder.results == [SpanExportResult.SUCCESS]
    assert time.monotonic() - started < 8
    attempts = journal(base_url, last)
    assert [e["status"] for e in attempts] == [200, 503], attempts
    tid = hex_trace(root.get_span_context().trace_id)
    assert get_trace(http, tid)["span_count"] == 2
    assert len(search_all(http, "spans", f"trace_id = '{tid}'")) == 2
    assert count(http, "spans") == before + 2


# --------------------------------------------------------------------------------------------
# The hostile corpus
# --------------------------------------------------------------------------------------------

CASES = otlp_hostile.cases()


def status_of(resp: requests.Response, encoding: str) -> tuple[int, str]:
    """The google.rpc.Status of an error response, in the given encoding."""
    content_type = resp.headers.get("Content-Type", "")
    assert content_type.startswith(encoding), f"expected a {encoding} Status, got {content_type}: {resp.content[:300]!r}"
    if encoding == JSON:
        body = resp.json()
        assert set(body) <= {"code", "message", "details"}, body
        assert isinstance(body.get("code"), int) and isinstance(body.get("message"), str), body
        return body["code"], body["message"]
    status = status_pb2.Status()
    status.ParseFromString(resp.content)
    return status.code, status.message


def feed_of(case: otlp_hostile.HostileCase) -> str:
    return "spans" if case.signal == "traces" else "logs"


def check_success_body(resp: requests.Response, case: otlp_hostile.HostileCase) -> None:
    content_type = resp.headers.get("Content-Type", "")
    assert content_type.startswith(case.response_encoding), content_type
    field = "rejected_spans" if case.signal == "traces" else "rejected_log_records"
    if case.response_encoding == PROTOBUF:
        message = ExportTraceServiceResponse() if case.signal == "traces" else ExportLogsServiceResponse()
        message.ParseFromString(resp.content)
        if case.rejected == 0:
            assert resp.content == b"", "a fully accepted export answers an empty response"
            return
        rejected, text = getattr(message.partial_success, field), message.partial_success.error_message
    else:
        body = resp.json()
        if case.rejected == 0:
            assert body == {}, body
            return
        camel = "rejectedSpans" if case.signal == "traces" else "rejectedLogRecords"
        rejected, text = int(body["partialSuccess"][camel]), body["partialSuccess"]["errorMessage"]
        assert isinstance(body["partialSuccess"][camel], str)
    assert rejected == case.rejected
    assert text and (case.message_contains is None or case.message_contains in text), text


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.id, marks=pytest.mark.operation(
        *((OTLP_TRACES, SEARCH_SPANS) if c.signal == "traces" else (OTLP_LOGS, SEARCH_LOGS))))
    for c in CASES
])
def test_hostile_body(base_url, case):
    http = HTTP(base_url, new_token())
    feed = feed_of(case)
    before = count(http, feed)
    r = http.post(case.path, data=case.body, headers=case.headers(), timeout=60)
    assert r.status_code == case.status, f"{case.id}: expected {case.status}, got {r.status_code}: {r.content[:300]!r}"
    if case.status == 200:
        check_success_body(r, case)
        assert count(http, feed) == before + case.stored
        if case.attribute:
            name, key, value = case.attribute
            rows = search_all(http, "spans", f"span_name = '{name}'", page_size=10)
            assert len(rows) == 1
            assert rows[0]["span_attributes"][key] == value, "stored and read back intact"
            assert len(rows[0]["span_attributes"][key]) == len(value)
    else:
        code, message = status_of(r, case.response_encoding)
        assert message, "the Status explains the rejection"
        if case.status == 400:
            assert code == 3, "INVALID_ARGUMENT"
        elif case.status == 413:
            assert code == 8, "RESOURCE_EXHAUSTED"
        assert count(http, feed) == before, f"{case.id}: a rejected body stores nothing"


@pytest.mark.operation(OTLP_TRACES, OTLP_LOGS, GET_TRACE)
def test_server_still_serves_after_the_hostile_corpus(base_url):
    http = HTTP(base_url, new_token())
    for case in CASES:
        r = http.post(case.path, data=case.body, headers=case.headers(), timeout=60)
        assert r.status_code < 500, (case.id, r.status_code)
        # gzip the valid ones too: the same answer whatever the transfer encoding.
        if case.status == 200 and case.content_encoding is None and len(case.body) < 100_000:
            z = http.post(case.path, data=gzip.compress(case.body), timeout=60,
                          headers={**case.headers(), "Content-Encoding": "gzip"})
            assert z.status_code == 200, (case.id, z.content[:300])
    assert requests.get(base_url + "/__emulator/health", timeout=10).status_code == 200
    trace_id, span_id, _ = random_ids()
    start = time.time_ns() - 5_000_000_000
    r = http.post("/telemetry/v1/traces", data=pb_export([pb_span(trace_id, span_id, "after", start, start + 7)]).SerializeToString(),
                  headers={"Content-Type": PROTOBUF})
    assert r.status_code == 200
    assert get_trace(http, trace_id.hex())["root_span_name"] == "after"
