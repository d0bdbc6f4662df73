"""Online evaluation pipelines: pipelines (3.0+), standalone pipeline configs (2.10 – 3.1)
and the pipeline-results feed (3.2+), over raw HTTP with OTLP/JSON exports.

What each judge answers is computed here from the judge's own rules and the spans' texts; which
spans a sampling admits from the documented hash (FNV-1a 64-bit, `hash % 10000 / 100 <
percentage`), never read back from the emulator.
"""

from __future__ import annotations

import concurrent.futures
import json
import re
import signal
import subprocess
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from conftest import API, HTTP, assert_error, classification_output, emulator_binary, judge_body, new_token
from telemetry_support import ns_of

# operationIds (docs/openapi.yaml)
CREATE = "create_pipeline_v1_observability_pipelines_post"
LIST = "list_pipelines_v1_observability_pipelines_get"
GET = "get_pipeline_v1_observability_pipelines__pipeline_id__get"
UPDATE = "update_pipeline_v1_observability_pipelines__pipeline_id__put"
DELETE = "delete_pipeline_v1_observability_pipelines__pipeline_id__delete"
RESULTS = "search_pipeline_results_v1_observability_pipeline_results_search_post"
CFG_CREATE = "create_pipeline_config_v1_observability_pipeline_configs_post"
CFG_LIST = "list_pipeline_configs_v1_observability_pipeline_configs_get"
CFG_GET = "get_pipeline_config_v1_observability_pipeline_configs__pipeline_config_id__get"
CFG_UPDATE = "update_pipeline_config_v1_observability_pipeline_configs__pipeline_config_id__put"
CFG_DELETE = "delete_pipeline_config_v1_observability_pipeline_configs__pipeline_config_id__delete"
SEARCH_EVALUATIONS = "search_span_evaluations_v1_observability_spans_evaluations_search_post"
CREATE_JUDGE = "create_judge_v1_observability_judges_post"
UPDATE_JUDGE = "update_judge_v1_observability_judges__judge_id__put"
OTLP_TRACES = "emulator_otlp_traces"

PIPELINES = f"{API}/pipelines"
CONFIGS = f"{API}/pipeline-configs"
RESULTS_PATH = f"{API}/pipeline-results/search"

REFUND_RULES = 'Is the refund question handled?\nwhen assistant icontains "refund" -> good\notherwise -> poor'
TIER_RULES = 'Gold customers first.\nwhen properties.tier equals "gold" -> good\notherwise -> poor'
BASE_NS = 1_760_000_000_000_000_000  # 2025-10-09T08:53:20Z
EXPORT_DEFINITION = {"destination": {"protocol": "http/protobuf", "endpoint": "https://collector.example/v1/traces"}}
DETECTION_DEFINITION = {"target_attributes": ["gen_ai.output.messages"],
                        "patterns": [{"name": "card", "regex": "[0-9]{16}", "category": "pii", "confidence": "high"}]}
MODERATION_DEFINITION = {"target_attributes": ["gen_ai.output.messages"]}


# --------------------------------------------------------------------------------------------
# Oracles
# --------------------------------------------------------------------------------------------

def slug_of(name: str) -> str:
    """Lower case; each run of characters other than ASCII letters and digits becomes one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def fnv_point(key: str) -> float:
    h = 0xcbf29ce484222325
    for b in key.encode():
        h ^= b
        h = (h * 0x100000001b3) % (1 << 64)
    return (h % 10_000) / 100


def refund_label(answer: str) -> str:
    return "good" if "refund" in answer.lower() else "poor"


# --------------------------------------------------------------------------------------------
# OTLP/JSON spans
# --------------------------------------------------------------------------------------------

def new_ids() -> tuple[str, str]:
    return uuid.uuid4().hex, uuid.uuid4().hex[:16]


def chat_span(trace_id: str, span_id: str, user: str, assistant: str | None, *, start_ns: int = BASE_NS,
              end_ns: int | None = None, name: str = "chat mistral-small-latest", operation: str = "chat",
              **attributes: str) -> dict:
    attrs = {"gen_ai.operation.name": operation, "gen_ai.request.model": "mistral-small-latest",
             "gen_ai.input.messages": json.dumps([{"role": "user", "parts": [{"type": "text", "content": user}]}])}
    if assistant is not None:
        attrs["gen_ai.output.messages"] = json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": assistant}]}])
    attrs.update(attributes)
    return {"traceId": trace_id, "spanId": span_id, "name": name, "kind": 1,
            "startTimeUnixNano": str(start_ns), "endTimeUnixNano": str(end_ns if end_ns is not None else start_ns + 250_000_000),
            "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in attrs.items()]}


def export(http: HTTP, *spans: dict) -> None:
    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "support-bot"}}]},
                               "scopeSpans": [{"scope": {"name": "pipeline-tests"}, "spans": list(spans)}]}]}
    r = http.post("/telemetry/v1/traces", json=body)
    assert r.status_code == 200, r.text[:500]
    assert "partialSuccess" not in r.json() or not r.json()["partialSuccess"].get("rejectedSpans"), r.text


def evaluations(http: HTTP, name: str) -> dict[tuple[str, str], dict]:
    """The span evaluations named `name`, by (trace_id, span_id); fails on duplicates."""
    r = http.post(f"{API}/spans/evaluations/search", params={"page_size": 100},
                  json={"search_expression": f"evaluation_name = '{name}'"})
    assert r.status_code == 200, r.text[:500]
    page = r.json()["span_evaluations"]
    assert page["cursor"] is None
    rows = {}
    for row in page["results"]:
        key = (row["trace_id"], row["span_id"])
        assert key not in rows, f"two evaluations {name} of {key}"
        rows[key] = row
    return rows


# --------------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------------

def make_judge(http: HTTP, name: str, instructions: str = REFUND_RULES, output: dict | None = None) -> dict:
    r = http.post(f"{API}/judges", json=judge_body(name, instructions=instructions,
                                                   output=output or classification_output("good", "poor")))
    assert r.status_code == 201, r.text[:500]
    return r.json()


def make_pipeline(http: HTTP, name: str, definitions: list[dict], selectors: list[dict] | None = None, **extra) -> dict:
    body = {"name": name, "selectors": selectors if selectors is not None else [{"source_kind": "span", "filter": None}],
            "definitions": definitions, **extra}
    r = http.post(PIPELINES, json=body)
    assert r.status_code == 201, r.text[:500]
    return r.json()


def all_pipelines(http: HTTP) -> list[dict]:
    r = http.get(PIPELINES, params={"page_size": 100})
    assert r.status_code == 200, r.text[:500]
    return r.json()["pipelines"]["results"]


def all_configs(http: HTTP) -> list[dict]:
    r = http.get(CONFIGS, params={"page_size": 100})
    assert r.status_code == 200, r.text[:500]
    return r.json()["pipeline_configs"]["results"]


PIPELINE_KEYS = {"id", "created_at", "updated_at", "workspace_id", "name", "slug", "description", "selectors", "enabled",
                 "creator_id", "pipeline_configs"}
CONFIG_KEYS = {"id", "created_at", "updated_at", "deleted_at", "scope", "workspace_id", "name", "slug", "pipeline_kind",
               "selectors", "enabled", "definition", "sampling", "scorer_slug", "scorer_version"}
MS_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


# --------------------------------------------------------------------------------------------
# Pipelines: CRUD
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(CREATE, GET, CREATE_JUDGE, UPDATE_JUDGE)
def test_create_pipeline_freezes_each_judge_into_a_config(http):
    refund = make_judge(http, "Refund Judge!")
    numeric = make_judge(http, "Score 0-10", instructions='when assistant icontains "refund" -> 7.5\notherwise -> 1',
                         output={"type": "REGRESSION", "min": 0, "max": 10, "min_description": "bad", "max_description": "great"})
    # Two revisions more: the numeric judge is at revision 3.
    for text in ("otherwise -> 2", "otherwise -> 3"):
        body = judge_body("Score 0-10", instructions=text,
                          output={"type": "REGRESSION", "min": 0, "max": 10, "min_description": "bad", "max_description": "great"})
        r = http.put(f"{API}/judges/{numeric['id']}", json=body)
        assert r.status_code == 204, r.text
        numeric = http.get(f"{API}/judges?page_size=100").json()["judges"]["results"]
        numeric = next(j for j in numeric if j["name"] == "Score 0-10")

    created = http.post(PIPELINES, json={
        "name": "Support Answers (EU)", "description": "refunds",
        "selectors": [{"source_kind": "span", "filter": "operation_name = 'chat'"}],
        "definitions": [
            {"slug": "refund-judge", "mapping": {"tier": "app.tier"}, "sampling": {"type": "probabilistic", "percentage": 40}},
            {"slug": numeric["id"]},  # by id
        ]})
    assert created.status_code == 201, created.text
    p = created.json()
    assert PIPELINE_KEYS <= set(p), set(p) ^ PIPELINE_KEYS
    uuid.UUID(p["id"])
    assert p["name"] == "Support Answers (EU)" and p["slug"] == "support-answers-eu" == slug_of(p["name"])
    assert p["description"] == "refunds" and p["enabled"] is True
    assert p["selectors"] == [{"source_kind": "span", "filter": "operation_name = 'chat'"}]
    assert p["workspace_id"] == refund["workspace_id"] and p["creator_id"] == refund["owner_id"]
    assert MS_INSTANT.match(p["created_at"]) and p["updated_at"] == p["created_at"]

    first, second = p["pipeline_configs"]
    for c in (first, second):
        assert CONFIG_KEYS <= set(c), set(c) ^ CONFIG_KEYS
        assert c["pipeline_kind"] == "judge-v1" and c["enabled"] is True and c["deleted_at"] is None
        assert c["workspace_id"] == p["workspace_id"] and c["selectors"] == p["selectors"]
    assert first["slug"] == "support-answers-eu-refund-judge"
    assert (first["scorer_slug"], first["scorer_version"]) == ("refund-judge", 1)
    d = first["definition"]
    assert (d["model"], d["prompt"], d["mapping"]) == ("mistral-large-latest", REFUND_RULES, {"tier": "app.tier"})
    assert d["result_spec"] == {"type": "categorical", "labels": ["good", "poor"]}
    assert first["sampling"] == {"type": "probabilistic", "percentage": 40}

    assert second["slug"] == "support-answers-eu-score-0-10"
    assert (second["scorer_slug"], second["scorer_version"]) == ("score-0-10", 3)
    assert second["definition"]["prompt"] == "otherwise -> 3"
    assert second["definition"]["result_spec"] == {"type": "numeric", "min": 0, "max": 10}
    assert second["definition"].get("mapping") in (None, {})

    got = http.get(f"{PIPELINES}/{p['id']}")
    assert got.status_code == 200 and got.json() == p

    # Same slug base, other names: -2, -3; the configs follow the pipeline's slug.
    again = make_pipeline(http, "support answers eu", [{"slug": "refund-judge"}])
    third = make_pipeline(http, "Support-Answers-EU!", [{"slug": "refund-judge"}])
    assert (again["slug"], third["slug"]) == ("support-answers-eu-2", "support-answers-eu-3")
    assert again["pipeline_configs"][0]["slug"] == "support-answers-eu-2-refund-judge"
    assert again["pipeline_configs"][0]["sampling"] is None  # no sampling: every matching span


@pytest.mark.operation(CREATE, GET)
def test_long_pipeline_names_give_slugs_of_at_most_64_characters(http):
    """A pipeline's slug is made from its name as dataset slugs are (at most 64
    characters, trimmed). Pipeline names have no length limit, so the cut is reachable here."""
    make_judge(http, "Refund judge")
    name = "abcdefg " * 12  # the 64-character cut falls right after a separator
    first = make_pipeline(http, name, [{"slug": "refund-judge"}])
    want = slug_of(name)[:64].strip("-")
    assert want == "-".join(["abcdefg"] * 8) and len(want) == 63
    assert first["slug"] == want, (first["slug"], len(first["slug"]))
    second = make_pipeline(http, name + "!", [{"slug": "refund-judge"}])
    assert len(second["slug"]) <= 64 and second["slug"].endswith("-2") and second["slug"] != first["slug"]
    assert http.get(f"{PIPELINES}/{first['id']}").json()["slug"] == first["slug"]


@pytest.mark.operation(CREATE, LIST)
def test_create_pipeline_errors_change_nothing(http):
    make_judge(http, "Refund judge")
    ok = {"name": "Errors", "selectors": [{"source_kind": "span", "filter": None}], "definitions": [{"slug": "refund-judge"}]}
    make_pipeline(http, ok["name"], ok["definitions"])
    before = all_pipelines(http)

    def post(**changes):
        return http.post(PIPELINES, json={**ok, "name": "Another", **changes})

    assert_error(http.post(PIPELINES, json=ok), 409, "PIPELINE_ALREADY_EXISTS", contains="name")
    assert_error(post(definitions=[{"slug": "refund-judge"}, {"slug": "no-such-judge"}]), 404, "SCORER_NOT_FOUND",
                 contains="definitions[1].slug")
    detail = assert_error(post(selectors=[{"source_kind": "span"}, {"source_kind": "span", "filter": "span_name = = 'x'"}]), 400,
                          "TRACES_FILTER_QUERY_PARSE_ERROR")
    assert detail["message"].startswith("selectors[1].filter:") and "column" in detail["message"], detail
    detail = assert_error(post(selectors=[{"source_kind": "span", "filter": "no_such_field = 'x'"}]), 400, "SEARCH_BAD_REQUEST")
    assert detail["message"].startswith("selectors[0].filter:") and "no_such_field" in detail["message"], detail
    assert_error(post(selectors=[{"source_kind": "span", "filter": "duration_ns > 'long'"}]), 400, "SEARCH_BAD_REQUEST",
                 contains="selectors[0].filter")
    assert_error(post(selectors=[{"source_kind": "trace"}]), 422, "VALIDATION_ERROR", contains="selectors[0].source_kind")
    assert_error(post(selectors=[{"filter": None}]), 422, "VALIDATION_ERROR", contains="selectors[0].source_kind")
    assert_error(post(definitions=[{"slug": "refund-judge", "sampling": {"type": "probabilistic", "percentage": 100.5}}]), 422,
                 "VALIDATION_ERROR", contains="definitions[0].sampling.percentage")
    assert_error(post(definitions=[{"slug": "refund-judge", "sampling": {"type": "probabilistic", "percentage": -1}}]), 422,
                 "VALIDATION_ERROR", contains="definitions[0].sampling.percentage")
    assert_error(post(definitions=[{"slug": "refund-judge", "sampling": {"type": "attribute_hash", "percentage": 5}}]), 422,
                 "VALIDATION_ERROR", contains="definitions[0].sampling.attribute")
    assert_error(post(definitions=[{"slug": "refund-judge", "sampling": {"type": "reservoir", "percentage": 5}}]), 422,
                 "VALIDATION_ERROR", contains="definitions[0].sampling.type")
    assert_error(post(definitions=[{"slug": "refund-judge", "mapping": {"tier": 3}}]), 422, "VALIDATION_ERROR",
                 contains="definitions[0].mapping")
    assert_error(post(definitions=[{"mapping": {}}]), 422, "VALIDATION_ERROR", contains="definitions[0].slug")
    assert_error(post(name=5), 422, "VALIDATION_ERROR", contains="name")
    assert_error(post(enabled="yes"), 422, "VALIDATION_ERROR", contains="enabled")
    assert_error(post(selectors="span"), 422, "VALIDATION_ERROR", contains="selectors")
    for field in ("name", "selectors", "definitions"):
        body = {k: v for k, v in {**ok, "name": "Another"}.items() if k != field}
        assert_error(http.post(PIPELINES, json=body), 422, "VALIDATION_ERROR", contains=field)
    assert_error(http.post(PIPELINES, data="{not json", headers={"Content-Type": "application/json"}), 422, "VALIDATION_ERROR")

    assert all_pipelines(http) == before


@pytest.mark.operation(LIST)
def test_list_pipelines_filters_and_pages(http):
    make_judge(http, "Refund judge")
    made = [make_pipeline(http, f"List pipeline {i}", [{"slug": "refund-judge"}], enabled=(i % 2 == 0),
                          description="the odd one" if i == 3 else None) for i in range(5)]
    newest_first = [p["id"] for p in reversed(made)]

    body = http.get(PIPELINES).json()["pipelines"]
    assert body["count"] == 5 and [p["id"] for p in body["results"]] == newest_first
    assert body["next"] is None and body["previous"] is None
    assert body["results"][0] == http.get(f"{PIPELINES}/{made[-1]['id']}").json()

    on = http.get(PIPELINES, params={"enabled": "true"}).json()["pipelines"]
    off = http.get(PIPELINES, params={"enabled": "false"}).json()["pipelines"]
    assert [p["id"] for p in on["results"]] == [made[i]["id"] for i in (4, 2, 0)] and on["count"] == 3
    assert [p["id"] for p in off["results"]] == [made[i]["id"] for i in (3, 1)] and off["count"] == 2

    assert [p["id"] for p in http.get(PIPELINES, params={"q": "PIPELINE 2"}).json()["pipelines"]["results"]] == [made[2]["id"]]
    assert [p["id"] for p in http.get(PIPELINES, params={"q": "ODD"}).json()["pipelines"]["results"]] == [made[3]["id"]]
    assert http.get(PIPELINES, params={"q": "nothing like it"}).json()["pipelines"]["count"] == 0

    page2 = http.get(PIPELINES, params={"page_size": 2, "page": 2}).json()["pipelines"]
    assert page2["count"] == 5 and [p["id"] for p in page2["results"]] == newest_first[2:4]
    assert page2["next"] and page2["previous"]
    q = parse_qs(urlsplit(page2["next"]).query)
    assert q["page"] == ["3"] and q["page_size"] == ["2"]
    assert [p["id"] for p in http.get(page2["next"]).json()["pipelines"]["results"]] == newest_first[4:]
    assert [p["id"] for p in http.get(page2["previous"]).json()["pipelines"]["results"]] == newest_first[:2]
    assert http.get(PIPELINES, params={"page_size": 0}).json()["pipelines"]["results"] == []

    assert_error(http.get(PIPELINES, params={"page_size": 101}), 422, "VALIDATION_ERROR", contains="page_size")
    assert_error(http.get(PIPELINES, params={"page": 0}), 422, "VALIDATION_ERROR", contains="page")
    assert_error(http.get(PIPELINES, params={"enabled": "maybe"}), 422, "VALIDATION_ERROR", contains="enabled")


@pytest.mark.operation(UPDATE, GET, UPDATE_JUDGE)
def test_update_pipeline_changes_only_the_given_fields(http):
    judge = make_judge(http, "Refund judge")
    make_judge(http, "Tier judge", instructions=TIER_RULES)
    p = make_pipeline(http, "Update me", [{"slug": "refund-judge", "mapping": {"tier": "app.tier"}}], description="before",
                      selectors=[{"source_kind": "span", "filter": "operation_name = 'chat'"}])
    make_pipeline(http, "Taken name", [{"slug": "refund-judge"}])
    url = f"{PIPELINES}/{p['id']}"

    r = http.put(url, json={"name": "Updated", "enabled": False})
    assert r.status_code == 200, r.text
    u = r.json()
    assert (u["name"], u["slug"], u["enabled"]) == ("Updated", "update-me", False)
    assert (u["description"], u["selectors"], u["id"], u["created_at"]) == ("before", p["selectors"], p["id"], p["created_at"])
    assert [c["id"] for c in u["pipeline_configs"]] == [c["id"] for c in p["pipeline_configs"]]
    assert u["pipeline_configs"][0]["slug"] == "update-me-refund-judge"
    assert u["pipeline_configs"][0]["enabled"] is False
    assert u["updated_at"] >= p["updated_at"]
    assert http.get(url).json() == u

    r = http.put(url, json={"description": None, "selectors": [{"source_kind": "span", "filter": "span_attributes['app.tier'] = 'gold'"}]})
    assert r.status_code == 200, r.text
    u = r.json()
    assert u["description"] is None and u["selectors"][0]["filter"] == "span_attributes['app.tier'] = 'gold'"
    assert u["pipeline_configs"][0]["selectors"] == u["selectors"]
    assert u["name"] == "Updated" and u["enabled"] is False

    # A new judge revision changes nothing until the definitions are given again.
    r = http.put(f"{API}/judges/{judge['id']}", json=judge_body("Refund judge", instructions="otherwise -> poor"))
    assert r.status_code == 204
    assert http.get(url).json()["pipeline_configs"][0]["scorer_version"] == 1
    r = http.put(url, json={"definitions": [{"slug": "refund-judge"}, {"slug": "tier-judge", "mapping": {"tier": "app.tier"}}]})
    assert r.status_code == 200, r.text
    configs = r.json()["pipeline_configs"]
    assert [(c["slug"], c["scorer_version"]) for c in configs] == [("update-me-refund-judge", 2), ("update-me-tier-judge", 1)]
    assert configs[0]["definition"]["prompt"] == "otherwise -> poor"
    assert configs[1]["definition"]["mapping"] == {"tier": "app.tier"}

    # Errors change nothing.
    before = http.get(url).json()
    assert_error(http.put(url, json={"name": "Taken name"}), 409, "PIPELINE_ALREADY_EXISTS", contains="name")
    assert_error(http.put(url, json={"definitions": [{"slug": "nope"}]}), 404, "SCORER_NOT_FOUND", contains="definitions[0].slug")
    d = assert_error(http.put(url, json={"selectors": [{"source_kind": "span", "filter": "span_name ="}]}), 400)
    assert d["message"].startswith("selectors[0].filter:"), d
    assert_error(http.put(url, json={"enabled": "no"}), 422, "VALIDATION_ERROR", contains="enabled")
    assert_error(http.put(url, json={"name": None}), 422, "VALIDATION_ERROR", contains="name")
    assert_error(http.put(url, json={"selectors": [{"source_kind": "metrics"}]}), 422, "VALIDATION_ERROR",
                 contains="selectors[0].source_kind")
    assert_error(http.put(url, json={"definitions": [{"slug": "refund-judge", "sampling": {"type": "probabilistic", "percentage": 101}}]}),
                 422, "VALIDATION_ERROR", contains="definitions[0].sampling.percentage")
    assert_error(http.put(f"{PIPELINES}/{uuid.uuid4()}", json={"enabled": True}), 404, "PIPELINE_NOT_FOUND")
    assert http.get(url).json() == before


@pytest.mark.operation(DELETE, GET, LIST, OTLP_TRACES, SEARCH_EVALUATIONS)
def test_delete_pipeline_is_a_hard_delete(http):
    make_judge(http, "Refund judge")
    keep = make_pipeline(http, "Keep", [{"slug": "refund-judge"}])
    gone = make_pipeline(http, "Gone", [{"slug": "refund-judge"}])
    url = f"{PIPELINES}/{gone['id']}"
    before = chat_span(*new_ids(), "refund?", "A refund, yes.")
    export(http, before)
    assert len(evaluations(http, "gone-refund-judge")) == 1

    r = http.delete(url)
    assert r.status_code == 204 and r.content == b""
    assert_error(http.get(url), 404, "PIPELINE_NOT_FOUND", contains=gone["id"])
    assert_error(http.delete(url), 404, "PIPELINE_NOT_FOUND")
    assert_error(http.put(url, json={"enabled": True}), 404, "PIPELINE_NOT_FOUND")
    assert [p["id"] for p in all_pipelines(http)] == [keep["id"]]
    assert_error(http.get(f"{PIPELINES}/{uuid.uuid4()}"), 404, "PIPELINE_NOT_FOUND")

    after = chat_span(*new_ids(), "refund?", "A refund, yes.")
    export(http, after)
    assert set(evaluations(http, "gone-refund-judge")) == {(before["traceId"], before["spanId"])}
    assert len(evaluations(http, "keep-refund-judge")) == 2
    # The name is free again.
    again = make_pipeline(http, "Gone", [{"slug": "refund-judge"}])
    assert again["id"] != gone["id"] and again["name"] == "Gone"


@pytest.mark.operation(GET, UPDATE, DELETE)
def test_malformed_pipeline_id_is_422(http):
    """Ids in paths are UUIDs, a malformed one is 422 VALIDATION_ERROR (only
    `datasets/{dataset_id}` also takes a slug)."""
    make_judge(http, "Refund judge")
    make_pipeline(http, "Not a uuid 1", [{"slug": "refund-judge"}])
    before = all_pipelines(http)
    full_config = {"name": "x", "pipeline_kind": "judge", "enabled": True, "selectors": [], "definitions": [{"slug": "refund-judge"}]}
    answers = {
        "GET pipeline": (http.get(f"{PIPELINES}/not-a-uuid"), "pipeline_id"),
        "PUT pipeline": (http.put(f"{PIPELINES}/not-a-uuid", json={"enabled": True}), "pipeline_id"),
        "DELETE pipeline": (http.delete(f"{PIPELINES}/not-a-uuid"), "pipeline_id"),
        "DELETE pipeline by slug": (http.delete(f"{PIPELINES}/not-a-uuid-1"), "pipeline_id"),
        "GET config": (http.get(f"{CONFIGS}/not-a-uuid"), "pipeline_config_id"),
        "PUT config": (http.put(f"{CONFIGS}/not-a-uuid", json=full_config), "pipeline_config_id"),
        "DELETE config": (http.delete(f"{CONFIGS}/not-a-uuid"), "pipeline_config_id"),
    }
    wrong = {what: f"{r.status_code} {r.text[:160]}" for what, (r, field) in answers.items()
             if r.status_code != 422 or r.json()["detail"]["error_code"] != "VALIDATION_ERROR" or field not in r.json()["detail"]["message"]}
    assert all_pipelines(http) == before
    assert not wrong, "malformed path ids not answered 422 VALIDATION_ERROR:\n" + "\n".join(f"{k}: {v}" for k, v in wrong.items())


# --------------------------------------------------------------------------------------------
# Running pipelines
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(CREATE, UPDATE, OTLP_TRACES, SEARCH_EVALUATIONS, "get_trace_by_id_v1_observability_traces__trace_id__get")
def test_pipelines_judge_matching_spans_in_the_export_transaction(http):
    refund_judge = make_judge(http, "Refund judge")
    tier_judge = make_judge(http, "Tier judge", instructions=TIER_RULES)
    early = chat_span(*new_ids(), "Refund?", "Refund approved.", **{"app.tier": "gold"})
    export(http, early)  # stored before any pipeline: never judged
    make_judge(http, "Numeric judge", instructions='when assistant icontains "refund" -> 7.5\notherwise -> 1',
               output={"type": "REGRESSION", "min": 0, "max": 10, "min_description": "bad", "max_description": "great"})
    gold = make_pipeline(http, "Gold", [{"slug": "refund-judge"}, {"slug": "numeric-judge"}],
                         selectors=[{"source_kind": "span", "filter": "span_attributes['app.tier'] = 'gold'"}])
    tiered = make_pipeline(http, "Tiered", [{"slug": "tier-judge", "mapping": {"tier": "app.tier"}}],
                           selectors=[{"source_kind": "span", "filter": "operation_name = 'chat'"}])
    logs_only = make_pipeline(http, "Logs only", [{"slug": "refund-judge"}], selectors=[{"source_kind": "log"}, {"source_kind": "metric"}])
    off = make_pipeline(http, "Off", [{"slug": "refund-judge"}], enabled=False)
    make_pipeline(http, "Nowhere", [{"slug": "refund-judge"}], selectors=[])
    make_pipeline(http, "Either", [{"slug": "refund-judge"}],
                  selectors=[{"source_kind": "log", "filter": None},
                             {"source_kind": "span", "filter": "span_attributes['app.tier'] = 'silver'"},
                             {"source_kind": "span", "filter": "operation_name = 'execute_tool'"}])

    spans = {
        "gold_refund": chat_span(*new_ids(), "Refund?", "Your REFUND is on its way.", start_ns=BASE_NS, **{"app.tier": "gold"}),
        "silver_refund": chat_span(*new_ids(), "Refund?", "Refund approved.", start_ns=BASE_NS + 10**9, **{"app.tier": "silver"}),
        "gold_no_answer": chat_span(*new_ids(), "Refund?", None, start_ns=BASE_NS + 2 * 10**9, **{"app.tier": "gold"}),
        "gold_other": chat_span(*new_ids(), "Parcel?", "It left the depot.", start_ns=BASE_NS + 3 * 10**9,
                                end_ns=BASE_NS + 3 * 10**9 + 123_456_789, **{"app.tier": "gold"}),
        "untiered": chat_span(*new_ids(), "Parcel?", "It left.", start_ns=BASE_NS + 4 * 10**9),
        "gold_tool": chat_span(*new_ids(), "lookup", "refund found", name="execute_tool lookup", operation="execute_tool",
                               start_ns=BASE_NS + 5 * 10**9, **{"app.tier": "gold"}),
    }
    export(http, *spans.values())
    key = {n: (s["traceId"], s["spanId"]) for n, s in spans.items()}

    # The export's 200 came after the judging: no waiting.
    refund_rows = evaluations(http, "gold-refund-judge")
    assert set(refund_rows) == {key["gold_refund"], key["gold_other"], key["gold_tool"]}
    numeric_rows = evaluations(http, "gold-numeric-judge")
    assert set(numeric_rows) == set(refund_rows)
    tier_rows = evaluations(http, "tiered-tier-judge")
    assert set(tier_rows) == {key["gold_refund"], key["silver_refund"], key["gold_other"], key["untiered"]}
    assert evaluations(http, "logs-only-refund-judge") == {} and evaluations(http, "off-refund-judge") == {}
    assert set(evaluations(http, "either-refund-judge")) == {key["silver_refund"], key["gold_tool"]}  # any selector
    assert evaluations(http, "nowhere-refund-judge") == {}  # no selector, nothing matches
    assert (early["traceId"], early["spanId"]) not in refund_rows
    # Pipeline rows are span evaluations of their trace (`evaluation_count`).
    trace = http.get(f"{API}/traces/{spans['gold_refund']['traceId']}")
    assert trace.status_code == 200 and trace.json()["evaluation_count"] == 3  # gold refund + gold numeric + tiered

    gold_cfg = gold["pipeline_configs"][0]
    for name in ("gold_refund", "gold_other", "gold_tool"):
        row, span = refund_rows[key[name]], spans[name]
        answer = json.loads(next(a["value"]["stringValue"] for a in span["attributes"] if a["key"] == "gen_ai.output.messages"))
        label = refund_label(answer[0]["parts"][0]["content"])
        assert (row["evaluation_name"], row["score_label"], row["score_value"]) == ("gold-refund-judge", label, ["good", "poor"].index(label))
        assert ("rule on line 2" if label == "good" else "'otherwise' rule on line 3") in row["explanation"], row["explanation"]
        # metadata is a map of strings (GetSpanEvaluation.metadata).
        assert row["metadata"] == {"pipeline_id": gold["id"], "pipeline_config_id": gold_cfg["id"], "judge_id": refund_judge["id"],
                                   "scorer_slug": "refund-judge", "scorer_version": "1"}
        assert ns_of(row["timestamp"]) // 1000 == int(span["endTimeUnixNano"]) // 1000
        assert row["workspace_id"] == refund_judge["workspace_id"]
        num = numeric_rows[key[name]]
        assert num["score_value"] == (7.5 if label == "good" else 1) and not num["score_label"]

    for name, want in (("gold_refund", "good"), ("silver_refund", "poor"), ("gold_other", "good"), ("untiered", "poor")):
        row = tier_rows[key[name]]
        assert row["score_label"] == want, (name, row)
        assert ("rule on line 2" if want == "good" else "'otherwise' rule on line 3") in row["explanation"]
        assert row["metadata"]["judge_id"] == tier_judge["id"] and row["metadata"]["pipeline_id"] == tiered["id"]

    # A re-sent span replaces its evaluations: no duplicates, the new answer counts.
    resent = dict(spans["gold_refund"])
    resent["attributes"] = [a if a["key"] != "gen_ai.output.messages" else
                            {"key": a["key"], "value": {"stringValue": json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": "No."}]}])}}
                            for a in resent["attributes"]]
    export(http, resent)
    export(http, resent)
    refund_rows2 = evaluations(http, "gold-refund-judge")
    assert set(refund_rows2) == set(refund_rows) and refund_rows2[key["gold_refund"]]["score_label"] == "poor"
    assert evaluations(http, "gold-numeric-judge")[key["gold_refund"]]["score_value"] == 1

    # Disabling stops judging; spans sent before keep their rows; enabling resumes.
    assert http.put(f"{PIPELINES}/{gold['id']}", json={"enabled": False}).status_code == 200
    quiet = chat_span(*new_ids(), "Refund?", "Refund done.", **{"app.tier": "gold"})
    export(http, quiet)
    assert set(evaluations(http, "gold-refund-judge")) == set(refund_rows)
    assert http.put(f"{PIPELINES}/{off['id']}", json={"enabled": True}).status_code == 200
    loud = chat_span(*new_ids(), "Refund?", "Refund done.")
    export(http, loud)
    assert set(evaluations(http, "off-refund-judge")) == {(loud["traceId"], loud["spanId"])}
    assert logs_only["pipeline_configs"][0]["slug"] == "logs-only-refund-judge"


@pytest.mark.operation(CREATE, OTLP_TRACES, SEARCH_EVALUATIONS)
def test_sampling_admits_spans_by_fnv_hash(http):
    make_judge(http, "Refund judge")
    make_pipeline(http, "Half", [{"slug": "refund-judge", "sampling": {"type": "probabilistic", "percentage": 50}}])
    make_pipeline(http, "Tenth", [{"slug": "refund-judge", "sampling": {"type": "probabilistic", "percentage": 12.5}}])
    make_pipeline(http, "None", [{"slug": "refund-judge", "sampling": {"type": "probabilistic", "percentage": 0}}])
    make_pipeline(http, "All", [{"slug": "refund-judge", "sampling": {"type": "probabilistic", "percentage": 100}}])
    make_pipeline(http, "Users", [{"slug": "refund-judge", "sampling": {"type": "attribute_hash", "attribute": "user.id", "percentage": 45}}])

    make_pipeline(http, "Numbers", [{"slug": "refund-judge", "sampling": {"type": "attribute_hash", "attribute": "user.n", "percentage": 50}}])

    users = [f"user-{i}" for i in range(8)]
    spans = [chat_span(*new_ids(), f"question {i}", "refund granted", **{"user.id": users[i % 8]}) for i in range(48)]
    for i, span in enumerate(spans):  # an int attribute hashes as its text (numbers in their shortest form)
        span["attributes"].append({"key": "user.n", "value": {"intValue": str(i % 10)}})
    no_user = [chat_span(*new_ids(), "question", "refund granted") for _ in range(4)]
    export(http, *spans, *no_user)
    everything = {(s["traceId"], s["spanId"]) for s in spans + no_user}

    def admitted(pct):
        return {k for k in everything if fnv_point(k[0] + k[1]) < pct}

    half, tenth = admitted(50), admitted(12.5)
    assert 0 < len(tenth) < len(half) < len(everything)  # the sample is not degenerate
    assert set(evaluations(http, "half-refund-judge")) == half
    assert set(evaluations(http, "tenth-refund-judge")) == tenth
    assert evaluations(http, "none-refund-judge") == {}
    assert set(evaluations(http, "all-refund-judge")) == everything

    kept_users = {u for u in users if fnv_point(u) < 45}
    assert 0 < len(kept_users) < len(users)
    want = {(s["traceId"], s["spanId"]) for s in spans
            if next(a["value"]["stringValue"] for a in s["attributes"] if a["key"] == "user.id") in kept_users}
    assert set(evaluations(http, "users-refund-judge")) == want  # spans without the attribute are not sampled in
    want = {(s["traceId"], s["spanId"]) for i, s in enumerate(spans) if fnv_point(str(i % 10)) < 50}
    assert 0 < len(want) < len(spans)
    assert set(evaluations(http, "numbers-refund-judge")) == want


@pytest.mark.operation(CREATE, GET, UPDATE, DELETE, LIST, OTLP_TRACES, SEARCH_EVALUATIONS, RESULTS)
def test_workspaces_never_judge_each_others_spans(base_url, http):
    other = HTTP(base_url, new_token())
    make_judge(http, "Refund judge")
    make_judge(other, "Refund judge")
    mine = make_pipeline(http, "Shared name", [{"slug": "refund-judge"}])

    theirs_span = chat_span(*new_ids(), "Refund?", "Refund granted.")
    export(other, theirs_span)
    assert evaluations(http, "shared-name-refund-judge") == {}
    assert evaluations(other, "shared-name-refund-judge") == {}

    # Same trace and span ids in both workspaces: each copy is its own; B's re-send leaves A's row.
    same_ids = new_ids()
    export(http, chat_span(*same_ids, "Refund?", "Refund granted."))
    export(other, chat_span(*same_ids, "Refund?", "No."))
    rows = evaluations(http, "shared-name-refund-judge")
    assert set(rows) == {same_ids} and rows[same_ids]["score_label"] == "good"
    assert evaluations(other, "shared-name-refund-judge") == {}

    # B cannot see, change or delete A's pipeline, and may use the same name.
    url = f"{PIPELINES}/{mine['id']}"
    assert_error(other.get(url), 404, "PIPELINE_NOT_FOUND")
    assert_error(other.put(url, json={"enabled": False}), 404, "PIPELINE_NOT_FOUND")
    assert_error(other.delete(url), 404, "PIPELINE_NOT_FOUND")
    assert all_pipelines(other) == []
    assert http.get(url).json() == mine
    theirs = make_pipeline(other, "Shared name", [{"slug": "refund-judge"}])
    assert theirs["slug"] == "shared-name" and theirs["id"] != mine["id"]

    r = other.post(RESULTS_PATH, json={"pipeline_config_slugs": ["shared-name-refund-judge"]})
    assert r.status_code == 200 and r.json()["pipeline_results"]["results"] == []
    r = http.post(RESULTS_PATH, json={"pipeline_config_slugs": ["shared-name-refund-judge"]})
    assert [(x["trace_id"], x["span_id"]) for x in r.json()["pipeline_results"]["results"]] == [same_ids]


# --------------------------------------------------------------------------------------------
# The pipeline-results feed
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(RESULTS, CREATE, OTLP_TRACES)
def test_pipeline_results_feed_pages_newest_first(http):
    make_judge(http, "Refund judge")
    make_judge(http, "Tier judge", instructions=TIER_RULES)
    p = make_pipeline(http, "Feed", [{"slug": "refund-judge"}, {"slug": "tier-judge", "mapping": {"tier": "app.tier"}}])
    refund_slug, tier_slug = (c["slug"] for c in p["pipeline_configs"])
    assert (refund_slug, tier_slug) == ("feed-refund-judge", "feed-tier-judge")

    spans = []
    for i in range(7):
        answer = "refund sent" if i % 2 else "no"
        spans.append(chat_span(*new_ids(), f"q{i}", answer, start_ns=BASE_NS + i * 10 * 10**9,
                               end_ns=BASE_NS + i * 10 * 10**9 + (i + 1) * 1_000_000, name=f"chat {i}",
                               **{"app.tier": "gold" if i < 3 else "silver"}))
    export(http, *spans[::2])  # out of time order on purpose
    export(http, *spans[1::2])
    newest = [(s["traceId"], s["spanId"]) for s in reversed(spans)]
    by_key = {(s["traceId"], s["spanId"]): (i, s) for i, s in enumerate(spans)}

    body = {"pipeline_config_slugs": [refund_slug, tier_slug]}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"page_size": 3, **({"cursor": cursor} if cursor else {})}
        r = http.post(RESULTS_PATH, params=params, json=body)
        assert r.status_code == 200, r.text
        page = r.json()["pipeline_results"]
        pages += 1
        seen += page["results"]
        if pages == 1:
            # Ingesting while paging neither repeats nor skips rows of the walk.
            export(http, chat_span(*new_ids(), "late", "refund", start_ns=BASE_NS + 3600 * 10**9))
        cursor = page["cursor"]
        if not cursor:
            assert page["next"] is None
            break
        q = parse_qs(urlsplit(page["next"]).query)
        assert q["cursor"] == [cursor] and q["page_size"] == ["3"] and page["next"].startswith("/")
        assert len(page["results"]) == 3
    keys = [(r["trace_id"], r["span_id"]) for r in seen]
    assert len(keys) == len(set(keys)), "a row came twice"
    assert [k for k in keys if k in by_key] == newest
    assert pages == 3

    for row in seen:
        if (row["trace_id"], row["span_id"]) not in by_key:
            continue
        i, span = by_key[(row["trace_id"], row["span_id"])]
        assert row["span_name"] == f"chat {i}" and row["duration_ns"] == (i + 1) * 1_000_000
        assert ns_of(row["evaluated_at"]) // 1000 == int(span["endTimeUnixNano"]) // 1000
        r_label, t_label = ("good" if i % 2 else "poor"), ("good" if i < 3 else "poor")
        assert row["judge_labels"] == {refund_slug: r_label, tier_slug: t_label}
        assert row["judge_scores"] == {refund_slug: ["good", "poor"].index(r_label), tier_slug: ["good", "poor"].index(t_label)}
        assert set(row["judge_explanations"]) == {refund_slug, tier_slug}
        assert all(isinstance(v, str) and v for v in row["judge_explanations"].values())

    # Restricted to one config: only its keys.
    only = http.post(RESULTS_PATH, params={"page_size": 100}, json={"pipeline_config_slugs": [tier_slug]}).json()["pipeline_results"]
    assert all(set(r["judge_labels"]) == {tier_slug} for r in only["results"]) and len(only["results"]) == 8
    assert http.post(RESULTS_PATH, json={"pipeline_config_slugs": ["no-such-config"]}).json()["pipeline_results"]["results"] == []

    # The span search expression and the window.
    narrowed = http.post(RESULTS_PATH, json={**body, "search_expression": "span_attributes['app.tier'] = 'gold' AND span_name != 'chat 0'"})
    assert [(r["trace_id"], r["span_id"]) for r in narrowed.json()["pipeline_results"]["results"]] == newest[4:6]
    window = {"from": "2025-10-09T08:53:40Z", "to": "2025-10-09T08:54:10Z"}  # spans 2, 3, 4 (start and end inside)
    r = http.post(RESULTS_PATH, params=window, json=body)
    assert r.status_code == 200, r.text
    assert [(x["trace_id"], x["span_id"]) for x in r.json()["pipeline_results"]["results"]] == newest[2:5]
    r = http.post(RESULTS_PATH, params={**window, "page_size": 2}, json=body).json()["pipeline_results"]
    assert [(x["trace_id"], x["span_id"]) for x in r["results"]] == newest[2:4]
    q = parse_qs(urlsplit(r["next"]).query)
    assert {k: q[k] for k in ("page_size", "cursor")} == {"page_size": ["2"], "cursor": [r["cursor"]]}
    assert ns_of(q["from"][0]) == ns_of(window["from"]) and ns_of(q["to"][0]) == ns_of(window["to"])
    rest = http.post(r["next"], json=body).json()["pipeline_results"]
    assert [(x["trace_id"], x["span_id"]) for x in rest["results"]] == newest[4:5] and rest["cursor"] is None
    assert_error(http.post(RESULTS_PATH, params={"page_size": 2, "cursor": r["cursor"]}, json=body), 400, "SEARCH_BAD_REQUEST",
                 contains="cursor")  # the same cursor without its window
    assert http.post(RESULTS_PATH, params={"page_size": 0}, json=body).json()["pipeline_results"] == {"results": [], "next": None, "cursor": None}

    # Errors.
    first = http.post(RESULTS_PATH, params={"page_size": 2}, json=body).json()["pipeline_results"]
    assert_error(http.post(RESULTS_PATH, params={"page_size": 2, "cursor": first["cursor"]}, json={"pipeline_config_slugs": [tier_slug]}),
                 400, "SEARCH_BAD_REQUEST", contains="cursor")
    assert_error(http.post(RESULTS_PATH, params={"page_size": 2, "cursor": first["cursor"][:-2] + "xx"}, json=body),
                 400, "SEARCH_BAD_REQUEST", contains="cursor")
    assert_error(http.post(RESULTS_PATH, json={**body, "search_expression": "span_name = = 'x'"}), 400,
                 "TRACES_FILTER_QUERY_PARSE_ERROR", contains="search_expression")
    assert_error(http.post(RESULTS_PATH, json={**body, "search_expression": "no_such_field = 'x'"}), 400,
                 "SEARCH_BAD_REQUEST", contains="no_such_field")
    assert_error(http.post(RESULTS_PATH, params={"from": "2025-10-10T00:00:00Z", "to": "2025-10-09T00:00:00Z"}, json=body),
                 400, "SEARCH_BAD_REQUEST")
    assert_error(http.post(RESULTS_PATH, params={"page_size": 101}, json=body), 422, "VALIDATION_ERROR", contains="page_size")
    assert_error(http.post(RESULTS_PATH, json={}), 422, "VALIDATION_ERROR", contains="pipeline_config_slugs")
    assert_error(http.post(RESULTS_PATH, json={"pipeline_config_slugs": "feed-refund-judge"}), 422, "VALIDATION_ERROR",
                 contains="pipeline_config_slugs")


# --------------------------------------------------------------------------------------------
# Standalone pipeline configs (SDK 2.10 – 3.1)
# --------------------------------------------------------------------------------------------

STANDALONE_KEYS = {"id", "created_at", "updated_at", "deleted_at", "scope", "workspace_id", "name", "pipeline_kind", "selectors",
                   "enabled", "definition", "definitions"}


@pytest.mark.operation(CFG_CREATE, CFG_GET, CFG_LIST, CFG_UPDATE, CFG_DELETE)
def test_pipeline_config_crud(http):
    judge = make_judge(http, "Refund judge")
    c210 = http.post(CONFIGS, json={"name": "Refund Config", "pipeline_kind": "judge", "description": "2.10 style",
                                    "selectors": [{"source_kind": "span", "filter": "operation_name = 'chat'"}],
                                    "definitions": [{"slug": "refund-judge", "mapping": {"tier": "app.tier"}}]})
    assert c210.status_code == 201, c210.text
    a = c210.json()
    assert STANDALONE_KEYS <= set(a), STANDALONE_KEYS - set(a)
    assert (a["name"], a["slug"], a["pipeline_kind"], a["enabled"], a["deleted_at"]) == ("Refund Config", "refund-config", "judge", True, None)
    assert a["description"] == "2.10 style" and a["workspace_id"] == judge["workspace_id"]
    assert a["definitions"] == [{"slug": "refund-judge", "mapping": {"tier": "app.tier"}}]
    assert a["definition"] == {"slug": "refund-judge", "mapping": {"tier": "app.tier"}}
    assert (a["scorer_slug"], a["scorer_version"]) == ("refund-judge", 1)
    assert http.get(f"{CONFIGS}/{a['id']}").json() == a

    b = http.post(CONFIGS, json={"name": "One definition", "pipeline_kind": "judge-v1", "selectors": [{"source_kind": "span"}],
                                 "definition": {"slug": "refund-judge"}, "enabled": False})
    assert b.status_code == 201, b.text
    b = b.json()
    assert (b["pipeline_kind"], b["enabled"], b["definitions"]) == ("judge-v1", False, [{"slug": "refund-judge"}])
    e = http.post(CONFIGS, json={"name": "Export it", "pipeline_kind": "export", "selectors": [{"source_kind": "span"}],
                                 "definition": EXPORT_DEFINITION})
    assert e.status_code == 201, e.text
    e = e.json()
    assert e["pipeline_kind"] == "export" and e["scorer_slug"] is None and e["scorer_version"] is None
    assert e["definition"] == EXPORT_DEFINITION or e["definition"] == {**EXPORT_DEFINITION, "destination": {
        **EXPORT_DEFINITION["destination"], "insecure": False, "headers": {}}}

    def ids(**params):
        r = http.get(CONFIGS, params=params)
        assert r.status_code == 200, r.text
        body = r.json()["pipeline_configs"]
        assert body["count"] == len(body["results"]) or "page_size" in params
        return [c["id"] for c in body["results"]]

    assert ids() == [e["id"], b["id"], a["id"]]
    assert ids(pipeline_kind="judge") == [a["id"]] and ids(pipeline_kind="export") == [e["id"]]
    assert ids(pipeline_kind="judge-v1") == [b["id"]] and ids(pipeline_kind="moderation") == []
    assert ids(enabled="false") == [b["id"]] and ids(enabled="true") == [e["id"], a["id"]]
    assert ids(q="refund") == [a["id"]] and ids(q="DEFINITION") == [b["id"]]
    assert ids(page_size=1, page=2) == [b["id"]]

    # PUT replaces everything: an omitted description is gone; the slug stays.
    r = http.put(f"{CONFIGS}/{a['id']}", json={"name": "Refund config v2", "pipeline_kind": "judge", "enabled": False,
                                               "selectors": [{"source_kind": "span", "filter": None}],
                                               "definitions": [{"slug": "refund-judge"}]})
    assert r.status_code == 200, r.text
    u = r.json()
    assert (u["id"], u["name"], u["slug"], u["enabled"], u["description"]) == (a["id"], "Refund config v2", "refund-config", False, None)
    assert u["definitions"] == [{"slug": "refund-judge"}] and u["selectors"] == [{"source_kind": "span", "filter": None}]
    assert u["created_at"] == a["created_at"] and u["updated_at"] >= a["updated_at"]
    assert http.get(f"{CONFIGS}/{a['id']}").json() == u

    r = http.delete(f"{CONFIGS}/{a['id']}")
    assert r.status_code == 204 and r.content == b""
    assert_error(http.get(f"{CONFIGS}/{a['id']}"), 404, "PIPELINE_CONFIG_NOT_FOUND")
    assert_error(http.delete(f"{CONFIGS}/{a['id']}"), 404, "PIPELINE_CONFIG_NOT_FOUND")
    assert_error(http.put(f"{CONFIGS}/{a['id']}", json={"name": "x", "pipeline_kind": "judge", "enabled": True,
                                                        "selectors": [], "definitions": [{"slug": "refund-judge"}]}),
                 404, "PIPELINE_CONFIG_NOT_FOUND")
    assert ids() == [e["id"], b["id"]]


@pytest.mark.operation(CFG_CREATE, CFG_UPDATE, CFG_LIST, CFG_GET)
def test_pipeline_config_errors_change_nothing(http):
    make_judge(http, "Refund judge")
    ok = {"name": "Taken", "pipeline_kind": "judge", "selectors": [{"source_kind": "span"}], "definitions": [{"slug": "refund-judge"}]}
    taken = http.post(CONFIGS, json=ok)
    assert taken.status_code == 201
    other = http.post(CONFIGS, json={**ok, "name": "Other"}).json()
    before = all_configs(http)

    def post(**changes):
        return http.post(CONFIGS, json={**ok, "name": "Fresh", **changes})

    assert_error(http.post(CONFIGS, json=ok), 409, "PIPELINE_CONFIG_ALREADY_EXISTS", contains="name")
    assert_error(post(definitions=[{"slug": "no-such-judge"}]), 404, "SCORER_NOT_FOUND", contains="definitions[0].slug")
    d = assert_error(post(selectors=[{"source_kind": "span", "filter": "span_name = = 1"}]), 400, "TRACES_FILTER_QUERY_PARSE_ERROR")
    assert d["message"].startswith("selectors[0].filter:"), d
    assert_error(post(pipeline_kind="judge-v2"), 422, "VALIDATION_ERROR", contains="pipeline_kind")
    assert_error(post(selectors=[{"source_kind": "trace"}]), 422, "VALIDATION_ERROR", contains="selectors[0].source_kind")
    assert_error(post(enabled="on"), 422, "VALIDATION_ERROR", contains="enabled")
    for field in ("name", "pipeline_kind", "selectors"):
        body = {k: v for k, v in {**ok, "name": "Fresh"}.items() if k != field}
        assert_error(http.post(CONFIGS, json=body), 422, "VALIDATION_ERROR", contains=field)
    assert_error(post(pipeline_kind="export", definitions=[{"destination": {"protocol": "http/protobuf"}}]), 422, "VALIDATION_ERROR",
                 contains="definitions[0].destination.endpoint")
    assert_error(post(pipeline_kind="export", definitions=[{}]), 422, "VALIDATION_ERROR", contains="definitions[0].destination")
    assert_error(post(pipeline_kind="detection", definitions=[{"target_attributes": ["x"]}]), 422, "VALIDATION_ERROR",
                 contains="definitions[0].patterns")
    no_defs = {k: v for k, v in {**ok, "name": "Fresh"}.items() if k != "definitions"}
    assert_error(http.post(CONFIGS, json=no_defs), 422, "VALIDATION_ERROR", contains="definition")

    url = f"{CONFIGS}/{other['id']}"
    full = {**ok, "name": "Other", "enabled": True}
    assert_error(http.put(url, json={**full, "name": "Taken"}), 409, "PIPELINE_CONFIG_ALREADY_EXISTS", contains="name")
    assert_error(http.put(url, json={k: v for k, v in full.items() if k != "enabled"}), 422, "VALIDATION_ERROR", contains="enabled")
    assert_error(http.put(url, json={**full, "definitions": [{"slug": "nope"}]}), 404, "SCORER_NOT_FOUND", contains="definitions[0].slug")
    assert_error(http.put(url, json={**full, "selectors": [{"source_kind": "span", "filter": "nope = 1"}]}), 400, "SEARCH_BAD_REQUEST",
                 contains="selectors[0].filter")
    assert_error(http.put(f"{CONFIGS}/{uuid.uuid4()}", json=full), 404, "PIPELINE_CONFIG_NOT_FOUND")
    assert_error(http.get(f"{CONFIGS}/{uuid.uuid4()}"), 404, "PIPELINE_CONFIG_NOT_FOUND")
    assert_error(http.get(CONFIGS, params={"pipeline_kind": "bogus"}), 422, "VALIDATION_ERROR", contains="pipeline_kind")
    assert_error(http.get(CONFIGS, params={"page_size": 101}), 422, "VALIDATION_ERROR", contains="page_size")

    assert all_configs(http) == before


@pytest.mark.operation(CFG_CREATE, CFG_UPDATE, CFG_DELETE, OTLP_TRACES, SEARCH_EVALUATIONS)
def test_judge_pipeline_configs_run_and_other_kinds_do_not(http):
    judge = make_judge(http, "Refund judge")
    cfg = http.post(CONFIGS, json={"name": "Gold refunds", "pipeline_kind": "judge",
                                   "selectors": [{"source_kind": "span", "filter": "span_attributes['app.tier'] = 'gold'"}],
                                   "definitions": [{"slug": "refund-judge"}]}).json()
    v1 = http.post(CONFIGS, json={"name": "All refunds", "pipeline_kind": "judge-v1", "selectors": [{"source_kind": "span"}],
                                  "definition": {"slug": "refund-judge"}}).json()
    for kind, definition in (("export", EXPORT_DEFINITION), ("detection", DETECTION_DEFINITION), ("moderation", MODERATION_DEFINITION)):
        r = http.post(CONFIGS, json={"name": f"Kind {kind}", "pipeline_kind": kind, "selectors": [{"source_kind": "span"}],
                                     "definition": definition})
        assert r.status_code == 201, r.text

    gold = chat_span(*new_ids(), "Refund?", "Refund approved.", **{"app.tier": "gold"})
    silver = chat_span(*new_ids(), "Refund?", "No.", **{"app.tier": "silver"})
    export(http, gold, silver)
    rows = evaluations(http, "gold-refunds")
    assert set(rows) == {(gold["traceId"], gold["spanId"])}
    row = rows[(gold["traceId"], gold["spanId"])]
    assert (row["score_label"], row["score_value"]) == ("good", 0) and "rule on line 2" in row["explanation"]
    assert row["metadata"]["pipeline_config_id"] == cfg["id"] and row["metadata"]["judge_id"] == judge["id"]
    all_rows = evaluations(http, "all-refunds")
    assert {k: r["score_label"] for k, r in all_rows.items()} == {(gold["traceId"], gold["spanId"]): "good",
                                                                 (silver["traceId"], silver["spanId"]): "poor"}
    for kind in ("kind-export", "kind-detection", "kind-moderation"):
        assert evaluations(http, kind) == {}

    # Disabled, then deleted: nothing new is judged.
    r = http.put(f"{CONFIGS}/{cfg['id']}", json={"name": "Gold refunds", "pipeline_kind": "judge", "enabled": False,
                                                 "selectors": [{"source_kind": "span"}], "definitions": [{"slug": "refund-judge"}]})
    assert r.status_code == 200, r.text
    assert http.delete(f"{CONFIGS}/{v1['id']}").status_code == 204
    late = chat_span(*new_ids(), "Refund?", "Refund approved.", **{"app.tier": "gold"})
    export(http, late)
    assert set(evaluations(http, "gold-refunds")) == set(rows)
    assert set(evaluations(http, "all-refunds")) == set(all_rows)


# --------------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------------

def _deterministic_session() -> list[bytes]:
    proc = subprocess.Popen([emulator_binary(), "--port", "0", "--log-level", "error", "--id-seed", "7",
                             "--clock", "fixed:2025-06-01T12:00:00.000Z"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = re.search(r"(http://127\.0\.0\.1:\d+)", proc.stdout.readline()).group(1)
        auth = {"Authorization": "Bearer pipelines-determinism"}
        bodies: list[bytes] = []

        def call(method, path, **kw):
            r = requests.request(method, url + path, headers=auth, timeout=30, **kw)
            bodies.append(f"{method} {path} {r.status_code} ".encode() + r.content)
            assert r.status_code < 300, r.text[:500]
            return r

        call("POST", f"{API}/judges", json=judge_body("Refund judge", instructions=REFUND_RULES))
        call("POST", f"{API}/judges", json=judge_body("Tier judge", instructions=TIER_RULES))
        pipeline = call("POST", PIPELINES, json={
            "name": "Determinism", "selectors": [{"source_kind": "span", "filter": "operation_name = 'chat'"}],
            "definitions": [{"slug": "refund-judge", "sampling": {"type": "probabilistic", "percentage": 60}},
                            {"slug": "tier-judge", "mapping": {"tier": "app.tier"}}]}).json()
        call("POST", CONFIGS, json={"name": "Standalone", "pipeline_kind": "judge", "selectors": [{"source_kind": "span"}],
                                    "definitions": [{"slug": "refund-judge"}]})
        spans = [chat_span(f"{i:032x}", f"{i + 100:016x}", f"q{i}", "refund ok" if i % 3 else "no",
                           start_ns=BASE_NS + i * 10**9, **{"app.tier": "gold" if i % 2 else "bronze"}) for i in range(1, 9)]
        body = {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"scope": {"name": "d"}, "spans": spans}]}]}
        call("POST", "/telemetry/v1/traces", json=body)
        call("PUT", f"{PIPELINES}/{pipeline['id']}", json={"description": "updated"})
        call("GET", f"{PIPELINES}/{pipeline['id']}")
        call("GET", PIPELINES)
        call("GET", CONFIGS)
        for name in ("determinism-refund-judge", "determinism-tier-judge", "standalone"):
            call("POST", f"{API}/spans/evaluations/search?page_size=100", json={"search_expression": f"evaluation_name = '{name}'"})
        slugs = {"pipeline_config_slugs": ["determinism-refund-judge", "determinism-tier-judge", "standalone"]}
        first = call("POST", f"{RESULTS_PATH}?page_size=3", json=slugs).json()["pipeline_results"]
        call("POST", f"{RESULTS_PATH}?page_size=3&cursor={first['cursor']}", json=slugs)
        call("DELETE", f"{PIPELINES}/{pipeline['id']}")
        return bodies
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


@pytest.mark.operation(CREATE, GET, LIST, UPDATE, DELETE, RESULTS, CFG_CREATE, CFG_LIST, SEARCH_EVALUATIONS, OTLP_TRACES)
def test_two_fresh_runs_give_byte_identical_bodies():
    # The two runs are independent processes: run them side by side to keep the test short.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(_deterministic_session) for _ in range(2)]
        first, second = (f.result() for f in runs)
    assert len(first) == len(second) == 15
    for a, b in zip(first, second):
        assert a == b, (a[:400], b[:400])
    # The evaluations really were written (not two identical empty answers).
    assert b'"evaluation_name":"determinism-tier-judge"' in first[10]
    assert b'"judge_labels"' in first[12]
