"""The emulator's control plane (/__emulator/...) and cross-cutting HTTP behaviour."""

from __future__ import annotations

import copy
import json
import subprocess
import time
import uuid

import pytest
import requests
import yaml
from mistralai.client import errors

import operations as op
from conftest import (API, HTTP, assert_error, emulator_binary, judge_body, load_fixture_events, make_client,
                      make_event, new_token, openapi_path, start_emulator)

EVENTS = f"{API}/chat-completion-events"
PASSWORD_EVENT = "b7be6e08-d068-45fc-b77a-966232e92fd6"


def control(base_url: str) -> HTTP:
    return HTTP(base_url, None)


def workspace_of(http: HTTP) -> str:
    r = http.post(f"{API}/judges", json=judge_body())
    assert r.status_code == 201, r.text
    return r.json()["workspace_id"]


# --------------------------------------------------------------------------------------------
# health and OpenAPI
# --------------------------------------------------------------------------------------------

def test_health_shape(base_url):
    r = requests.get(base_url + "/__emulator/health", timeout=5)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert isinstance(body["version"], str) and body["version"]
    assert isinstance(body["uptime_s"], (int, float)) and body["uptime_s"] >= 0
    assert isinstance(body["events"], int) and body["events"] >= 320


def test_openapi_document_parses_and_lists_every_operation(base_url):
    r = requests.get(base_url + "/__emulator/openapi.yaml", timeout=5)
    assert r.status_code == 200
    served = yaml.safe_load(r.text)
    reference = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))
    ids = lambda doc: {o["operationId"] for p in doc["paths"].values() for o in p.values() if isinstance(o, dict) and "operationId" in o}
    assert ids(reference) <= ids(served)
    assert served["openapi"].startswith("3.")


def test_healthcheck_subcommand(emulator):
    port = emulator.url.rsplit(":", 1)[1]
    ok = subprocess.run([emulator_binary(), "healthcheck", "--port", port], capture_output=True, timeout=20)
    assert ok.returncode == 0, ok.stderr
    # A port nothing listens on: pick one by binding and releasing it.
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    free = str(s.getsockname()[1])
    s.close()
    bad = subprocess.run([emulator_binary(), "healthcheck", "--port", free], capture_output=True, timeout=20)
    assert bad.returncode != 0


# --------------------------------------------------------------------------------------------
# ingestion
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.SEARCH_IDS, op.GET_EVENT)
def test_ingest_one_array_and_jsonl(http, obs):
    before = len(http.search_ids(None))
    one = http.ingest(make_event("single question", "single answer"))
    many = http.ingest([make_event("array q1", "a1"), make_event("array q2", "a2")])
    lines = "\n".join(json.dumps(make_event(f"jsonl q{i}", f"a{i}")) for i in range(3)) + "\n"
    r = http.post("/__emulator/events", data=lines.encode(), headers={"Content-Type": "application/x-ndjson"})
    assert r.status_code == 201, r.text
    jsonl = r.json()["event_ids"]
    assert len(one) == 1 and len(many) == 2 and len(jsonl) == 3
    assert len(http.search_ids(None)) == before + 6
    for event_id in one + many + jsonl:
        assert obs.chat_completion_events.fetch(event_id=event_id).event_id == event_id


@pytest.mark.operation(op.SEARCH)
def test_ingested_event_keeps_its_id_and_gets_derived_fields(http, obs):
    event_id = str(uuid.uuid4())
    ev = make_event("Where is order 42?", "It ships tomorrow.", event_id=event_id, model="zz-model",
                    metadata={"team": "conformance"})
    ev["request_messages"].insert(0, {"role": "system", "content": "Be brief."})
    ev["enabled_tools"] = [{"type": "function", "function": {"name": "lookup_order", "parameters": {}}}]
    assert http.ingest(ev) == [event_id]
    res = obs.chat_completion_events.search(
        search_params={"filters": {"field": "metadata.team", "op": "eq", "value": "conformance"}},
        extra_fields=["model_name", "first_system_message", "last_user_message_preview", "enabled_tools",
                      "response_messages_preview", "metadata.team"])
    [preview] = res.completion_events.results
    assert preview.event_id == event_id
    assert preview.extra_fields == {
        "model_name": "zz-model", "first_system_message": "Be brief.",
        "last_user_message_preview": "Where is order 42?", "enabled_tools": ["lookup_order"],
        "response_messages_preview": "It ships tomorrow.", "metadata.team": "conformance",
    }


def test_ingest_bad_item_is_422_naming_the_index_and_stores_nothing(http):
    before = len(http.search_ids(None))
    bad = make_event("q", "a")
    del bad["request_messages"]
    r = http.post("/__emulator/events", json=[make_event("fine", "fine"), bad])
    detail = assert_error(r, 422, "VALIDATION_ERROR")
    assert "[1]" in detail["message"] and "request_messages" in detail["message"], detail
    lines = json.dumps(make_event("ok", "ok")) + "\n{not json\n"
    r = http.post("/__emulator/events", data=lines.encode(), headers={"Content-Type": "application/x-ndjson"})
    assert r.status_code == 422, r.text
    assert len(http.search_ids(None)) == before


def test_ingest_needs_a_bearer_token(http):
    r = http.post("/__emulator/events", json=make_event("q", "a"), auth=False)
    assert r.status_code == 401, r.text


@pytest.mark.operation(op.SEARCH_IDS, op.GET_EVENT, op.SIMILAR_EVENTS)
def test_ingested_events_are_visible_only_to_their_workspace(http, base_url):
    [event_id] = http.ingest(make_event("secret question", "secret answer", model="zz-secret"))
    other = HTTP(base_url, new_token())
    assert event_id in http.search_ids(None)
    assert event_id not in other.search_ids(None)
    assert_error(other.get(f"{EVENTS}/{event_id}"), 404, "SEARCH_NOT_FOUND")
    assert other.search_ids({"field": "model_name", "op": "eq", "value": "zz-secret"}) == []
    similar = other.get(f"{EVENTS}/{PASSWORD_EVENT}/similar-events").json()["completion_events"]["results"]
    assert event_id not in {e["event_id"] for e in similar}


@pytest.mark.operation(op.SIMILAR_EVENTS)
def test_near_duplicate_ranks_first_in_similar_events(http, obs):
    original = next(e for e in load_fixture_events() if e["event_id"] == PASSWORD_EVENT)
    dup = copy.deepcopy(original)
    dup["event_id"] = str(uuid.uuid4())
    dup["correlation_id"] = str(uuid.uuid4())
    dup["created_at"] = "2025-11-02T08:00:00.000Z"  # same conversation, asked again later
    http.ingest(dup)
    results = obs.chat_completion_events.fetch_similar_events(event_id=PASSWORD_EVENT).completion_events.results
    ranked = [r.event_id for r in results]
    assert ranked[0] == dup["event_id"], f"exact copy ranked {ranked.index(dup['event_id']) if dup['event_id'] in ranked else None}: {ranked}"
    assert PASSWORD_EVENT not in {r.event_id for r in results} and len(results) <= 10


@pytest.mark.operation(op.SIMILAR_EVENTS)
def test_event_with_nothing_similar_gets_an_empty_list(http, obs):
    [event_id] = http.ingest(make_event("zqxjv wplmk", "trbvq ghzzx"))
    assert obs.chat_completion_events.fetch_similar_events(event_id=event_id).completion_events.results == []


# --------------------------------------------------------------------------------------------
# reset
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.LIST_JUDGES)
def test_reset_workspace_only_touches_that_workspace(base_url):
    a, b = HTTP(base_url, new_token()), HTTP(base_url, new_token())
    [ev_a] = a.ingest(make_event("a", "a"))
    [ev_b] = b.ingest(make_event("b", "b"))
    workspace_of(a), workspace_of(b)
    r = a.post("/__emulator/reset", json={"scope": "workspace"})
    assert r.status_code == 204, r.text
    assert ev_a not in a.search_ids(None) and a.get(f"{API}/judges").json()["judges"]["count"] == 4
    assert ev_b in b.search_ids(None) and b.get(f"{API}/judges").json()["judges"]["count"] == 5


@pytest.mark.operation(op.LIST_JUDGES)
def test_reset_all_restores_the_seeded_state(base_url):
    a, b = HTTP(base_url, new_token()), HTTP(base_url, new_token())
    [ev_a] = a.ingest(make_event("a", "a"))
    workspace_of(b)
    seeded_ids = {j["id"] for j in b.get(f"{API}/judges").json()["judges"]["results"]} 
    r = control(base_url).post("/__emulator/reset")
    assert r.status_code == 204, r.text
    assert ev_a not in a.search_ids(None)
    assert len(a.search_ids(None)) == 320
    after = b.get(f"{API}/judges").json()["judges"]
    assert after["count"] == 4
    assert {j["id"] for j in after["results"]} <= seeded_ids, "seeded judge ids are derived, so stable across resets"
    r = a.post("/__emulator/reset", json={"scope": "all"})
    assert r.status_code == 204


def test_reset_with_bad_scope_is_rejected(http):
    r = http.post("/__emulator/reset", json={"scope": "everything"})
    assert r.status_code in (400, 422), r.text


# --------------------------------------------------------------------------------------------
# journal
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.CREATE_JUDGE)
def test_journal_filters(http, base_url):
    workspace = workspace_of(http)
    http.get(f"{API}/judges")
    http.get(f"{API}/judges/{uuid.uuid4()}")
    ctl = control(base_url)
    mine = ctl.get("/__emulator/requests", params={"workspace_id": workspace}).json()["requests"]
    assert [e["method"] for e in mine[:3]] == ["GET", "GET", "POST"], "newest first"
    for entry in mine:
        assert {"id", "time", "method", "path", "query", "status", "duration_ms", "workspace_id"} <= set(entry)
        assert entry["workspace_id"] == workspace
    posts = ctl.get("/__emulator/requests", params={"workspace_id": workspace, "method": "POST"}).json()["requests"]
    assert len(posts) == 1 and posts[0]["status"] == 201 and posts[0]["path"] == f"{API}/judges"
    assert "request_body" in posts[0] and "response_body" in posts[0], "started with --journal-bodies"
    missing = ctl.get("/__emulator/requests", params={"workspace_id": workspace, "status": 404}).json()["requests"]
    assert len(missing) == 1 and missing[0]["path"].startswith(f"{API}/judges/")
    prefixed = ctl.get("/__emulator/requests", params={"workspace_id": workspace, "path_prefix": f"{API}/judges/"}).json()
    assert len(prefixed["requests"]) == 1
    limited = ctl.get("/__emulator/requests", params={"workspace_id": workspace, "limit": 2}).json()["requests"]
    assert [e["id"] for e in limited] == [e["id"] for e in mine[:2]]


def test_journal_clear(http, base_url):
    workspace = workspace_of(http)
    ctl = control(base_url)
    assert ctl.get("/__emulator/requests", params={"workspace_id": workspace}).json()["requests"]
    assert ctl.delete("/__emulator/requests").status_code == 204
    assert ctl.get("/__emulator/requests", params={"workspace_id": workspace}).json()["requests"] == []


# --------------------------------------------------------------------------------------------
# faults
# --------------------------------------------------------------------------------------------

@pytest.fixture
def faults(base_url):
    ctl = control(base_url)
    created: list[str] = []

    def add(**rule) -> str:
        r = ctl.post("/__emulator/faults", json=rule)
        assert r.status_code == 201, r.text
        created.append(r.json()["id"])
        return created[-1]
    yield add
    for fault_id in created:
        ctl.delete(f"/__emulator/faults/{fault_id}")


@pytest.mark.operation(op.GET_JUDGE)
def test_fault_rule_503_once_then_success(http, obs, faults, base_url):
    judge = obs.judges.create(**judge_body())
    path = f"{API}/judges/{judge.id}"
    fault_id = faults(method="GET", path=path, status=503, count=1)
    listed = {f["id"]: f for f in control(base_url).get("/__emulator/faults").json()["faults"]}
    assert listed[fault_id]["remaining"] == 1
    with pytest.raises(errors.SDKError) as exc:
        obs.judges.fetch(judge_id=str(judge.id))
    assert exc.value.status_code == 503
    assert obs.judges.fetch(judge_id=str(judge.id)).id == judge.id
    still = {f["id"]: f for f in control(base_url).get("/__emulator/faults").json()["faults"]}
    assert fault_id not in still or still[fault_id]["remaining"] == 0


@pytest.mark.operation(op.JUDGE_CONVERSATION, op.GET_JUDGE)
def test_fault_rule_wildcard_error_code_and_removal(http, obs, faults, base_url):
    judge = obs.judges.create(**judge_body())
    fault_id = faults(method=None, path=f"{API}/judges/{judge.id}*", status=409,
                      error_code="JUDGE_ALREADY_HAS_NEW_VERSION", message="injected conflict")
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.judge_conversation(judge_id=str(judge.id), messages=[{"role": "user", "content": "q"},
                                                                        {"role": "assistant", "content": "a"}])
    assert exc.value.status_code == 409
    assert exc.value.data.detail.error_code == "JUDGE_ALREADY_HAS_NEW_VERSION"
    assert exc.value.data.detail.message == "injected conflict"
    assert http.get(f"{API}/judges/{judge.id}").status_code == 409, "count null: applies until removed"
    assert http.get(f"{API}/judges").status_code == 200, "the wildcard only covers the judge's paths"
    assert control(base_url).delete(f"/__emulator/faults/{fault_id}").status_code == 204
    assert http.get(f"{API}/judges/{judge.id}").status_code == 200


def test_fault_rule_delay(http, faults):
    [event_id] = http.ingest(make_event("q", "a"))
    faults(method="GET", path=f"{EVENTS}/{event_id}", delay_ms=300, count=1)
    started = time.monotonic()
    assert http.get(f"{EVENTS}/{event_id}").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_clear_all_faults(base_url):
    ctl = control(base_url)
    path = f"{API}/judges/{uuid.uuid4()}"
    assert ctl.post("/__emulator/faults", json={"path": path, "status": 500}).status_code == 201
    assert ctl.delete("/__emulator/faults").status_code == 204
    assert ctl.get("/__emulator/faults").json()["faults"] == []


@pytest.mark.operation(op.LIST_JUDGES)
def test_fault_header_status_delay_and_drop(http):
    r = http.get(f"{API}/judges", headers={"X-Emulator-Fault": "status=503"})
    assert_error(r, 503)
    started = time.monotonic()
    r = http.get(f"{API}/judges", headers={"X-Emulator-Fault": "delay=300"})
    assert r.status_code == 200 and time.monotonic() - started >= 0.3
    with pytest.raises(requests.ConnectionError):
        requests.get(http.base_url + f"{API}/judges", timeout=10,
                     headers={"Authorization": f"Bearer {http.token}", "X-Emulator-Fault": "drop"})
    assert http.get(f"{API}/judges").status_code == 200, "only that one request is affected"


# --------------------------------------------------------------------------------------------
# cross-cutting HTTP behaviour
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.LIST_JUDGES)
def test_missing_token_is_401_unknown_route_404_wrong_method_405(http):
    assert_error(http.get(f"{API}/judges", auth=False), 401, "AUTH_UNAUTHORIZED")
    assert_error(http.get(f"{API}/no-such-thing"), 404, None)
    r = http.patch(f"{API}/judges", json={})
    assert_error(r, 405, None)
    allow = {m.strip() for m in r.headers.get("Allow", "").split(",")}
    assert {"GET", "POST"} <= allow


@pytest.mark.operation(op.LIST_JUDGES)
def test_api_key_flag_restricts_tokens():
    emu = start_emulator("--api-key", "only-this-key")
    try:
        ok = make_client(emu.url, "only-this-key").beta.observability.judges.list()
        assert ok.judges.count == 4
        r = requests.get(emu.url + f"{API}/judges", headers={"Authorization": "Bearer another"}, timeout=5)
        assert_error(r, 401, "AUTH_UNAUTHORIZED")
    finally:
        assert emu.stop() == 0


@pytest.mark.operation(op.CREATE_JUDGE, op.JUDGE_CONVERSATION)
def test_id_seed_and_fixed_clock_make_ids_times_and_verdicts_reproducible():
    runs = []
    for _ in range(2):
        emu = start_emulator("--id-seed", "7", "--clock", "fixed:2025-06-01T12:00:00.000Z")
        try:
            http = HTTP(emu.url, "seeded-token")
            requests.get(emu.url + "/__emulator/health", timeout=5)
            a = http.post(f"{API}/judges", json=judge_body(name="Seeded judge A")).json()
            b = http.post(f"{API}/judges", json=judge_body(name="Seeded judge B")).json()
            verdict = http.post(f"{API}/judges/{a['id']}/live-judging", json={"messages": [
                {"role": "user", "content": "How do I export my invoices?"},
                {"role": "assistant", "content": "Go to Billing, then Invoices, then Export."}]})
            assert verdict.status_code == 200, verdict.text
            runs.append([(j["id"], j["created_at"], j["workspace_id"]) for j in (a, b)] + [verdict.content])
        finally:
            assert emu.stop() == 0
    assert runs[0] == runs[1]
    assert runs[0][0][1] == "2025-06-01T12:00:00.000Z"
    assert runs[0][0][0] != runs[0][1][0]
