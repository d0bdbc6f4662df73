"""Datasets, records, imports, tasks and export, and the full explorer → dataset flow."""

from __future__ import annotations

import collections
import json
import uuid

import pytest
import requests
from mistralai.client import errors

import operations as op
from conftest import API, HTTP, assert_error, classification_output, judge_body, load_fixture_events, new_token, poll, sdk_error

DATASETS = f"{API}/datasets"
RECORDS = f"{API}/dataset-records"
INVOICE_EVENT = "e79bf81b-b37f-425e-9dff-071a54592e44"
PASSWORD_EVENT = "b7be6e08-d068-45fc-b77a-966232e92fd6"
SORRY_RULES = 'when assistant icontains "sorry" -> apology\notherwise -> plain'


def conversation(user: str, assistant: str) -> dict:
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}


def new_dataset(obs, name: str | None = None):
    return obs.datasets.create(name=name or f"dataset {uuid.uuid4().hex[:8]}", description="conformance data")


def wait_task(obs, dataset_id, task_id, timeout: float = 60):
    task = poll(lambda: obs.datasets.fetch_task(dataset_id=str(dataset_id), task_id=str(task_id)),
                lambda t: t.status != "RUNNING", timeout=timeout)
    return task


def all_records(obs, dataset_id) -> list:
    res = obs.datasets.list_records(dataset_id=str(dataset_id), page_size=100)
    assert res.records.count <= 100
    return res.records.results


def shared_correlation_ids() -> dict[str, list[dict]]:
    groups = collections.defaultdict(list)
    for e in load_fixture_events():
        groups[e["correlation_id"]].append(e)
    return {k: v for k, v in groups.items() if len(v) > 1}


# --------------------------------------------------------------------------------------------
# datasets CRUD
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.CREATE_DATASET, op.GET_DATASET)
def test_create_and_fetch_dataset(http, obs):
    r = http.post(DATASETS, json={"name": "Support answers", "description": "hand-picked"})
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["name"] == "Support answers" and d["description"] == "hand-picked" and d["deleted_at"] is None
    fetched = obs.datasets.fetch(dataset_id=d["id"])
    assert str(fetched.id) == d["id"] and fetched.name == "Support answers"
    assert str(fetched.workspace_id) == d["workspace_id"]


@pytest.mark.operation(op.CREATE_DATASET)
@pytest.mark.parametrize("body,mentioned", [
    ({"name": "abcd", "description": "x"}, "name"),
    ({"name": "n" * 51, "description": "x"}, "name"),
    ({"name": "Valid name", "description": "d" * 201}, "description"),
    ({"name": "Valid name"}, "description"),
    ({"name": 12345, "description": "x"}, "name"),
])
def test_invalid_dataset_is_422(http, body, mentioned):
    assert_error(http.post(DATASETS, json=body), 422, "VALIDATION_ERROR", contains=mentioned)
    assert http.get(DATASETS).json()["datasets"]["count"] == 0


@pytest.mark.operation(op.UPDATE_DATASET)
def test_patch_dataset(http, obs):
    d = new_dataset(obs, "Before rename")
    out = obs.datasets.update(dataset_id=str(d.id), name="After rename")
    assert out.name == "After rename" and out.description == "conformance data"
    r = http.patch(f"{DATASETS}/{d.id}", json={"description": "new description"})
    assert r.status_code == 200 and r.json()["name"] == "After rename" and r.json()["description"] == "new description"
    assert_error(http.patch(f"{DATASETS}/{d.id}", json={"name": "abc"}), 422, "VALIDATION_ERROR", contains="name")
    assert_error(http.patch(f"{DATASETS}/{uuid.uuid4()}", json={"name": "Whatever name"}), 404, "DATASET_NOT_FOUND")
    assert obs.datasets.fetch(dataset_id=str(d.id)).name == "After rename"


@pytest.mark.operation(op.LIST_DATASETS)
def test_list_datasets_q_pages_and_isolation(http, obs, base_url):
    for i in range(3):
        new_dataset(obs, f"Gamma set {i}")
    new_dataset(obs, "Delta set")
    res = obs.datasets.list()
    assert res.datasets.count == 4 and res.datasets.results[0].name == "Delta set"
    assert {d.name for d in obs.datasets.list(q="GAMMA").datasets.results} == {"Gamma set 0", "Gamma set 1", "Gamma set 2"}
    page1 = http.get(DATASETS, params={"page_size": 2}).json()["datasets"]
    assert page1["next"].startswith(base_url + DATASETS) and page1["previous"] is None
    page2 = http.get(page1["next"]).json()["datasets"]
    assert page2["next"] is None and len(page2["results"]) == 2
    assert {d["id"] for d in page1["results"]}.isdisjoint({d["id"] for d in page2["results"]})
    assert HTTP(base_url, new_token()).get(DATASETS).json()["datasets"]["count"] == 0


@pytest.mark.operation(op.DELETE_DATASET, op.GET_DATASET)
def test_delete_dataset(http, obs, base_url):
    d = new_dataset(obs)
    assert_error(HTTP(base_url, new_token()).delete(f"{DATASETS}/{d.id}"), 404, "DATASET_NOT_FOUND")
    assert obs.datasets.delete(dataset_id=str(d.id)) is None
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.datasets.fetch(dataset_id=str(d.id))
    assert sdk_error(exc)[1]["detail"]["error_code"] == "DATASET_NOT_FOUND"
    assert_error(http.delete(f"{DATASETS}/{d.id}"), 404, "DATASET_NOT_FOUND")
    # Not a UUID: read as a slug, and no dataset has this one.
    assert_error(http.get(f"{DATASETS}/not-a-uuid"), 404, "DATASET_NOT_FOUND", contains="not-a-uuid")
    assert_error(http.get(f"{DATASETS}/{d.id}/records"), 404, "DATASET_NOT_FOUND")


# --------------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.CREATE_RECORD, op.GET_RECORD, op.LIST_RECORDS)
def test_create_fetch_and_list_records(http, obs, base_url):
    d = new_dataset(obs)
    rec = obs.datasets.create_record(dataset_id=str(d.id), payload=conversation("Hi", "Hello!"),
                                     properties={"expected_output": "Hello!"})
    assert rec.source == "DIRECT_INPUT" and str(rec.dataset_id) == str(d.id)
    assert rec.payload["messages"] == conversation("Hi", "Hello!")["messages"]
    assert rec.properties == {"expected_output": "Hello!"}
    got = obs.datasets.records.fetch(dataset_record_id=str(rec.id))
    assert got.id == rec.id and got.properties == rec.properties
    for i in range(4):
        http.post(f"{DATASETS}/{d.id}/records", json={"payload": conversation(f"q{i}", f"a{i}"), "properties": {}})
    listing = http.get(f"{DATASETS}/{d.id}/records", params={"page_size": 2}).json()["records"]
    assert listing["count"] == 5 and len(listing["results"]) == 2
    assert listing["next"].startswith(base_url) and listing["previous"] is None
    assert listing["results"][0]["payload"]["messages"][0]["content"] == "q3", "newest first"
    assert_error(HTTP(base_url, new_token()).get(f"{RECORDS}/{rec.id}"), 404, "DATASET_RECORD_NOT_FOUND")


@pytest.mark.operation(op.CREATE_RECORD)
def test_invalid_record_is_422(http, obs):
    d = new_dataset(obs)
    # The payload is a free-form object and properties are optional (the newer schemas loosen
    # both), but messages, when given, must be objects; and a payload is required.
    assert_error(http.post(f"{DATASETS}/{d.id}/records", json={"payload": {"messages": [[None]]}, "properties": {}}),
                 422, "VALIDATION_ERROR", contains="messages")
    assert_error(http.post(f"{DATASETS}/{d.id}/records", json={"properties": {}}), 422, "VALIDATION_ERROR", contains="payload")
    assert_error(http.post(f"{DATASETS}/{d.id}/records", json={"payload": []}), 422, "VALIDATION_ERROR", contains="payload")
    assert_error(http.post(f"{DATASETS}/{d.id}/records", json={"payload": {}, "source": "PLAYGROUND"}), 422,
                 "VALIDATION_ERROR", contains="source")
    assert_error(http.post(f"{DATASETS}/{uuid.uuid4()}/records", json={"payload": conversation("q", "a"), "properties": {}}),
                 404, "DATASET_NOT_FOUND")
    assert http.get(f"{DATASETS}/{d.id}/records").json()["records"]["count"] == 0


@pytest.mark.operation(op.UPDATE_RECORD_PAYLOAD, op.UPDATE_RECORD_PROPERTIES)
def test_update_record_payload_and_properties(http, obs):
    d = new_dataset(obs)
    rec = obs.datasets.create_record(dataset_id=str(d.id), payload=conversation("q", "a"), properties={"k": 1})
    assert obs.datasets.records.update_payload(dataset_record_id=str(rec.id), payload=conversation("q2", "a2")) is None
    r = http.put(f"{RECORDS}/{rec.id}/properties", json={"properties": {"k": 2, "tag": "x"}})
    assert r.status_code == 204 and r.content == b""
    got = obs.datasets.records.fetch(dataset_record_id=str(rec.id))
    assert got.payload["messages"] == conversation("q2", "a2")["messages"]
    assert got.properties == {"k": 2, "tag": "x"}
    obs.datasets.records.update_properties(dataset_record_id=str(rec.id), properties={})
    assert obs.datasets.records.fetch(dataset_record_id=str(rec.id)).properties == {}
    assert_error(http.put(f"{RECORDS}/{rec.id}/payload", json={"payload": {"messages": "no"}}), 422, "VALIDATION_ERROR")
    assert_error(http.put(f"{RECORDS}/{uuid.uuid4()}/payload", json={"payload": conversation("q", "a")}), 404,
                 "DATASET_RECORD_NOT_FOUND")
    assert_error(http.put(f"{RECORDS}/{uuid.uuid4()}/properties", json={"properties": {}}), 404, "DATASET_RECORD_NOT_FOUND")


@pytest.mark.operation(op.DELETE_RECORD, op.BULK_DELETE_RECORDS)
def test_delete_and_bulk_delete_records(http, obs):
    d = new_dataset(obs)
    recs = [obs.datasets.create_record(dataset_id=str(d.id), payload=conversation(f"q{i}", f"a{i}"), properties={})
            for i in range(4)]
    assert obs.datasets.records.delete(dataset_record_id=str(recs[0].id)) is None
    assert_error(http.get(f"{RECORDS}/{recs[0].id}"), 404, "DATASET_RECORD_NOT_FOUND")
    assert_error(http.delete(f"{RECORDS}/{recs[0].id}"), 404, "DATASET_RECORD_NOT_FOUND")
    assert obs.datasets.records.bulk_delete(dataset_record_ids=[str(recs[1].id), str(recs[2].id)]) is None
    left = all_records(obs, d.id)
    assert [r.id for r in left] == [recs[3].id]
    assert_error(http.post(f"{RECORDS}/bulk-delete", json={"dataset_record_ids": []}), 422, "VALIDATION_ERROR")
    assert_error(http.post(f"{RECORDS}/bulk-delete", json={"dataset_record_ids": ["nope"]}), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.JUDGE_RECORD)
def test_judge_record_uses_its_messages_and_properties(http, obs):
    d = new_dataset(obs)
    rec = obs.datasets.create_record(dataset_id=str(d.id), payload=conversation("Capital of France?", "Paris"),
                                     properties={"expected_output": "Paris"})
    definition = judge_body(output=classification_output("match", "miss"),
                            instructions="when properties.expected_output equals assistant -> match\notherwise -> miss")
    out = obs.datasets.records.judge(dataset_record_id=str(rec.id), judge_definition=definition)
    assert out.answer == "match" and out.analysis
    again = http.post(f"{RECORDS}/{rec.id}/live-judging", json={"judge_definition": definition})
    twice = http.post(f"{RECORDS}/{rec.id}/live-judging", json={"judge_definition": definition})
    assert again.status_code == 200 and again.content == twice.content
    assert_error(http.post(f"{RECORDS}/{uuid.uuid4()}/live-judging", json={"judge_definition": definition}), 404,
                 "DATASET_RECORD_NOT_FOUND")
    lonely = obs.datasets.create_record(dataset_id=str(d.id), payload={"messages": [{"role": "user", "content": "hi"}]},
                                        properties={})
    assert_error(http.post(f"{RECORDS}/{lonely.id}/live-judging", json={"judge_definition": definition}), 400,
                 "JUDGE_CONVERSATION_FORMAT_ERROR")


# --------------------------------------------------------------------------------------------
# imports and tasks
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.IMPORT_FROM_EXPLORER, op.GET_TASK, op.LIST_TASKS)
def test_import_from_explorer(http, obs, fixture_events):
    d = new_dataset(obs)
    r = http.post(f"{DATASETS}/{d.id}/imports/from-explorer", json={"completion_event_ids": [INVOICE_EVENT, PASSWORD_EVENT]})
    assert r.status_code == 202, r.text
    task = r.json()
    assert task["dataset_id"] == str(d.id) and task["status"] in ("RUNNING", "COMPLETED")
    done = wait_task(obs, d.id, task["id"])
    assert done.status == "COMPLETED" and done.progress == 100
    records = all_records(obs, d.id)
    assert len(records) == 2 and {r.source for r in records} == {"EXPLORER"}
    by_id = {e["event_id"]: e for e in fixture_events}
    for rec in records:
        event = next(e for e in (by_id[INVOICE_EVENT], by_id[PASSWORD_EVENT])
                     if rec.payload["messages"] == e["request_messages"] + e["response_messages"])
        assert rec.properties["model_name"] == event["extra_fields"]["model_name"]
    tasks = obs.datasets.list_tasks(dataset_id=str(d.id))
    assert tasks.tasks.count == 1 and str(tasks.tasks.results[0].id) == task["id"]


@pytest.mark.operation(op.IMPORT_FROM_EXPLORER, op.GET_TASK)
def test_import_from_explorer_unknown_ids_fail_the_task(obs):
    d = new_dataset(obs)
    missing = str(uuid.uuid4())
    task = obs.datasets.import_from_explorer(dataset_id=str(d.id), completion_event_ids=[INVOICE_EVENT, missing])
    done = wait_task(obs, d.id, task.id)
    assert done.status == "FAILED" and missing in (done.message or "")
    assert all_records(obs, d.id) == []


@pytest.mark.operation(op.IMPORT_FROM_EXPLORER)
def test_import_from_explorer_limits(http, obs):
    d = new_dataset(obs)
    too_many = [str(uuid.uuid4()) for _ in range(501)]
    assert_error(http.post(f"{DATASETS}/{d.id}/imports/from-explorer", json={"completion_event_ids": too_many}),
                 422, "VALIDATION_ERROR", contains="completion_event_ids")
    assert_error(http.post(f"{DATASETS}/{uuid.uuid4()}/imports/from-explorer", json={"completion_event_ids": [INVOICE_EVENT]}),
                 404, "DATASET_NOT_FOUND")


@pytest.mark.operation(op.GET_TASK, op.LIST_TASKS)
def test_task_pace_and_task_errors(http, obs):
    d = new_dataset(obs)
    assert http.post("/__emulator/task-pace", json={"pace": "polls:2"}).status_code == 204
    task = obs.datasets.import_from_explorer(dataset_id=str(d.id), completion_event_ids=[INVOICE_EVENT])
    statuses = [obs.datasets.fetch_task(dataset_id=str(d.id), task_id=str(task.id)).status for _ in range(4)]
    assert statuses[0] == "RUNNING" and statuses[-1] == "COMPLETED", statuses
    assert_error(http.get(f"{DATASETS}/{d.id}/tasks/{uuid.uuid4()}"), 404, "DATASET_TASK_NOT_FOUND")
    assert_error(http.get(f"{DATASETS}/{d.id}/tasks/nope"), 422, "VALIDATION_ERROR")
    other = new_dataset(obs)
    assert_error(http.get(f"{DATASETS}/{other.id}/tasks/{task.id}"), 404, "DATASET_TASK_NOT_FOUND")
    assert obs.datasets.list_tasks(dataset_id=str(other.id)).tasks.count == 0


@pytest.mark.operation(op.IMPORT_FROM_DATASET)
def test_import_from_dataset_copies_records(obs):
    src, dst = new_dataset(obs), new_dataset(obs)
    recs = [obs.datasets.create_record(dataset_id=str(src.id), payload=conversation(f"q{i}", f"a{i}"),
                                       properties={"i": i}) for i in range(3)]
    task = obs.datasets.import_from_dataset_records(dataset_id=str(dst.id), dataset_record_ids=[str(recs[0].id), str(recs[2].id)])
    assert wait_task(obs, dst.id, task.id).status == "COMPLETED"
    copies = all_records(obs, dst.id)
    assert sorted(r.properties["i"] for r in copies) == [0, 2]
    assert {r.id for r in copies}.isdisjoint({r.id for r in recs})
    assert len(all_records(obs, src.id)) == 3


@pytest.mark.operation(op.IMPORT_FROM_FILE)
def test_import_from_uploaded_file(client, obs):
    d = new_dataset(obs)
    lines = [json.dumps({"messages": conversation(f"file q{i}", f"file a{i}")["messages"], "properties": {"line": i}})
             for i in range(3)]
    uploaded = client.files.upload(file={"file_name": "records.jsonl", "content": ("\n".join(lines) + "\n").encode()})
    assert uploaded.id and uploaded.filename == "records.jsonl"
    task = obs.datasets.import_from_file(dataset_id=str(d.id), file_id=str(uploaded.id))
    assert wait_task(obs, d.id, task.id).status == "COMPLETED"
    records = all_records(obs, d.id)
    assert sorted(r.properties["line"] for r in records) == [0, 1, 2]
    assert {r.source for r in records} == {"UPLOADED_FILE"}


@pytest.mark.operation(op.IMPORT_FROM_FILE)
def test_import_from_file_with_a_bad_line_imports_nothing(client, obs, http):
    d = new_dataset(obs)
    content = json.dumps({"messages": conversation("q", "a")["messages"], "properties": {}}) + "\n{broken\n"
    uploaded = client.files.upload(file={"file_name": "bad.jsonl", "content": content.encode()})
    done = wait_task(obs, d.id, obs.datasets.import_from_file(dataset_id=str(d.id), file_id=str(uploaded.id)).id)
    assert done.status == "FAILED" and "2" in (done.message or ""), done.message
    assert all_records(obs, d.id) == []
    r = http.post(f"{DATASETS}/{d.id}/imports/from-file", json={"file_id": str(uuid.uuid4())})
    assert r.status_code in (202, 404), r.text
    if r.status_code == 202:
        assert wait_task(obs, d.id, r.json()["id"]).status == "FAILED"


@pytest.mark.operation(op.IMPORT_FROM_PLAYGROUND)
def test_import_from_playground_uses_events_sharing_the_correlation_id(obs):
    d = new_dataset(obs)
    conversation_id, events = next(iter(shared_correlation_ids().items()))
    task = obs.datasets.import_from_playground(dataset_id=str(d.id), conversation_ids=[conversation_id])
    assert wait_task(obs, d.id, task.id).status == "COMPLETED"
    records = all_records(obs, d.id)
    assert records and {r.source for r in records} == {"PLAYGROUND"}
    texts = {m.get("content") for r in records for m in r.payload["messages"]}
    assert {m["content"] for e in events for m in e["response_messages"] if m.get("content")} <= texts
    missing = str(uuid.uuid4())
    bad = obs.datasets.import_from_playground(dataset_id=str(d.id), conversation_ids=[missing])
    failed = wait_task(obs, d.id, bad.id)
    assert failed.status == "FAILED" and missing in (failed.message or "")


@pytest.mark.operation(op.EXPORT_JSONL)
def test_export_downloads_jsonl_without_a_bearer(http, obs):
    d = new_dataset(obs)
    for i in range(3):
        obs.datasets.create_record(dataset_id=str(d.id), payload=conversation(f"q{i}", f"a{i}"), properties={"i": i})
    export = obs.datasets.export_to_jsonl(dataset_id=str(d.id))
    assert export.file_url.startswith(http.base_url)
    r = requests.get(export.file_url, timeout=10)
    assert r.status_code == 200
    lines = [json.loads(line) for line in r.text.splitlines() if line.strip()]
    assert sorted(line["properties"]["i"] for line in lines) == [0, 1, 2]
    assert all(set(line) >= {"messages", "properties"} for line in lines)
    assert_error(http.get(f"{DATASETS}/{uuid.uuid4()}/exports/to-jsonl"), 404, "DATASET_NOT_FOUND")
    guessed = export.file_url.rsplit("/", 1)[0] + "/" + uuid.uuid4().hex
    assert requests.get(guessed, timeout=10).status_code == 404


# --------------------------------------------------------------------------------------------
# the full flow
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.SEARCH, op.JUDGE_EVENT, op.CREATE_CAMPAIGN, op.CAMPAIGN_STATUS, op.SEARCH_IDS,
                       op.IMPORT_FROM_CAMPAIGN, op.GET_TASK, op.EXPORT_JSONL)
def test_full_flow_search_judge_campaign_filter_import_export(http, obs, client):
    support = {"AND": [{"field": "metadata.team", "op": "eq", "value": "support"},
                       {"field": "timestamp", "op": "gte", "value": "2025-09-01T00:00:00.000Z"}]}
    page = obs.chat_completion_events.search(search_params={"filters": support}, page_size=5).completion_events
    assert page.results
    definition = judge_body(name="Apology detector", instructions=SORRY_RULES,
                            output=classification_output("apology", "plain"))
    live = obs.chat_completion_events.judge(event_id=page.results[0].event_id, judge_definition=definition)
    assert live.answer in ("apology", "plain")

    judge = obs.judges.create(**definition)
    campaign = obs.campaigns.create(search_params={"filters": support}, judge_id=str(judge.id), name="Support apologies",
                                    description="flow", max_nb_events=40)
    status = poll(lambda: obs.campaigns.fetch_status(campaign_id=str(campaign.id)).status, lambda s: s != "RUNNING")
    assert status == "COMPLETED"

    field = f"__judge_{judge.id}"
    judged = obs.chat_completion_events.search_ids(
        search_params={"filters": {"field": field, "op": "isnull", "value": False}}).completion_event_ids
    assert len(judged) == 40
    plain = obs.chat_completion_events.search_ids(
        search_params={"filters": {"AND": [support, {"field": field, "op": "eq", "value": "plain"}]}}).completion_event_ids
    assert 0 < len(plain) <= 40

    dataset = obs.datasets.create(name="Judged support", description="from the campaign")
    task = obs.datasets.import_from_campaign(dataset_id=str(dataset.id), campaign_id=str(campaign.id))
    assert wait_task(obs, dataset.id, task.id).status == "COMPLETED"
    records = obs.datasets.list_records(dataset_id=str(dataset.id), page_size=100).records
    assert records.count == 40
    annotations = collections.Counter(r.properties[field] for r in records.results)
    assert annotations["plain"] == len(plain)

    export = obs.datasets.export_to_jsonl(dataset_id=str(dataset.id))
    download = requests.get(export.file_url, timeout=10)
    assert download.status_code == 200
    lines = [json.loads(line) for line in download.text.splitlines() if line.strip()]
    assert len(lines) == 40 and all(line["messages"] for line in lines)
    assert collections.Counter(line["properties"][field] for line in lines) == annotations


@pytest.mark.operation(op.IMPORT_FROM_CAMPAIGN)
def test_import_from_unknown_campaign(http, obs):
    d = new_dataset(obs)
    r = http.post(f"{DATASETS}/{d.id}/imports/from-campaign", json={"campaign_id": str(uuid.uuid4())})
    if r.status_code == 202:
        assert wait_task(obs, d.id, r.json()["id"]).status == "FAILED"
    else:
        assert_error(r, 404, "CAMPAIGN_NOT_FOUND")
    assert_error(http.post(f"{DATASETS}/{d.id}/imports/from-campaign", json={"campaign_id": "nope"}), 422, "VALIDATION_ERROR")
