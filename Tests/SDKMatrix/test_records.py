"""Dataset records through the SDK (client.beta.observability.datasets.records): fetch, delete,
bulk delete, live judging, payload and properties updates."""

from __future__ import annotations

import uuid

import pytest
from mistralai.client import errors

from helpers import classification, conversation, error_of, judge_body, regression, unique_name


@pytest.fixture
def dataset(obs):
    return obs.datasets.create(name=unique_name("records"), description="sdk matrix records")


def add(obs, dataset, user: str, assistant: str, **properties):
    return obs.datasets.create_record(dataset_id=str(dataset.id), payload=conversation(user, assistant),
                                      properties=properties)


def assert_record_not_found(call) -> None:
    with pytest.raises(errors.ObservabilityError) as exc:
        call()
    assert error_of(exc)[:2] == (404, "DATASET_RECORD_NOT_FOUND")


@pytest.mark.sdk_method("datasets.records.fetch")
def test_fetch_a_record(obs, dataset):
    rec = add(obs, dataset, "Capital of France?", "Paris", expected_output="Paris", difficulty=1)
    got = obs.datasets.records.fetch(dataset_record_id=str(rec.id))
    assert (got.id, got.dataset_id, got.source, got.deleted_at) == (rec.id, dataset.id, "DIRECT_INPUT", None)
    assert got.payload == conversation("Capital of France?", "Paris")
    assert got.properties == {"expected_output": "Paris", "difficulty": 1}
    assert got.created_at == rec.created_at
    assert_record_not_found(lambda: obs.datasets.records.fetch(dataset_record_id=str(uuid.uuid4())))


@pytest.mark.sdk_method("datasets.records.delete", "datasets.records.fetch")
def test_delete_a_record(obs, dataset):
    keep, drop = add(obs, dataset, "q1", "a1"), add(obs, dataset, "q2", "a2")
    assert obs.datasets.records.delete(dataset_record_id=str(drop.id)) is None
    assert_record_not_found(lambda: obs.datasets.records.fetch(dataset_record_id=str(drop.id)))
    assert_record_not_found(lambda: obs.datasets.records.delete(dataset_record_id=str(drop.id)))
    listed = obs.datasets.list_records(dataset_id=str(dataset.id)).records
    assert listed.count == 1 and [r.id for r in listed.results] == [keep.id]


@pytest.mark.sdk_method("datasets.records.bulk_delete")
def test_bulk_delete_records(obs, dataset):
    recs = [add(obs, dataset, f"q{i}", f"a{i}", i=i) for i in range(4)]
    assert obs.datasets.records.bulk_delete(dataset_record_ids=[str(recs[0].id), str(recs[2].id)]) is None
    left = obs.datasets.list_records(dataset_id=str(dataset.id)).records
    assert left.count == 2 and sorted(r.properties["i"] for r in left.results) == [1, 3]
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.datasets.records.bulk_delete(dataset_record_ids=[])
    assert error_of(exc)[:2] == (422, "VALIDATION_ERROR")


@pytest.mark.sdk_method("datasets.records.judge")
def test_judge_a_record_with_an_inline_judge(obs, dataset):
    rec = add(obs, dataset, "Capital of France?", "Paris", expected_output="Paris")
    wrong = add(obs, dataset, "Capital of Spain?", "Lisbon", expected_output="Madrid")
    definition = judge_body(output=classification("match", "miss"),
                            instructions="when properties.expected_output equals assistant -> match\notherwise -> miss")
    out = obs.datasets.records.judge(dataset_record_id=str(rec.id), judge_definition=definition)
    assert out.answer == "match" and isinstance(out.analysis, str) and out.analysis
    assert obs.datasets.records.judge(dataset_record_id=str(wrong.id), judge_definition=definition).answer == "miss"
    again = obs.datasets.records.judge(dataset_record_id=str(rec.id), judge_definition=definition)
    assert (again.answer, again.analysis) == (out.answer, out.analysis)
    score = obs.datasets.records.judge(dataset_record_id=str(rec.id),
                                       judge_definition=judge_body(output=regression(1, 5)))
    assert isinstance(score.answer, (int, float)) and 1 <= score.answer <= 5

    lonely = obs.datasets.create_record(dataset_id=str(dataset.id),
                                        payload={"messages": [{"role": "user", "content": "hi"}]}, properties={})
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.datasets.records.judge(dataset_record_id=str(lonely.id), judge_definition=definition)
    assert error_of(exc)[:2] == (400, "JUDGE_CONVERSATION_FORMAT_ERROR")


@pytest.mark.sdk_method("datasets.records.update_payload", "datasets.records.fetch")
def test_update_payload(obs, dataset):
    rec = add(obs, dataset, "q", "a", k=1)
    assert obs.datasets.records.update_payload(dataset_record_id=str(rec.id), payload=conversation("q2", "a2")) is None
    got = obs.datasets.records.fetch(dataset_record_id=str(rec.id))
    assert got.payload == conversation("q2", "a2") and got.properties == {"k": 1}
    assert got.updated_at >= rec.updated_at
    assert_record_not_found(lambda: obs.datasets.records.update_payload(
        dataset_record_id=str(uuid.uuid4()), payload=conversation("q", "a")))


@pytest.mark.sdk_method("datasets.records.update_properties", "datasets.records.fetch")
def test_update_properties(obs, dataset):
    rec = add(obs, dataset, "q", "a", k=1)
    assert obs.datasets.records.update_properties(dataset_record_id=str(rec.id), properties={"k": 2, "tag": "x"}) is None
    got = obs.datasets.records.fetch(dataset_record_id=str(rec.id))
    assert got.properties == {"k": 2, "tag": "x"} and got.payload == conversation("q", "a")
    obs.datasets.records.update_properties(dataset_record_id=str(rec.id), properties={})
    assert obs.datasets.records.fetch(dataset_record_id=str(rec.id)).properties == {}
    assert_record_not_found(lambda: obs.datasets.records.update_properties(
        dataset_record_id=str(uuid.uuid4()), properties={}))
