"""Dataset imports from telemetry spans (SDK 3.0+): validation, skipped references,
the mapping contract v1, over raw HTTP (the 2.9.4 SDK of this suite has no such method; the
SDK matrix drives it through 3.0.0 and 3.7.0)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import API, assert_error

OP = "post_dataset_records_from_spans_v1_observability_datasets__dataset_id__imports_from_spans_post"
FIXTURES = Path(__file__).resolve().parent.parent.parent / "Fixtures" / "telemetry" / "traces.json"
CONTRACT = {"version": 1, "mappings": [
    {"target_field": "input", "source_field": {"namespace": "span_attributes", "key": "gen_ai.input.messages"}},
    {"target_field": "env", "source_field": {"namespace": "resource_attributes", "key": "deployment.environment.name"}},
]}


def chat_spans(n: int) -> list[dict]:
    data = json.loads(FIXTURES.read_text())
    found = []
    for rs in data["resourceSpans"]:
        resource = {a["key"]: a["value"].get("stringValue") for a in rs.get("resource", {}).get("attributes", [])}
        for ss in rs["scopeSpans"]:
            for s in ss["spans"]:
                attrs = {a["key"]: a["value"].get("stringValue") for a in s.get("attributes", [])}
                if attrs.get("gen_ai.operation.name") == "chat" and attrs.get("gen_ai.input.messages"):
                    found.append({"trace_id": s["traceId"], "span_id": s["spanId"], "attrs": attrs, "resource": resource})
    return found[:n]


def new_dataset(http) -> str:
    r = http.post(f"{API}/datasets", json={"name": f"spans {time.time_ns()}", "description": "from spans"})
    assert r.status_code in (200, 201), r.text
    return r.json()["id"]


@pytest.mark.operation(OP)
def test_import_maps_visible_spans_and_skips_the_rest(http):
    dataset = new_dataset(http)
    spans = chat_spans(2)
    refs = [{"trace_id": s["trace_id"], "span_id": s["span_id"]} for s in spans] + [{"trace_id": "a" * 32, "span_id": "b" * 16}]
    r = http.post(f"{API}/datasets/{dataset}/imports/from-spans", json={"span_references": refs, "mapping_contract": CONTRACT})
    assert r.status_code == 202, r.text
    task = r.json()
    deadline = time.time() + 30
    while task["status"] == "RUNNING" and time.time() < deadline:
        time.sleep(0.05)
        task = http.get(f"{API}/datasets/{dataset}/tasks/{task['id']}").json()
    assert task["status"] == "COMPLETED", task
    assert task["result"] == {"requested_record_count": 3, "imported_record_count": 2, "skipped_record_count": 1}
    records = http.get(f"{API}/datasets/{dataset}/records?page_size=100").json()["records"]["results"]
    by_span = {r["properties"]["span_id"]: r for r in records}
    assert set(by_span) == {s["span_id"] for s in spans}
    for s in spans:
        record = by_span[s["span_id"]]
        assert record["source"] == "TELEMETRY_SPAN"
        assert record["payload"]["input"] == json.loads(s["attrs"]["gen_ai.input.messages"])
        env = s["resource"].get("deployment.environment.name")
        assert record["payload"].get("env") == env if env else "env" not in record["payload"]


@pytest.mark.operation(OP)
@pytest.mark.parametrize("body, status, fragment", [
    ({"mapping_contract": CONTRACT}, 422, "span_references"),
    ({"span_references": [{"trace_id": "a" * 32}], "mapping_contract": CONTRACT}, 422, "span_references[0].span_id"),
    ({"span_references": []}, 422, "mapping_contract"),
    ({"span_references": [], "mapping_contract": {"version": 2, "mappings": []}}, 422, "version"),
    ({"span_references": [], "mapping_contract": {"mappings": [{"target_field": "x", "source_field": {"namespace": "logs", "key": "k"}}]}}, 422,
     "mapping_contract.mappings[0].source_field.namespace"),
    ({"span_references": [{"trace_id": "a" * 32, "span_id": "b" * 16}] * 1001, "mapping_contract": CONTRACT}, 400, "at most 1000"),
])
def test_invalid_imports_are_refused_and_start_nothing(http, body, status, fragment):
    dataset = new_dataset(http)
    assert_error(http.post(f"{API}/datasets/{dataset}/imports/from-spans", json=body), status, contains=fragment)
    assert http.get(f"{API}/datasets/{dataset}/tasks").json()["tasks"]["count"] == 0


@pytest.mark.operation(OP)
def test_unknown_dataset_is_404(http):
    r = http.post(f"{API}/datasets/no-such-dataset/imports/from-spans", json={"span_references": [], "mapping_contract": CONTRACT})
    assert_error(r, 404, "DATASET_NOT_FOUND")
