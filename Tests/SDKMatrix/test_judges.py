"""Judges through the SDK: create, list, fetch, update (a new revision), delete, live judging."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from mistralai.client import errors

from helpers import SEEDED_JUDGES, UUID_RE, classification, error_of, judge_body, messages, regression

RULES = "\n".join([
    "Rate the assistant's answer.",
    'when assistant icontains "sorry" -> poor',
    "when properties.expected_output equals assistant -> excellent",
    'when assistant contains "Paris" -> good',
    "otherwise -> acceptable",
])


@pytest.mark.sdk_method("judges.create", "judges.fetch")
def test_create_and_fetch_a_classification_judge(obs):
    body = judge_body(name="Matrix helpfulness", instructions=RULES, tools=["search_docs"],
                      output=classification("excellent", "good", "acceptable", "poor"))
    created = obs.judges.create(**body)
    assert UUID_RE.match(str(created.id))
    assert created.base_revision == created.id and created.up_revision is None and created.down_revision is None
    assert created.deleted_at is None
    assert isinstance(created.created_at, dt.datetime) and created.created_at.tzinfo is not None
    assert (created.name, created.description, created.model_name, created.instructions, created.tools) == \
        (body["name"], body["description"], body["model_name"], body["instructions"], ["search_docs"])
    assert created.output.type == "CLASSIFICATION"
    assert [(o.value, o.description) for o in created.output.options] == \
        [(o["value"], o["description"]) for o in body["output"]["options"]]

    fetched = obs.judges.fetch(judge_id=str(created.id))
    assert fetched.model_dump() == created.model_dump()
    assert UUID_RE.match(str(fetched.workspace_id)) and UUID_RE.match(str(fetched.owner_id))


@pytest.mark.sdk_method("judges.create", "judges.fetch")
def test_create_a_regression_judge_and_a_name_clash(obs):
    created = obs.judges.create(**judge_body(name="Matrix score", output=regression(0, 10)))
    fetched = obs.judges.fetch(judge_id=str(created.id))
    assert fetched.output.type == "REGRESSION"
    assert (fetched.output.min, fetched.output.max) == (0, 10)
    assert (fetched.output.min_description, fetched.output.max_description) == ("worst", "best")
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.create(**judge_body(name="Matrix score"))
    assert error_of(exc)[:2] == (409, "JUDGE_NAME_ALREADY_EXISTS")
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.fetch(judge_id=str(uuid.uuid4()))
    assert error_of(exc)[:2] == (404, "JUDGE_NOT_FOUND")


@pytest.mark.sdk_method("judges.list")
def test_list_shows_the_seeded_judges_and_filters(obs):
    res = obs.judges.list()
    assert res.judges.count == 4 and len(res.judges.results) == 4
    assert {j.name for j in res.judges.results} == SEEDED_JUDGES
    assert res.judges.next is None and res.judges.previous is None

    obs.judges.create(**judge_body(name="Zebra spotting", description="stripes", model_name="model-a"))
    obs.judges.create(**judge_body(name="Plain scorer", description="counts ZEBRAS too", model_name="model-b",
                                   output=regression(0, 3)))
    names = lambda r: {j.name for j in r.judges.results}
    everything = obs.judges.list()
    assert everything.judges.count == 6
    assert everything.judges.results[0].name == "Plain scorer", "newest first"
    assert names(obs.judges.list(q="zebra")) == {"Zebra spotting", "Plain scorer"}
    assert names(obs.judges.list(model_filter=["model-a"])) == {"Zebra spotting"}
    assert names(obs.judges.list(type_filter=["REGRESSION"])) == {"Plain scorer", "Answer quality score"}
    page = obs.judges.list(page_size=4, page=2)
    assert page.judges.count == 6 and len(page.judges.results) == 2
    assert page.judges.next is None and page.judges.previous and "page=1" in page.judges.previous


@pytest.mark.sdk_method("judges.update", "judges.list", "judges.fetch")
def test_update_makes_a_new_revision(obs):
    original = obs.judges.create(**judge_body(name="Revisioned judge"))
    changed = judge_body(name="Revisioned judge", description="A better description",
                         output=classification("good", "poor", "unsure"))
    assert obs.judges.update(judge_id=str(original.id), **changed) is None

    listed = obs.judges.list(q="Revisioned judge").judges
    assert listed.count == 1, "a list shows only the newest revision"
    newest = listed.results[0]
    assert newest.id != original.id and newest.description == "A better description"
    new = obs.judges.fetch(judge_id=str(newest.id))
    old = obs.judges.fetch(judge_id=str(original.id))
    assert (new.down_revision, new.base_revision, new.up_revision) == (original.id, original.id, None)
    assert old.up_revision == new.id and old.description == original.description
    assert [o.value for o in new.output.options] == ["good", "poor", "unsure"]

    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.update(judge_id=str(original.id), **dict(changed, description="third"))
    assert error_of(exc)[:2] == (409, "JUDGE_ALREADY_HAS_NEW_VERSION")
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.update(judge_id=str(new.id), **changed)
    assert error_of(exc)[:2] == (409, "JUDGE_DID_NOT_CHANGE")


@pytest.mark.sdk_method("judges.delete", "judges.list", "judges.fetch")
def test_delete_removes_the_whole_chain(obs):
    j = obs.judges.create(**judge_body(name="Chain to delete"))
    obs.judges.update(judge_id=str(j.id), **judge_body(name="Chain to delete", description="v2"))
    newest = obs.judges.list(q="Chain to delete").judges.results[0]
    assert obs.judges.delete(judge_id=str(j.id)) is None
    for judge_id in (j.id, newest.id):
        with pytest.raises(errors.ObservabilityError) as exc:
            obs.judges.fetch(judge_id=str(judge_id))
        assert error_of(exc)[:2] == (404, "JUDGE_NOT_FOUND")
    assert obs.judges.list().judges.count == 4
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.delete(judge_id=str(j.id))
    assert error_of(exc)[:2] == (404, "JUDGE_NOT_FOUND")

    seeded = next(x for x in obs.judges.list().judges.results if x.name == "Refusal detector")
    obs.judges.delete(judge_id=str(seeded.id))
    assert {x.name for x in obs.judges.list().judges.results} == SEEDED_JUDGES - {"Refusal detector"}


@pytest.mark.sdk_method("judges.judge_conversation", "judges.create")
def test_judge_conversation_follows_the_rules(obs):
    j = obs.judges.create(**judge_body(instructions=RULES, output=classification("excellent", "good", "acceptable", "poor")))
    judge = lambda user, assistant, **kw: obs.judges.judge_conversation(
        judge_id=str(j.id), messages=messages(user, assistant), **kw)
    sorry = judge("Can you refund me?", "I'm SORRY, I cannot do that.")
    assert sorry.answer == "poor" and isinstance(sorry.analysis, str) and sorry.analysis
    assert judge("Capital of France?", "Paris.").answer == "good"
    assert judge("2+2?", "4", properties={"expected_output": "4"}).answer == "excellent"
    assert judge("2+2?", "5", properties={"expected_output": "4"}).answer == "acceptable"
    again = judge("Can you refund me?", "I'm SORRY, I cannot do that.")
    assert (again.answer, again.analysis) == (sorry.answer, sorry.analysis), "deterministic"

    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.judge_conversation(judge_id=str(j.id), messages=messages("no answer yet"))
    assert error_of(exc)[:2] == (400, "JUDGE_CONVERSATION_FORMAT_ERROR")


@pytest.mark.sdk_method("judges.judge_conversation", "judges.list")
def test_seeded_judges_judge_conversations(obs):
    seeded = {j.name: j for j in obs.judges.list().judges.results}
    refusal = obs.judges.judge_conversation(
        judge_id=str(seeded["Refusal detector"].id),
        messages=messages("Write my essay", "I'm sorry, but I can't help with that request."))
    assert refusal.answer == "refused"
    score = obs.judges.judge_conversation(
        judge_id=str(seeded["Answer quality score"].id),
        messages=messages("How do I reset my password?", "Open Settings, then Security, then choose Reset password."))
    assert isinstance(score.answer, (int, float)) and 0 <= score.answer <= 10
