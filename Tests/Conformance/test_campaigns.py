"""Campaigns: selection, background judging, status, annotations as `__judge_<id>` fields."""

from __future__ import annotations

import uuid

import pytest
from mistralai.client import errors

import operations as op
from conftest import API, HTTP, assert_error, classification_output, judge_body, new_token, poll, sdk_error

CAMPAIGNS = f"{API}/campaigns"
CODESTRAL = {"field": "model_name", "op": "eq", "value": "codestral-latest"}
SORRY_RULES = 'Flag apologies.\nwhen assistant icontains "sorry" -> apology\notherwise -> plain'


def make_judge(http: HTTP, **kw) -> dict:
    r = http.post(f"{API}/judges", json=judge_body(**kw))
    assert r.status_code == 201, r.text
    return r.json()


def make_campaign(obs, judge_id: str, filters=CODESTRAL, max_nb_events: int = 5, name: str | None = None):
    return obs.campaigns.create(search_params={"filters": filters}, judge_id=judge_id,
                                name=name or f"campaign {uuid.uuid4().hex[:8]}", description="conformance",
                                max_nb_events=max_nb_events)


def wait_completed(obs, campaign_id: str, timeout: float = 60) -> str:
    status = poll(lambda: obs.campaigns.fetch_status(campaign_id=campaign_id).status,
                  lambda s: s != "RUNNING", timeout=timeout)
    assert status == "COMPLETED", status
    return status


@pytest.fixture
def sorry_judge(http) -> dict:
    return make_judge(http, instructions=SORRY_RULES, output=classification_output("apology", "plain"))


@pytest.mark.operation(op.CREATE_CAMPAIGN)
def test_create_campaign_returns_201_with_the_judge(http, sorry_judge):
    body = {"search_params": {"filters": CODESTRAL}, "judge_id": sorry_judge["id"], "name": "First campaign",
            "description": "codestral answers", "max_nb_events": 5}
    r = http.post(CAMPAIGNS, json=body)
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["name"] == "First campaign" and c["description"] == "codestral answers"
    assert c["max_nb_events"] == 5 and c["search_params"] == {"filters": CODESTRAL}
    assert c["judge"]["id"] == sorry_judge["id"] and c["judge"]["name"] == sorry_judge["name"]
    assert c["deleted_at"] is None and c["workspace_id"] == sorry_judge["workspace_id"]


@pytest.mark.operation(op.CAMPAIGN_STATUS)
def test_status_goes_running_then_completed_with_polling_pace(http, obs, sorry_judge):
    assert http.post("/__emulator/task-pace", json={"pace": "polls:2"}).status_code == 204
    c = make_campaign(obs, sorry_judge["id"])
    statuses = [obs.campaigns.fetch_status(campaign_id=str(c.id)).status for _ in range(4)]
    assert statuses[0] == "RUNNING" and statuses[1] == "RUNNING"
    assert statuses[-1] == "COMPLETED", statuses
    assert http.post("/__emulator/task-pace", json={"pace": None}).status_code == 204


@pytest.mark.operation(op.CAMPAIGN_SELECTED_EVENTS, op.SEARCH_IDS)
def test_selected_events_are_the_newest_matches(http, obs, sorry_judge):
    c = make_campaign(obs, sorry_judge["id"], max_nb_events=7)
    wait_completed(obs, str(c.id))
    newest = obs.chat_completion_events.search_ids(search_params={"filters": CODESTRAL}).completion_event_ids[:7]
    res = obs.campaigns.list_events(campaign_id=str(c.id), page_size=100)
    assert res.completion_events.count == 7
    assert [e.event_id for e in res.completion_events.results] == newest
    first = http.get(f"{CAMPAIGNS}/{c.id}/selected-events", params={"page_size": 3}).json()["completion_events"]
    assert first["count"] == 7 and len(first["results"]) == 3 and first["previous"] is None
    assert first["next"].startswith(http.base_url)
    ids = [e["event_id"] for e in first["results"]]
    page = first
    while page["next"]:
        page = http.get(page["next"]).json()["completion_events"]
        ids.extend(e["event_id"] for e in page["results"])
    assert ids == newest


@pytest.mark.operation(op.CREATE_CAMPAIGN, op.SEARCH, op.LIST_FIELDS, op.JUDGE_EVENT)
def test_annotations_become_a_filterable_judge_field(http, obs, sorry_judge):
    c = make_campaign(obs, sorry_judge["id"], max_nb_events=30)
    wait_completed(obs, str(c.id))
    field = f"__judge_{sorry_judge['id']}"
    fields = {f.name: f for f in obs.chat_completion_events.fields.list().field_definitions}
    assert field in fields and fields[field].type == "TEXT" and fields[field].group == "judges"

    res = obs.chat_completion_events.search(search_params={"filters": CODESTRAL}, page_size=100, extra_fields=[field])
    annotations = {r.event_id: r.extra_fields[field] for r in res.completion_events.results}
    assert len(annotations) == 30 and set(annotations.values()) <= {"apology", "plain"}
    definition = judge_body(instructions=SORRY_RULES, output=classification_output("apology", "plain"))
    for event_id in list(annotations)[:5]:
        live = obs.chat_completion_events.judge(event_id=event_id, judge_definition=definition)
        assert live.answer == annotations[event_id]

    for value in ("apology", "plain"):
        ids = obs.chat_completion_events.search_ids(
            search_params={"filters": {"field": field, "op": "eq", "value": value}}).completion_event_ids
        assert sorted(ids) == sorted(k for k, v in annotations.items() if v == value)
    unjudged = obs.chat_completion_events.search_ids(
        search_params={"filters": {"field": field, "op": "isnull", "value": True}}).completion_event_ids
    assert len(unjudged) == 320 - 30


@pytest.mark.operation(op.CREATE_CAMPAIGN, op.SEARCH_IDS)
def test_regression_annotations_are_numbers(http, obs):
    judge = make_judge(http, output={"type": "REGRESSION", "min": 0, "max": 10, "min_description": "bad",
                                     "max_description": "good"},
                       instructions='when assistant contains "```" -> 9\notherwise -> 3')
    c = make_campaign(obs, judge["id"], max_nb_events=10)
    wait_completed(obs, str(c.id))
    field = f"__judge_{judge['id']}"
    res = obs.chat_completion_events.search(search_params={"filters": {"field": field, "op": "gte", "value": 0}},
                                            extra_fields=[field])
    values = [r.extra_fields[field] for r in res.completion_events.results]
    assert len(values) == 10 and set(values) <= {3, 9}
    types = {f.name: f.type for f in obs.chat_completion_events.fields.list().field_definitions}
    assert types[field] == "FLOAT"


@pytest.mark.operation(op.CREATE_CAMPAIGN, op.SEARCH_IDS)
def test_annotations_belong_to_the_campaign_workspace(http, obs, sorry_judge, base_url):
    c = make_campaign(obs, sorry_judge["id"])
    wait_completed(obs, str(c.id))
    field = f"__judge_{sorry_judge['id']}"
    other = HTTP(base_url, new_token())
    r = other.post(f"{API}/chat-completion-events/search-ids",
                   json={"search_params": {"filters": {"field": field, "op": "isnull", "value": False}}})
    assert r.status_code == 400 or r.json()["completion_event_ids"] == [], r.text
    assert field not in {f["name"] for f in other.get(f"{API}/chat-completion-fields").json()["field_definitions"]}


@pytest.mark.operation(op.CREATE_CAMPAIGN)
def test_create_campaign_errors(http, obs, sorry_judge):
    nothing = {"field": "model_name", "op": "eq", "value": "no-such-model"}
    with pytest.raises(errors.ObservabilityError) as exc:
        make_campaign(obs, sorry_judge["id"], filters=nothing)
    status, body = sdk_error(exc)
    assert status == 400 and body["detail"]["error_code"] == "CAMPAIGN_NO_MATCHING_EVENTS"
    base = {"search_params": {"filters": CODESTRAL}, "judge_id": sorry_judge["id"], "name": "Bad campaign",
            "description": "x", "max_nb_events": 5}
    assert_error(http.post(CAMPAIGNS, json=dict(base, judge_id=str(uuid.uuid4()))), 404, "JUDGE_NOT_FOUND")
    assert_error(http.post(CAMPAIGNS, json=dict(base, max_nb_events=0)), 422, "VALIDATION_ERROR", contains="max_nb_events")
    assert_error(http.post(CAMPAIGNS, json=dict(base, max_nb_events=10001)), 422, "VALIDATION_ERROR", contains="max_nb_events")
    assert_error(http.post(CAMPAIGNS, json=dict(base, name="abc")), 422, "VALIDATION_ERROR", contains="name")
    assert_error(http.post(CAMPAIGNS, json=dict(base, judge_id="nope")), 422, "VALIDATION_ERROR", contains="judge_id")
    r = http.post(CAMPAIGNS, json=dict(base, search_params={"filters": {"field": "nope", "op": "eq", "value": 1}}))
    assert r.status_code == 400 and "nope" in r.json()["detail"]["message"], r.text
    assert http.get(CAMPAIGNS).json()["campaigns"]["count"] == 0, "rejected creates store nothing"


@pytest.mark.operation(op.CREATE_CAMPAIGN, op.DELETE_JUDGE)
def test_campaign_with_deleted_judge_is_404(http, obs, sorry_judge):
    assert http.delete(f"{API}/judges/{sorry_judge['id']}").status_code == 204
    with pytest.raises(errors.ObservabilityError) as exc:
        make_campaign(obs, sorry_judge["id"])
    assert sdk_error(exc)[1]["detail"]["error_code"] == "JUDGE_NOT_FOUND"


@pytest.mark.operation(op.LIST_CAMPAIGNS)
def test_list_campaigns_q_and_pages(http, obs, sorry_judge, base_url):
    for i in range(3):
        make_campaign(obs, sorry_judge["id"], name=f"Alpha run {i}")
    make_campaign(obs, sorry_judge["id"], name="Beta run")
    res = obs.campaigns.list()
    assert res.campaigns.count == 4 and res.campaigns.results[0].name == "Beta run", "newest first"
    assert {c.name for c in obs.campaigns.list(q="alpha").campaigns.results} == {"Alpha run 0", "Alpha run 1", "Alpha run 2"}
    page1 = http.get(CAMPAIGNS, params={"page_size": 3}).json()["campaigns"]
    assert page1["count"] == 4 and len(page1["results"]) == 3 and page1["previous"] is None
    assert page1["next"].startswith(base_url + CAMPAIGNS)
    page2 = http.get(page1["next"]).json()["campaigns"]
    assert len(page2["results"]) == 1 and page2["next"] is None and page2["previous"].startswith(base_url)
    assert_error(http.get(CAMPAIGNS, params={"page_size": 101}), 422, "VALIDATION_ERROR")
    assert HTTP(base_url, new_token()).get(CAMPAIGNS).json()["campaigns"]["count"] == 0


@pytest.mark.operation(op.GET_CAMPAIGN, op.DELETE_CAMPAIGN, op.CAMPAIGN_STATUS, op.CAMPAIGN_SELECTED_EVENTS)
def test_fetch_delete_and_not_found(http, obs, sorry_judge, base_url):
    c = make_campaign(obs, sorry_judge["id"])
    fetched = obs.campaigns.fetch(campaign_id=str(c.id))
    assert fetched.id == c.id and fetched.judge.id == c.judge.id
    other = HTTP(base_url, new_token())
    assert_error(other.get(f"{CAMPAIGNS}/{c.id}"), 404, "CAMPAIGN_NOT_FOUND")
    assert_error(other.delete(f"{CAMPAIGNS}/{c.id}"), 404, "CAMPAIGN_NOT_FOUND")
    assert obs.campaigns.delete(campaign_id=str(c.id)) is None
    for path in ("", "/status", "/selected-events"):
        assert_error(http.get(f"{CAMPAIGNS}/{c.id}{path}"), 404, "CAMPAIGN_NOT_FOUND")
        assert_error(http.get(f"{CAMPAIGNS}/{uuid.uuid4()}{path}"), 404, "CAMPAIGN_NOT_FOUND")
        assert_error(http.get(f"{CAMPAIGNS}/not-a-uuid{path}"), 422, "VALIDATION_ERROR")
    assert_error(http.delete(f"{CAMPAIGNS}/{c.id}"), 404, "CAMPAIGN_NOT_FOUND")
    assert obs.campaigns.list().campaigns.count == 0
