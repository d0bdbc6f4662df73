"""Datasets through the SDK: CRUD, slugs, records, imports (file, playground, dataset, explorer,
campaign), tasks and the JSONL export."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import uuid

import pytest
import requests
from mistralai.client import errors

from helpers import (API, INVOICE_EVENT, PASSWORD_EVENT, UUID_RE, classification, conversation, conversations,
                     dataset_json, error_of, fixture_events, import_result, judge_body, make_client, poll, task_json,
                     unique_name, wait_task)


def new_dataset(obs, name: str | None = None, description: str = "sdk matrix data"):
    return obs.datasets.create(name=name or unique_name("dataset"), description=description)


def all_records(obs, dataset_id) -> list:
    page = obs.datasets.list_records(dataset_id=str(dataset_id), page_size=100).records
    assert page.count == len(page.results), "more than one page"
    return page.results


def messages_of(event: dict) -> list[dict]:
    return event["request_messages"] + event["response_messages"]


def model_has(model, field: str) -> bool:
    return field in type(model).model_fields


# --------------------------------------------------------------------------------------------
# CRUD
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("datasets.create", "datasets.fetch")
def test_create_and_fetch(obs, http):
    d = obs.datasets.create(name="Support answers", description="hand-picked")
    assert UUID_RE.match(str(d.id)) and d.deleted_at is None
    assert (d.name, d.description) == ("Support answers", "hand-picked")
    assert isinstance(d.created_at, dt.datetime) and d.created_at == d.updated_at
    fetched = obs.datasets.fetch(dataset_id=str(d.id))
    assert (fetched.id, fetched.name, fetched.description, fetched.workspace_id, fetched.owner_id) == \
        (d.id, d.name, d.description, d.workspace_id, d.owner_id)
    assert dataset_json(http, d.id)["slug"] == "support-answers"
    if model_has(d, "slug"):  # 3.1.0+ models require it
        assert d.slug == fetched.slug == "support-answers"
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.datasets.fetch(dataset_id=str(uuid.uuid4()))
    assert error_of(exc)[:2] == (404, "DATASET_NOT_FOUND")


@pytest.mark.sdk_method("datasets.create", "datasets.fetch", "datasets.update", "datasets.delete", "datasets.list_records")
def test_slugs_are_unique_kept_on_rename_and_usable_as_ids(obs, http):
    first = new_dataset(obs, "Support answers!! (EN)")
    second = new_dataset(obs, "support   answers / en")
    gone = new_dataset(obs, "Support-Answers EN")
    obs.datasets.delete(dataset_id=str(gone.id))
    fourth = new_dataset(obs, "SUPPORT answers en")
    slugs = [dataset_json(http, d.id)["slug"] for d in (first, second, fourth)]
    assert slugs == ["support-answers-en", "support-answers-en-2", "support-answers-en-4"], \
        "a clash takes -2, -3, …, deleted datasets included"

    renamed = obs.datasets.update(dataset_id=str(first.id), name="Renamed dataset")
    assert renamed.name == "Renamed dataset"
    assert dataset_json(http, first.id)["slug"] == "support-answers-en", "a rename keeps the slug"

    by_id = obs.datasets.fetch(dataset_id=str(first.id))
    by_slug = obs.datasets.fetch(dataset_id="support-answers-en")
    assert by_slug.model_dump() == by_id.model_dump()
    if model_has(by_slug, "slug"):
        assert by_slug.slug == "support-answers-en"

    obs.datasets.create_record(dataset_id=str(first.id), payload=conversation("q", "a"), properties={})
    via_slug = obs.datasets.list_records(dataset_id="support-answers-en").records
    assert via_slug.count == 1 and via_slug.results[0].dataset_id == first.id
    updated = obs.datasets.update(dataset_id="support-answers-en-2", description="by slug")
    assert updated.id == second.id and updated.description == "by slug"
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.datasets.fetch(dataset_id="no-such-slug")
    assert error_of(exc)[:2] == (404, "DATASET_NOT_FOUND")


@pytest.mark.sdk_method("datasets.list")
def test_list_newest_first_with_q_and_pages(obs, http):
    for i in range(3):
        new_dataset(obs, f"Gamma set {i}")
    new_dataset(obs, "Delta set")
    res = obs.datasets.list()
    assert res.datasets.count == 4
    assert [d.name for d in res.datasets.results] == ["Delta set", "Gamma set 2", "Gamma set 1", "Gamma set 0"]
    assert {d.name for d in obs.datasets.list(q="GAMMA").datasets.results} == {"Gamma set 0", "Gamma set 1", "Gamma set 2"}
    page2 = obs.datasets.list(page_size=3, page=2).datasets
    assert page2.count == 4 and [d.name for d in page2.results] == ["Gamma set 0"] and page2.next is None
    if model_has(res.datasets.results[0], "slug"):
        assert res.datasets.results[0].slug == "delta-set"
    raw = http.get_json(f"{API}/datasets")["datasets"]["results"]
    assert [d["slug"] for d in raw] == ["delta-set", "gamma-set-2", "gamma-set-1", "gamma-set-0"]


@pytest.mark.sdk_method("datasets.update")
def test_update_name_and_description(obs):
    d = new_dataset(obs, "Before rename", description="first")
    out = obs.datasets.update(dataset_id=str(d.id), name="After rename")
    assert (out.id, out.name, out.description) == (d.id, "After rename", "first")
    assert out.updated_at >= d.updated_at
    out = obs.datasets.update(dataset_id=str(d.id), description="second")
    assert (out.name, out.description) == ("After rename", "second")
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.datasets.update(dataset_id=str(d.id), name="abc")
    assert error_of(exc)[:2] == (422, "VALIDATION_ERROR")


@pytest.mark.sdk_method("datasets.delete", "datasets.list")
def test_delete(obs):
    keep, drop = new_dataset(obs), new_dataset(obs)
    assert obs.datasets.delete(dataset_id=str(drop.id)) is None
    assert [d.id for d in obs.datasets.list().datasets.results] == [keep.id]
    for call in (lambda: obs.datasets.fetch(dataset_id=str(drop.id)), lambda: obs.datasets.delete(dataset_id=str(drop.id))):
        with pytest.raises(errors.ObservabilityError) as exc:
            call()
        assert error_of(exc)[:2] == (404, "DATASET_NOT_FOUND")


# --------------------------------------------------------------------------------------------
# Records in a dataset
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("datasets.create_record", "datasets.list_records")
def test_create_record_and_list_records(obs):
    d = new_dataset(obs)
    rec = obs.datasets.create_record(dataset_id=str(d.id), payload=conversation("Hi", "Hello!"),
                                     properties={"expected_output": "Hello!", "score": 3})
    assert UUID_RE.match(str(rec.id)) and rec.dataset_id == d.id and rec.deleted_at is None
    assert rec.source == "DIRECT_INPUT"
    assert rec.payload == conversation("Hi", "Hello!")
    assert rec.properties == {"expected_output": "Hello!", "score": 3}
    for i in range(4):
        obs.datasets.create_record(dataset_id=str(d.id), payload=conversation(f"q{i}", f"a{i}"), properties={"i": i})
    page = obs.datasets.list_records(dataset_id=str(d.id), page_size=2).records
    assert page.count == 5 and len(page.results) == 2 and page.previous is None and page.next
    assert [r.properties["i"] for r in page.results] == [3, 2], "newest first"
    last = obs.datasets.list_records(dataset_id=str(d.id), page_size=2, page=3).records
    assert [r.id for r in last.results] == [rec.id] and last.next is None


@pytest.mark.sdk_method("datasets.create_record", "datasets.records.fetch")
def test_create_record_with_only_a_free_form_payload(obs, http):
    d = new_dataset(obs)
    payload = {"input": "What is 2+2?", "expected": "4", "tags": ["math"]}
    rec = obs.datasets.create_record(dataset_id=str(d.id), payload=payload)
    assert rec.payload == payload and rec.properties == {} and rec.source == "DIRECT_INPUT"
    assert obs.datasets.records.fetch(dataset_record_id=str(rec.id)).payload == payload

    # TELEMETRY_SPAN is stored as sent: through the SDK where it has `source` (2.10.0+), else raw.
    span_payload = {"messages": [{"role": "user", "content": "from a span"}]}
    if "source" in inspect.signature(obs.datasets.create_record).parameters:
        span = obs.datasets.create_record(dataset_id=str(d.id), payload=span_payload, source="TELEMETRY_SPAN")
        span_id = span.id
        assert span.source == "TELEMETRY_SPAN"
    else:
        r = http.post(f"{API}/datasets/{d.id}/records", json={"payload": span_payload, "source": "TELEMETRY_SPAN"})
        assert r.status_code == 201, r.text
        span_id = r.json()["id"]
    fetched = obs.datasets.records.fetch(dataset_record_id=str(span_id))
    assert fetched.source == "TELEMETRY_SPAN" and fetched.payload == span_payload and fetched.properties == {}


# --------------------------------------------------------------------------------------------
# Imports and tasks
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("datasets.import_from_file", "datasets.fetch_task")
def test_import_from_an_uploaded_jsonl_file(client, obs, http):
    d = new_dataset(obs)
    lines = [{"messages": conversation(f"file q{i}", f"file a{i}")["messages"], "properties": {"line": i}} for i in range(3)]
    content = "".join(json.dumps(line) + "\n" for line in lines).encode()
    uploaded = client.files.upload(file={"file_name": "records.jsonl", "content": content})
    assert uploaded.filename == "records.jsonl" and uploaded.size_bytes == len(content) and uploaded.id
    task = obs.datasets.import_from_file(dataset_id=str(d.id), file_id=str(uploaded.id))
    assert task.dataset_id == d.id and task.status in ("RUNNING", "COMPLETED")
    done = wait_task(obs, d.id, task.id)
    assert (done.id, done.status, done.progress) == (task.id, "COMPLETED", 100)
    assert import_result(obs, http, done) == \
        {"requested_record_count": 3, "imported_record_count": 3, "skipped_record_count": 0}
    records = all_records(obs, d.id)
    assert sorted(r.properties["line"] for r in records) == [0, 1, 2]
    assert {r.source for r in records} == {"UPLOADED_FILE"}
    assert sorted(r.payload["messages"][0]["content"] for r in records) == ["file q0", "file q1", "file q2"]

    bad = client.files.upload(file={"file_name": "bad.jsonl", "content": content + b"{broken\n"})
    failed = wait_task(obs, d.id, obs.datasets.import_from_file(dataset_id=str(d.id), file_id=str(bad.id)).id)
    assert failed.status == "FAILED" and "4" in (failed.message or ""), failed.message
    assert len(all_records(obs, d.id)) == 3, "a bad line imports nothing"


@pytest.mark.sdk_method("datasets.import_from_playground", "datasets.fetch_task")
def test_import_from_playground_conversations(obs, http):
    d = new_dataset(obs)
    shared = {cid: events for cid, events in conversations().items() if len(events) > 1}
    chosen = sorted(shared)[:2]
    task = obs.datasets.import_from_playground(dataset_id=str(d.id), conversation_ids=chosen)
    done = wait_task(obs, d.id, task.id)
    assert done.status == "COMPLETED", done.message
    records = all_records(obs, d.id)
    assert len(records) == 2 and {r.source for r in records} == {"PLAYGROUND"}
    assert import_result(obs, http, done) == \
        {"requested_record_count": 2, "imported_record_count": 2, "skipped_record_count": 0}
    by_conversation = {r.properties["conversation_id"]: r for r in records}
    assert set(by_conversation) == set(chosen)
    for cid in chosen:
        newest = shared[cid][-1]  # its request carries the whole conversation so far
        assert by_conversation[cid].payload["messages"] == messages_of(newest)

    missing = str(uuid.uuid4())
    failed = wait_task(obs, d.id, obs.datasets.import_from_playground(dataset_id=str(d.id), conversation_ids=[missing]).id)
    assert failed.status == "FAILED" and missing in (failed.message or "")


@pytest.mark.sdk_method("datasets.import_from_dataset_records", "datasets.fetch_task")
def test_import_from_another_dataset(obs, http):
    src, dst = new_dataset(obs), new_dataset(obs)
    recs = [obs.datasets.create_record(dataset_id=str(src.id), payload=conversation(f"q{i}", f"a{i}"),
                                       properties={"i": i}) for i in range(3)]
    task = obs.datasets.import_from_dataset_records(dataset_id=str(dst.id),
                                                    dataset_record_ids=[str(recs[0].id), str(recs[2].id)])
    done = wait_task(obs, dst.id, task.id)
    assert done.status == "COMPLETED", done.message
    assert import_result(obs, http, done) == \
        {"requested_record_count": 2, "imported_record_count": 2, "skipped_record_count": 0}
    copies = all_records(obs, dst.id)
    assert sorted(r.properties["i"] for r in copies) == [0, 2]
    assert {r.id for r in copies}.isdisjoint({r.id for r in recs}) and {r.dataset_id for r in copies} == {dst.id}
    assert {json.dumps(r.payload, sort_keys=True) for r in copies} == \
        {json.dumps(conversation(f"q{i}", f"a{i}"), sort_keys=True) for i in (0, 2)}
    assert len(all_records(obs, src.id)) == 3


@pytest.mark.sdk_method("datasets.fetch_task", "datasets.list_tasks", "datasets.import_from_dataset_records")
def test_tasks_report_running_then_a_result(obs, http):
    src, dst = new_dataset(obs), new_dataset(obs)
    rec = obs.datasets.create_record(dataset_id=str(src.id), payload=conversation("q", "a"), properties={})
    r = http.post("/__emulator/task-pace", json={"pace": "polls:2"})
    assert r.status_code == 204, r.text
    task = obs.datasets.import_from_dataset_records(dataset_id=str(dst.id), dataset_record_ids=[str(rec.id)])
    first = obs.datasets.fetch_task(dataset_id=str(dst.id), task_id=str(task.id))
    assert first.status == "RUNNING"
    if model_has(first, "result"):
        assert first.result is None, "result is null while RUNNING"
    assert task_json(http, dst.id, task.id)["result"] is None
    done = wait_task(obs, dst.id, task.id, timeout=10)
    assert done.status == "COMPLETED" and done.progress == 100
    assert import_result(obs, http, done) == \
        {"requested_record_count": 1, "imported_record_count": 1, "skipped_record_count": 0}
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.datasets.fetch_task(dataset_id=str(dst.id), task_id=str(uuid.uuid4()))
    assert error_of(exc)[:2] == (404, "DATASET_TASK_NOT_FOUND")


@pytest.mark.sdk_method("datasets.list_tasks", "datasets.import_from_dataset_records")
def test_list_tasks_newest_first(obs):
    src, dst = new_dataset(obs), new_dataset(obs)
    rec = obs.datasets.create_record(dataset_id=str(src.id), payload=conversation("q", "a"), properties={})
    tasks = [obs.datasets.import_from_dataset_records(dataset_id=str(dst.id), dataset_record_ids=[str(rec.id)])
             for _ in range(3)]
    for t in tasks:
        wait_task(obs, dst.id, t.id)
    listed = obs.datasets.list_tasks(dataset_id=str(dst.id)).tasks
    assert listed.count == 3 and [t.id for t in listed.results] == [t.id for t in reversed(tasks)]
    assert {t.status for t in listed.results} == {"COMPLETED"} and {t.dataset_id for t in listed.results} == {dst.id}
    page = obs.datasets.list_tasks(dataset_id=str(dst.id), page_size=2, page=2).tasks
    assert [t.id for t in page.results] == [tasks[0].id] and page.next is None
    assert obs.datasets.list_tasks(dataset_id=str(src.id)).tasks.count == 0


@pytest.mark.sdk_method("datasets.export_to_jsonl")
def test_export_to_jsonl_downloads_every_record(obs, base_url):
    d = new_dataset(obs)
    for i in range(3):
        obs.datasets.create_record(dataset_id=str(d.id), payload=conversation(f"q{i}", f"a{i}"), properties={"i": i})
    export = obs.datasets.export_to_jsonl(dataset_id=str(d.id))
    assert export.file_url.startswith(base_url)
    r = requests.get(export.file_url, timeout=10)  # no Bearer: like a presigned URL
    assert r.status_code == 200, r.text
    lines = [json.loads(line) for line in r.text.splitlines() if line.strip()]
    assert sorted(line["properties"]["i"] for line in lines) == [0, 1, 2]
    for line in lines:
        i = line["properties"]["i"]
        assert line["messages"] == conversation(f"q{i}", f"a{i}")["messages"]


# --------------------------------------------------------------------------------------------
# 2.9.4 only: imports from the explorer and from a campaign
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("datasets.import_from_explorer", "datasets.fetch_task")
def test_import_from_explorer_events(obs, http):
    d = new_dataset(obs)
    task = obs.datasets.import_from_explorer(dataset_id=str(d.id), completion_event_ids=[INVOICE_EVENT, PASSWORD_EVENT])
    done = wait_task(obs, d.id, task.id)
    assert done.status == "COMPLETED", done.message
    assert import_result(obs, http, done) == \
        {"requested_record_count": 2, "imported_record_count": 2, "skipped_record_count": 0}
    records = all_records(obs, d.id)
    assert len(records) == 2 and {r.source for r in records} == {"EXPLORER"}
    events = {e["event_id"]: e for e in fixture_events() if e["event_id"] in (INVOICE_EVENT, PASSWORD_EVENT)}
    by_messages = {json.dumps(r.payload["messages"]): r for r in records}
    for e in events.values():
        rec = by_messages[json.dumps(messages_of(e))]
        assert rec.properties["model_name"] == e["extra_fields"]["model_name"]

    missing = str(uuid.uuid4())
    failed = wait_task(obs, d.id, obs.datasets.import_from_explorer(dataset_id=str(d.id), completion_event_ids=[missing]).id)
    assert failed.status == "FAILED" and missing in (failed.message or "")


@pytest.mark.sdk_method("datasets.import_from_campaign", "datasets.fetch_task", "campaigns.create", "campaigns.fetch_status")
def test_import_from_a_campaign(obs, http, base_url):
    def run_campaign(o):
        judge = o.judges.create(**judge_body(instructions='when assistant icontains "sorry" -> apology\notherwise -> plain',
                                             output=classification("apology", "plain")))
        codestral = {"field": "model_name", "op": "eq", "value": "codestral-latest"}
        campaign = o.campaigns.create(search_params={"filters": codestral}, judge_id=str(judge.id),
                                      name="Codestral apologies", description="sdk matrix", max_nb_events=6)
        status = poll(lambda: o.campaigns.fetch_status(campaign_id=str(campaign.id)).status, lambda s: s != "RUNNING")
        assert status == "COMPLETED"
        return judge, campaign

    # Another workspace's campaign over the same events must not leak into this import.
    run_campaign(make_client(base_url, f"sdk-matrix-{uuid.uuid4()}").beta.observability)
    judge, campaign = run_campaign(obs)
    d = new_dataset(obs)
    done = wait_task(obs, d.id, obs.datasets.import_from_campaign(dataset_id=str(d.id), campaign_id=str(campaign.id)).id)
    assert done.status == "COMPLETED", done.message
    assert import_result(obs, http, done) == \
        {"requested_record_count": 6, "imported_record_count": 6, "skipped_record_count": 0}
    records = all_records(obs, d.id)
    field = f"__judge_{judge.id}"
    assert len(records) == 6 and all(r.properties[field] in ("apology", "plain") for r in records)
    assert {r.properties["model_name"] for r in records} == {"codestral-latest"}
    assert len({json.dumps(r.payload["messages"]) for r in records}) == 6, "one record per judged event"
