"""Telemetry through the SDK: traces, spans, logs and span evaluations (search, get, fields,
options, aggregates) over the seeded fixtures, and the SDK's own `configure_telemetry` sending
its spans to the emulator, found again with `traces.search`.

Expectations are computed here from `Fixtures/telemetry/*.json` (the OTLP exports the emulator
seeds), not read back from the emulator.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import math
import os

import pytest
from mistralai.client import errors

from helpers import FIXTURES, error_of

AGENT_TRACE = "2e0d30e831398c7ffcb32658c1bb4f59"
FAILED_TRACE = "86b55df41c465ef08ebf182fc89e0c7f"


def _value(v: dict):
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in v:
            return v[key]
    if "intValue" in v:
        return int(v["intValue"])
    if "arrayValue" in v:
        return [_value(x) for x in v["arrayValue"].get("values", [])]
    return None


def fixture_spans() -> list[dict]:
    data = json.loads((FIXTURES / "telemetry" / "traces.json").read_text())
    spans = []
    for rs in data["resourceSpans"]:
        resource = {a["key"]: _value(a["value"]) for a in rs.get("resource", {}).get("attributes", [])}
        for ss in rs["scopeSpans"]:
            for s in ss["spans"]:
                attrs = {a["key"]: _value(a["value"]) for a in s.get("attributes", [])}
                spans.append({"trace_id": s["traceId"], "span_id": s["spanId"], "parent": s.get("parentSpanId", ""),
                              "name": s["name"], "start": int(s["startTimeUnixNano"]), "end": int(s["endTimeUnixNano"]),
                              "service": resource.get("service.name", ""), "attrs": attrs,
                              "error": s.get("status", {}).get("code") == 2})
    return spans


def fixture_logs() -> list[dict]:
    data = json.loads((FIXTURES / "telemetry" / "logs.json").read_text())
    logs = []
    for rl in data["resourceLogs"]:
        for sl in rl["scopeLogs"]:
            for r in sl["logRecords"]:
                attrs = {a["key"]: _value(a["value"]) for a in r.get("attributes", [])}
                logs.append({"event": r.get("eventName") or attrs.get("event.name", ""), "attrs": attrs,
                             "severity": r.get("severityText", ""), "trace_id": r.get("traceId", ""), "span_id": r.get("spanId", "")})
    return logs


def evaluations() -> list[dict]:
    return [log for log in fixture_logs() if log["event"] == "gen_ai.evaluation.result"]


# --------------------------------------------------------------------------------------------
# Traces
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("traces.search")
def test_search_traces_pages_through_every_trace_once(obs):
    expected = {s["trace_id"] for s in fixture_spans()}
    seen, cursor, starts = [], None, []
    while True:
        res = obs.traces.search(page_size=17, cursor=cursor)
        seen += [t.trace_id for t in res.traces.results]
        starts += [t.start_time for t in res.traces.results]
        cursor = res.traces.cursor
        if cursor is None:
            assert res.traces.next is None
            break
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    assert starts == sorted(starts, reverse=True)
    assert all(isinstance(s, dt.datetime) and s.tzinfo is not None for s in starts)


@pytest.mark.sdk_method("traces.search", "traces.get_trace_by_id")
def test_search_traces_with_an_expression_and_read_one(obs):
    spans = [s for s in fixture_spans() if s["trace_id"] == AGENT_TRACE]
    res = obs.traces.search(search_expression=f"trace_id = '{AGENT_TRACE}' AND tool_call_count > 2", page_size=5)
    assert [t.trace_id for t in res.traces.results] == [AGENT_TRACE]
    trace = obs.traces.get_trace_by_id(trace_id=AGENT_TRACE)
    assert trace.span_count == len(spans)
    assert trace.tool_call_count == sum(1 for s in spans if s["attrs"].get("gen_ai.operation.name") == "execute_tool")
    assert trace.llm_call_count == sum(1 for s in spans if s["attrs"].get("gen_ai.operation.name") == "chat")
    assert trace.root_span_name == next(s["name"] for s in spans if not s["parent"])
    assert trace.input_tokens == sum(s["attrs"].get("gen_ai.usage.input_tokens", 0) for s in spans)
    tools = []
    for s in sorted(spans, key=lambda s: (s["start"], s["span_id"])):
        name = s["attrs"].get("gen_ai.tool.name")
        if name and name not in tools:
            tools.append(name)
    assert trace.tools_used == tools
    assert trace.duration_ns == max(s["end"] for s in spans) - min(s["start"] for s in spans)
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.traces.get_trace_by_id(trace_id="0" * 32)
    assert error_of(exc)[:2] == (404, "TRACE_NOT_FOUND")


@pytest.mark.sdk_method("traces.get_trace_spans", "traces.get_span_by_id")
def test_a_traces_spans_oldest_first_and_one_span(obs):
    spans = sorted((s for s in fixture_spans() if s["trace_id"] == AGENT_TRACE), key=lambda s: (s["start"], s["span_id"]))
    got, cursor = [], None
    while True:
        page = obs.traces.get_trace_spans(trace_id=AGENT_TRACE, page_size=4, cursor=cursor)
        got += page.spans.results
        cursor = page.spans.cursor
        if cursor is None:
            break
    assert [s.span_id for s in got] == [s["span_id"] for s in spans]
    tool = next(s for s in spans if s["attrs"].get("gen_ai.operation.name") == "execute_tool")
    span = obs.traces.get_span_by_id(trace_id=AGENT_TRACE, span_id=tool["span_id"])
    assert (span.span_name, span.operation_name, span.tool_name) == (tool["name"], "execute_tool", tool["attrs"]["gen_ai.tool.name"])
    assert span.span_attributes["gen_ai.tool.name"] == tool["attrs"]["gen_ai.tool.name"]
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.traces.get_span_by_id(trace_id=AGENT_TRACE, span_id="0" * 16)
    assert error_of(exc)[:2] == (404, "SPAN_NOT_FOUND")


@pytest.mark.sdk_method("traces.get_trace_fields", "traces.fetch_options")
def test_trace_fields_and_options(obs):
    fields = {f.name: f for f in obs.traces.get_trace_fields().field_definitions}
    assert fields["status_code"].type == "ENUM" and "eq" in fields["status_code"].supported_operators
    assert fields["duration_ns"].type == "INT" and "p99" in fields["duration_ns"].supported_aggregations
    assert fields["error_message"].type == "TEXT" and fields["span_attributes"].type == "MAP"
    services = sorted({s["service"] for s in fixture_spans() if not s["parent"]} | {s["service"] for s in fixture_spans()})
    options = obs.traces.fetch_options(field_name="service_name").options
    assert set(options) <= set(services) and options == sorted(options) and len(options) >= 4
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.traces.fetch_options(field_name="duration_ns")
    assert error_of(exc)[:2] == (400, "FIELDS_BAD_REQUEST")


@pytest.mark.sdk_method("traces.aggregate")
def test_trace_aggregate_counts_by_service(obs):
    res = obs.traces.aggregate(metric={"measure": "trace_id", "aggregation": "count"}, dimensions=["status_code"])
    by_status = {row.dimensions["status_code"]: row.metric_value for row in res.data}
    traces = collections.defaultdict(list)
    for s in fixture_spans():
        traces[s["trace_id"]].append(s)
    errors_ = sum(1 for spans in traces.values() if any(s["error"] for s in spans))
    assert by_status == {"Error": errors_, "Unset": len(traces) - errors_}
    assert all(row.metric_name == "count(trace_id)" for row in res.data)


# --------------------------------------------------------------------------------------------
# Spans
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("spans.search_spans")
def test_search_spans_by_model_and_attribute(obs):
    spans = fixture_spans()
    expected = {s["span_id"] for s in spans if s["attrs"].get("gen_ai.request.model") == "mistral-large-latest"
                and s["attrs"].get("gen_ai.operation.name") == "chat"}
    got, cursor = set(), None
    while True:
        res = obs.spans.search_spans(search_expression="request_model = 'mistral-large-latest' AND span_attributes['gen_ai.operation.name'] = 'chat'",
                                     page_size=50, cursor=cursor)
        got |= {s.span_id for s in res.spans.results}
        cursor = res.spans.cursor
        if cursor is None:
            break
    assert got == expected and expected
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.spans.search_spans(search_expression="request_model = ")
    status, code, message = error_of(exc)
    assert (status, code) == (400, "TRACES_FILTER_QUERY_PARSE_ERROR") and "column 17" in message


@pytest.mark.sdk_method("spans.list_span_fields", "spans.fetch_span_field_options")
def test_span_fields_and_options(obs):
    fields = {f.name: f for f in obs.spans.list_span_fields().field_definitions}
    assert fields["request_model"].type == "ENUM"
    if hasattr(fields["request_model"], "source_attribute_key"):
        assert fields["request_model"].source_attribute_key == "gen_ai.request.model"
    models = sorted({s["attrs"]["gen_ai.request.model"] for s in fixture_spans() if s["attrs"].get("gen_ai.request.model")})
    assert obs.spans.fetch_span_field_options(field_name="request_model").options == models
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.spans.fetch_span_field_options(field_name="no_such_field")
    assert error_of(exc)[:2] == (404, "FIELDS_NOT_FOUND")


@pytest.mark.sdk_method("spans.aggregate")
def test_span_aggregate_p90_duration_by_model(obs):
    res = obs.spans.aggregate(metric={"measure": "duration_ns", "aggregation": "p90"}, dimensions=["request_model"],
                              search_expression="operation_name = 'chat'", order_by=[{"field": "request_model", "direction": "asc"}])
    durations = collections.defaultdict(list)
    for s in fixture_spans():
        if s["attrs"].get("gen_ai.operation.name") == "chat":
            durations[s["attrs"].get("gen_ai.request.model", "")].append(s["end"] - s["start"])
    expected = {}
    for model, values in durations.items():
        values.sort()
        expected[model] = values[math.ceil(0.9 * len(values)) - 1]
    assert {row.dimensions["request_model"]: row.metric_value for row in res.data} == pytest.approx(expected)
    assert [row.dimensions["request_model"] for row in res.data] == sorted(expected)


@pytest.mark.sdk_method("spans.search_span_evaluations", "spans.search_latest_span_evaluations")
def test_span_evaluations_all_and_latest(obs):
    evals = evaluations()
    res = obs.spans.search_span_evaluations(page_size=100)
    assert len(res.span_evaluations.results) == len(evals)
    keys = {(e["trace_id"], e["span_id"], e["attrs"]["gen_ai.evaluation.name"]) for e in evals}
    latest = obs.spans.search_latest_span_evaluations(page_size=100).span_evaluations.results
    assert len(latest) == len(keys) < len(evals)
    names = collections.Counter(e["attrs"]["gen_ai.evaluation.name"] for e in evals)
    name, count = names.most_common(1)[0]
    filtered = obs.spans.search_span_evaluations(search_expression=f"evaluation_name = '{name}'", page_size=100).span_evaluations.results
    assert len(filtered) == count and all(isinstance(r.score_value, float) for r in filtered)


@pytest.mark.sdk_method("spans.list_span_eval_fields", "spans.fetch_span_eval_field_options")
def test_span_evaluation_fields_and_options(obs):
    fields = {f.name: f.type for f in obs.spans.list_span_eval_fields().field_definitions}
    assert fields["score_value"] == "FLOAT" and fields["evaluation_name"] == "ENUM" and fields["metadata"] == "MAP"
    names = sorted({e["attrs"]["gen_ai.evaluation.name"] for e in evaluations()})
    assert obs.spans.fetch_span_eval_field_options(field_name="evaluation_name").options == names


@pytest.mark.sdk_method("spans.aggregate_span_evaluations")
def test_span_evaluation_aggregate_average_score(obs):
    res = obs.spans.aggregate_span_evaluations(metric={"measure": "score_value", "aggregation": "avg"}, dimensions=["evaluation_name"])
    scores = collections.defaultdict(list)
    for e in evaluations():
        scores[e["attrs"]["gen_ai.evaluation.name"]].append(float(e["attrs"].get("gen_ai.evaluation.score.value", 0)))
    assert {r.dimensions["evaluation_name"]: r.metric_value for r in res.data} == \
        pytest.approx({k: sum(v) / len(v) for k, v in scores.items()})


# --------------------------------------------------------------------------------------------
# Logs
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("logs.search")
def test_search_logs_oldest_first_by_severity(obs):
    logs = fixture_logs()
    errors_ = [log for log in logs if log["severity"] == "ERROR"]
    res = obs.logs.search(search_expression="severity_text = 'ERROR'", order="asc", page_size=100)
    results = res.logs.results
    assert len(results) == len(errors_) > 0
    assert [r.timestamp for r in results] == sorted(r.timestamp for r in results)
    assert all(r.severity_text == "ERROR" for r in results)


@pytest.mark.sdk_method("logs.list", "logs.fetch_options")
def test_log_fields_and_options(obs):
    fields = {f.name: f.type for f in obs.logs.list().field_definitions}
    assert fields["severity_text"] == "ENUM" and fields["log_attributes"] == "MAP" and fields["timestamp"] == "TIMESTAMP"
    assert obs.logs.fetch_options(field_name="severity_text").options == sorted({log["severity"] for log in fixture_logs() if log["severity"]})


# --------------------------------------------------------------------------------------------
# The SDK's own telemetry, sent to the emulator
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("traces.search")
def test_configure_telemetry_sends_the_sdks_spans_to_the_emulator(base_url, token, monkeypatch):
    """configure_telemetry(client) with MISTRAL_OTLP_TRACES_ENDPOINT at the emulator: the SDK's
    spans for its own observability calls arrive through OTLP/protobuf and are searchable."""
    from mistralai.client import Mistral
    from mistralai.extra.observability import telemetry

    monkeypatch.setenv("MISTRAL_OTLP_TRACES_ENDPOINT", f"{base_url}/telemetry/v1/traces")
    client = Mistral(api_key=token, server_url=base_url)
    assert telemetry.configure_telemetry(client, redaction=False)
    client.beta.observability.judges.list()
    client.beta.observability.traces.get_trace_fields()
    provider = telemetry._get_tracing_hook(client.sdk_configuration._hooks).tracer_provider
    assert provider.force_flush(10_000)
    try:
        _find_the_sdks_own_spans(client)
    finally:
        # Flush the spans of the searches too, while the emulator is up (not at interpreter exit).
        provider.shutdown()


def _find_the_sdks_own_spans(client):
    res = client.beta.observability.traces.search(search_expression="service_name = 'mistralai_sdk' AND start_time > '2026-11-28T00:00:00Z'",
                                                  page_size=50)
    # Seeded fixtures end before 2026-11-28: these traces are the SDK's own, in this workspace.
    assert len(res.traces.results) >= 2
    spans = client.beta.observability.spans.search_spans(search_expression="service_name = 'mistralai_sdk' AND start_time > '2026-11-28T00:00:00Z'",
                                                         page_size=50).spans.results
    names = " ".join(s.span_name + " " + json.dumps(s.span_attributes) for s in spans)
    assert "judges" in names and "fields" in names
    assert all(s.scope_name for s in spans)


# --------------------------------------------------------------------------------------------
# Dataset imports from spans (3.0+)
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("datasets.import_from_spans", "datasets.fetch_task")
def test_import_spans_into_a_dataset_with_the_mapping_contract(obs, http):
    from helpers import import_result, wait_task
    from test_datasets import all_records, new_dataset

    chats = [s for s in fixture_spans() if s["attrs"].get("gen_ai.operation.name") == "chat"
             and isinstance(s["attrs"].get("gen_ai.input.messages"), str)][:3]
    assert len(chats) == 3
    d = new_dataset(obs)
    references = [{"trace_id": s["trace_id"], "span_id": s["span_id"]} for s in chats]
    references.append({"trace_id": "f" * 32, "span_id": "e" * 16})  # not visible: skipped, not an error
    contract = {"version": 1, "mappings": [
        {"target_field": "messages", "source_field": {"namespace": "span_attributes", "key": "gen_ai.input.messages"}},
        {"target_field": "model", "source_field": {"namespace": "span_attributes", "key": "gen_ai.request.model"}},
        {"target_field": "service", "source_field": {"namespace": "resource_attributes", "key": "service.name"}},
        {"target_field": "absent", "source_field": {"namespace": "span_attributes", "key": "no.such.attribute"}},
    ]}
    task = obs.datasets.import_from_spans(dataset_id=str(d.id), span_references=references, mapping_contract=contract)
    done = wait_task(obs, d.id, task.id)
    assert done.status == "COMPLETED", done.message
    assert import_result(obs, http, done) == {"requested_record_count": 4, "imported_record_count": 3, "skipped_record_count": 1}
    records = {r.properties["span_id"]: r for r in all_records(obs, d.id)}
    assert set(records) == {s["span_id"] for s in chats}
    for span in chats:
        record = records[span["span_id"]]
        assert record.source == "TELEMETRY_SPAN" and record.properties["trace_id"] == span["trace_id"]
        assert record.payload["messages"] == json.loads(span["attrs"]["gen_ai.input.messages"])  # a JSON string becomes structure
        assert record.payload["model"] == span["attrs"]["gen_ai.request.model"]
        assert record.payload["service"] == span["service"]
        assert "absent" not in record.payload
