"""Judges: validation, revisions, listing, deletion, isolation and the deterministic judge."""

from __future__ import annotations

import re
import uuid

import pytest
from mistralai.client import errors

import operations as op
from conftest import API, HTTP, assert_error, classification_output, judge_body, make_client, new_token, sdk_error

JUDGES = f"{API}/judges"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

SEED_DOC_CREATE_BODY = {
    "description": "ipsum eiusmod",
    "instructions": "consequat do",
    "model_name": "reprehenderit ut dolore",
    "name": "occaecat dolor sit",
    "output": {"options": [{"description": "nostrud", "value": "aute aliqua aute commodo"}]},
    "tools": ["irure"],
}

RULES = "\n".join([
    "Rate the assistant's answer.",
    'when assistant icontains "sorry" -> poor',
    'when user matches "(?i)refund" -> good',
    "when properties.expected_output equals assistant -> excellent",
    'when assistant contains "Paris" -> good',
    "otherwise -> acceptable",
])


def create(http: HTTP, body: dict) -> dict:
    r = http.post(JUDGES, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def conversation(user: str, assistant: str | None) -> list[dict]:
    msgs = [{"role": "user", "content": user}]
    if assistant is not None:
        msgs.append({"role": "assistant", "content": assistant})
    return msgs


# --------------------------------------------------------------------------------------------
# create and validation
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.CREATE_JUDGE)
def test_create_returns_201_with_base_revision_equal_to_id(http, obs):
    body = judge_body(instructions=RULES, output=classification_output("excellent", "good", "acceptable", "poor"))
    r = http.post(JUDGES, json=body)
    assert r.status_code == 201, r.text
    j = r.json()
    assert UUID_RE.match(j["id"]) and j["base_revision"] == j["id"]
    assert j["up_revision"] is None and j["down_revision"] is None and j["deleted_at"] is None
    assert UUID_RE.match(j["workspace_id"]) and UUID_RE.match(j["owner_id"])
    assert TS_RE.match(j["created_at"]) and TS_RE.match(j["updated_at"])
    for key in ("name", "description", "model_name", "instructions", "tools"):
        assert j[key] == body[key]
    assert j["output"]["type"] == "CLASSIFICATION"
    assert [o["value"] for o in j["output"]["options"]] == ["excellent", "good", "acceptable", "poor"]
    via_sdk = obs.judges.create(**judge_body())
    assert via_sdk.base_revision == via_sdk.id


@pytest.mark.operation(op.CREATE_JUDGE)
def test_workspace_ids_are_derived_from_the_token(base_url):
    token = new_token()
    a = create(HTTP(base_url, token), judge_body())
    b = create(HTTP(base_url, token), judge_body())
    c = create(HTTP(base_url, new_token()), judge_body())
    assert a["workspace_id"] == b["workspace_id"] and a["owner_id"] == b["owner_id"]
    assert c["workspace_id"] != a["workspace_id"]


@pytest.mark.operation(op.CREATE_JUDGE)
def test_seed_doc_body_without_output_type_creates_a_classification_judge(http):
    j = create(http, SEED_DOC_CREATE_BODY)
    assert j["output"]["type"] == "CLASSIFICATION"
    assert j["output"]["options"] == [{"value": "aute aliqua aute commodo", "description": "nostrud"}]
    assert j["tools"] == ["irure"]


@pytest.mark.operation(op.CREATE_JUDGE)
def test_output_without_type_but_bounds_creates_a_regression_judge(http):
    body = judge_body(output={"min": 0, "max": 10, "min_description": "bad", "max_description": "great"})
    j = create(http, body)
    assert j["output"]["type"] == "REGRESSION"
    assert j["output"]["min"] == 0 and j["output"]["max"] == 10


INVALID = {
    "name_too_short": (lambda b: b.update(name="abcd"), "name"),
    "name_too_long": (lambda b: b.update(name="x" * 51), "name"),
    "description_too_long": (lambda b: b.update(description="d" * 501), "description"),
    "no_options": (lambda b: b.update(output={"type": "CLASSIFICATION", "options": []}), "options"),
    "duplicate_option_values": (lambda b: b.update(output=classification_output("same", "same")), "options"),
    "empty_option_value": (lambda b: b.update(output=classification_output("ok", "")), "value"),
    "max_not_above_min": (lambda b: b.update(output={"type": "REGRESSION", "min": 5, "max": 5,
                                                     "min_description": "a", "max_description": "b"}), "max"),
    "negative_min": (lambda b: b.update(output={"type": "REGRESSION", "min": -1, "max": 5,
                                                "min_description": "a", "max_description": "b"}), "min"),
    "rule_answer_not_an_option": (lambda b: b.update(instructions='when assistant contains "x" -> nope'), "nope"),
    "missing_instructions": (lambda b: b.pop("instructions"), "instructions"),
    "tools_not_a_list": (lambda b: b.update(tools="search"), "tools"),
    "unknown_output_type": (lambda b: b.update(output={"type": "RANKING", "options": []}), "output"),
}


@pytest.mark.operation(op.CREATE_JUDGE)
@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_judge_is_422_and_names_the_problem(case, http):
    before = http.get(JUDGES).json()["judges"]["count"]
    body = judge_body()
    mutate, mentioned = INVALID[case]
    mutate(body)
    detail = assert_error(http.post(JUDGES, json=body), 422, "VALIDATION_ERROR")
    assert mentioned in detail["message"], detail
    assert http.get(JUDGES).json()["judges"]["count"] == before, "a rejected create must store nothing"


@pytest.mark.operation(op.CREATE_JUDGE)
def test_duplicate_name_is_409(http, obs):
    body = judge_body(name="Unique judge name")
    create(http, body)
    assert_error(http.post(JUDGES, json=body), 409, "JUDGE_NAME_ALREADY_EXISTS")
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.create(**body)
    assert sdk_error(exc)[0] == 409


@pytest.mark.operation(op.CREATE_JUDGE, op.DELETE_JUDGE)
def test_name_is_free_again_after_delete(http):
    body = judge_body(name="Recycled judge name")
    first = create(http, body)
    assert http.delete(f"{JUDGES}/{first['id']}").status_code == 204
    second = create(http, body)
    assert second["id"] != first["id"]


# --------------------------------------------------------------------------------------------
# revisions
# --------------------------------------------------------------------------------------------

def newest_revision_id(http: HTTP, name: str) -> str:
    results = http.get(JUDGES, params={"q": name}).json()["judges"]["results"]
    assert len(results) == 1, results
    return results[0]["id"]


@pytest.mark.operation(op.UPDATE_JUDGE, op.GET_JUDGE)
def test_update_creates_a_new_revision(http, obs):
    original = create(http, judge_body(name="Revisioned judge"))
    changed = judge_body(name="Revisioned judge", description="A better description")
    assert obs.judges.update(judge_id=original["id"], **changed) is None
    r = http.put(f"{JUDGES}/{original['id']}", json=dict(changed, description="third"))
    assert_error(r, 409, "JUDGE_ALREADY_HAS_NEW_VERSION")

    new_id = newest_revision_id(http, "Revisioned judge")
    assert new_id != original["id"]
    old = obs.judges.fetch(judge_id=original["id"])
    new = obs.judges.fetch(judge_id=new_id)
    assert str(old.up_revision) == new_id
    assert str(new.down_revision) == original["id"]
    assert str(new.base_revision) == original["id"]
    assert new.up_revision is None
    assert new.description == "A better description" and old.description == original["description"]


@pytest.mark.operation(op.UPDATE_JUDGE)
def test_update_answers_204_with_no_body(http):
    j = create(http, judge_body())
    r = http.put(f"{JUDGES}/{j['id']}", json=judge_body(name=j["name"], instructions="Different instructions"))
    assert r.status_code == 204 and r.content == b""


@pytest.mark.operation(op.UPDATE_JUDGE)
def test_identical_update_is_409_did_not_change(http):
    body = judge_body()
    j = create(http, body)
    assert_error(http.put(f"{JUDGES}/{j['id']}", json=body), 409, "JUDGE_DID_NOT_CHANGE")
    assert newest_revision_id(http, body["name"]) == j["id"]


@pytest.mark.operation(op.UPDATE_JUDGE)
def test_update_errors(http):
    j = create(http, judge_body())
    assert_error(http.put(f"{JUDGES}/{uuid.uuid4()}", json=judge_body()), 404, "JUDGE_NOT_FOUND")
    assert_error(http.put(f"{JUDGES}/nope", json=judge_body()), 422, "VALIDATION_ERROR")
    bad = judge_body(name=j["name"], output=classification_output("a", "a"))
    assert_error(http.put(f"{JUDGES}/{j['id']}", json=bad), 422, "VALIDATION_ERROR")
    other = create(http, judge_body())
    clash = judge_body(name=other["name"], description="renamed onto another judge")
    assert_error(http.put(f"{JUDGES}/{j['id']}", json=clash), 409, "JUDGE_NAME_ALREADY_EXISTS")
    assert newest_revision_id(http, j["name"]) == j["id"], "rejected updates change nothing"


@pytest.mark.operation(op.LIST_JUDGES, op.UPDATE_JUDGE)
def test_list_shows_only_the_newest_live_revision(http):
    seeded = http.get(JUDGES).json()["judges"]["count"]
    j = create(http, judge_body(name="Listed once"))
    for i in range(2):
        current = newest_revision_id(http, "Listed once")
        assert http.put(f"{JUDGES}/{current}", json=judge_body(name="Listed once", description=f"v{i + 2}")).status_code == 204
    listing = http.get(JUDGES).json()["judges"]
    assert listing["count"] == seeded + 1
    mine = [x for x in listing["results"] if x["name"] == "Listed once"]
    assert len(mine) == 1 and mine[0]["description"] == "v3" and mine[0]["base_revision"] == j["id"]


# --------------------------------------------------------------------------------------------
# list, fetch, delete
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(op.LIST_JUDGES)
def test_each_workspace_starts_with_the_four_seeded_judges(obs, base_url):
    res = obs.judges.list()
    names = {j.name for j in res.judges.results}
    assert res.judges.count == 4
    assert names == {"Helpfulness rating", "Refusal detector", "Answer quality score", "Tool use correctness"}
    other = make_client(base_url, new_token()).beta.observability.judges.list()
    assert {j.id for j in other.judges.results}.isdisjoint({j.id for j in res.judges.results})


@pytest.mark.operation(op.LIST_JUDGES, op.DELETE_JUDGE)
def test_seeded_judges_are_per_workspace(base_url):
    a, b = HTTP(base_url, new_token()), HTTP(base_url, new_token())
    victim = next(j for j in a.get(JUDGES).json()["judges"]["results"] if j["name"] == "Refusal detector")
    assert a.delete(f"{JUDGES}/{victim['id']}").status_code == 204
    assert "Refusal detector" not in {j["name"] for j in a.get(JUDGES).json()["judges"]["results"]}
    assert "Refusal detector" in {j["name"] for j in b.get(JUDGES).json()["judges"]["results"]}


@pytest.mark.operation(op.LIST_JUDGES)
def test_list_filters_q_type_and_model(http, obs):
    create(http, judge_body(name="Zebra spotting", description="stripes", model_name="model-a"))
    create(http, judge_body(name="Plain scorer", description="counts ZEBRAS too", model_name="model-b",
                            output={"type": "REGRESSION", "min": 0, "max": 3, "min_description": "a",
                                    "max_description": "b"}))
    names = lambda res: {j.name for j in res.judges.results}
    assert names(obs.judges.list(q="zebra")) == {"Zebra spotting", "Plain scorer"}
    assert names(obs.judges.list(q="STRIPES")) == {"Zebra spotting"}
    regression = obs.judges.list(type_filter=["REGRESSION"])
    assert "Plain scorer" in names(regression) and "Zebra spotting" not in names(regression)
    assert all(j.output.type == "REGRESSION" for j in regression.judges.results)
    assert names(obs.judges.list(model_filter=["model-a"])) == {"Zebra spotting"}
    assert names(obs.judges.list(model_filter=["model-a", "model-b"])) == {"Zebra spotting", "Plain scorer"}
    raw = http.get(JUDGES, params=[("model_filter", "model-a"), ("model_filter", "model-b"), ("q", "plain")]).json()
    assert {j["name"] for j in raw["judges"]["results"]} == {"Plain scorer"}
    both = obs.judges.list(type_filter=["REGRESSION", "CLASSIFICATION"])
    assert both.judges.count == obs.judges.list().judges.count
    assert_error(http.get(JUDGES, params={"type_filter": "RANKING"}), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.LIST_JUDGES)
def test_list_pages_with_absolute_next_and_previous(http, base_url):
    for i in range(5):
        create(http, judge_body(name=f"Paged judge {i}"))
    total = http.get(JUDGES).json()["judges"]["count"]
    assert total == 9
    first = http.get(JUDGES, params={"page_size": 2}).json()["judges"]
    assert first["count"] == 9 and len(first["results"]) == 2 and first["previous"] is None
    assert first["next"].startswith(base_url + JUDGES + "?"), first["next"]
    assert "page=2" in first["next"]
    seen = [j["id"] for j in first["results"]]
    page, pages = first, 1
    while page["next"]:
        nxt = http.get(page["next"]).json()["judges"]
        assert nxt["previous"] and nxt["previous"].startswith(base_url)
        back = http.get(nxt["previous"]).json()["judges"]
        assert [j["id"] for j in back["results"]] == [j["id"] for j in page["results"]]
        seen.extend(j["id"] for j in nxt["results"])
        page, pages = nxt, pages + 1
    assert pages == 5 and len(seen) == 9 and len(set(seen)) == 9
    assert http.get(JUDGES, params={"page": 5, "page_size": 2}).json()["judges"]["next"] is None
    beyond = http.get(JUDGES, params={"page": 6, "page_size": 2}).json()["judges"]
    assert beyond["results"] == [] and beyond["count"] == 9
    # newest first: the last judge created is first
    assert first["results"][0]["name"] == "Paged judge 4"


@pytest.mark.operation(op.LIST_JUDGES)
def test_list_page_parameters_out_of_range_are_422(http):
    assert_error(http.get(JUDGES, params={"page_size": 101}), 422, "VALIDATION_ERROR")
    assert_error(http.get(JUDGES, params={"page": 0}), 422, "VALIDATION_ERROR")
    assert_error(http.get(JUDGES, params={"page": "first"}), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.GET_JUDGE)
def test_fetch_errors(http, obs):
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.fetch(judge_id=str(uuid.uuid4()))
    status, body = sdk_error(exc)
    assert status == 404 and body["detail"]["error_code"] == "JUDGE_NOT_FOUND"
    assert_error(http.get(f"{JUDGES}/not-a-uuid"), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.DELETE_JUDGE, op.GET_JUDGE)
def test_delete_then_fetch_and_second_delete_are_404(http, obs):
    j = obs.judges.create(**judge_body())
    r = http.delete(f"{JUDGES}/{j.id}")
    assert r.status_code == 204
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.fetch(judge_id=str(j.id))
    assert sdk_error(exc)[1]["detail"]["error_code"] == "JUDGE_NOT_FOUND"
    assert_error(http.delete(f"{JUDGES}/{j.id}"), 404, "JUDGE_NOT_FOUND")
    assert j.name not in {x["name"] for x in http.get(JUDGES).json()["judges"]["results"]}
    assert_error(http.delete(f"{JUDGES}/zzz"), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.DELETE_JUDGE)
def test_delete_via_sdk_and_old_revision_deletes_the_chain(http, obs):
    j = create(http, judge_body(name="Chain to delete"))
    assert http.put(f"{JUDGES}/{j['id']}", json=judge_body(name="Chain to delete", description="v2")).status_code == 204
    new_id = newest_revision_id(http, "Chain to delete")
    assert obs.judges.delete(judge_id=j["id"]) is None
    assert_error(http.get(f"{JUDGES}/{new_id}"), 404, "JUDGE_NOT_FOUND")
    assert_error(http.get(f"{JUDGES}/{j['id']}"), 404, "JUDGE_NOT_FOUND")
    assert http.get(JUDGES, params={"q": "Chain to delete"}).json()["judges"]["count"] == 0


@pytest.mark.operation(op.GET_JUDGE, op.LIST_JUDGES, op.DELETE_JUDGE, op.UPDATE_JUDGE, op.JUDGE_CONVERSATION)
def test_workspace_isolation(base_url):
    a, b = HTTP(base_url, new_token()), HTTP(base_url, new_token())
    j = create(a, judge_body(name="Private judge"))
    assert_error(b.get(f"{JUDGES}/{j['id']}"), 404, "JUDGE_NOT_FOUND")
    assert "Private judge" not in {x["name"] for x in b.get(JUDGES).json()["judges"]["results"]}
    assert_error(b.put(f"{JUDGES}/{j['id']}", json=judge_body(name="Private judge", description="x")), 404, "JUDGE_NOT_FOUND")
    assert_error(b.delete(f"{JUDGES}/{j['id']}"), 404, "JUDGE_NOT_FOUND")
    assert_error(b.post(f"{JUDGES}/{j['id']}/live-judging", json={"messages": conversation("q", "a")}), 404, "JUDGE_NOT_FOUND")
    create(b, judge_body(name="Private judge"))  # the same name is free in another workspace
    assert a.get(f"{JUDGES}/{j['id']}").status_code == 200


# --------------------------------------------------------------------------------------------
# the deterministic judge
# --------------------------------------------------------------------------------------------

@pytest.fixture
def rule_judge(http) -> dict:
    return create(http, judge_body(instructions=RULES, output=classification_output("excellent", "good", "acceptable", "poor")))


@pytest.mark.operation(op.JUDGE_CONVERSATION)
@pytest.mark.parametrize("user,assistant,properties,expected", [
    ("Can you help?", "I'm SORRY, I cannot do that.", None, "poor"),
    ("I want a REFUND now", "Here is how refunds work.", None, "good"),
    ("Capital of France?", "Paris", {"expected_output": "Paris"}, "excellent"),
    ("Capital of France?", "It is Paris.", {"expected_output": "Paris"}, "good"),
    ("Capital of France?", "it is paris.", None, "acceptable"),
    ("Hello", "Hi there.", None, "acceptable"),
])
def test_rules_in_the_instructions_decide(rule_judge, obs, user, assistant, properties, expected):
    out = obs.judges.judge_conversation(judge_id=rule_judge["id"], messages=conversation(user, assistant),
                                        properties=properties)
    assert out.answer == expected, out.analysis
    assert out.analysis


@pytest.mark.operation(op.JUDGE_CONVERSATION)
def test_same_judge_and_conversation_give_byte_identical_responses(rule_judge, http):
    body = {"messages": conversation("Where is my parcel?", "It left our warehouse yesterday."), "properties": {"k": 1}}
    first = http.post(f"{JUDGES}/{rule_judge['id']}/live-judging", json=body)
    second = http.post(f"{JUDGES}/{rule_judge['id']}/live-judging", json=body)
    assert first.status_code == 200 and first.content == second.content


@pytest.mark.operation(op.JUDGE_CONVERSATION)
def test_heuristic_judgement_is_an_option_and_deterministic(http, obs):
    j = create(http, judge_body(instructions="Judge the helpfulness.", output=classification_output("yes", "no", "maybe")))
    msgs = [{"role": "user", "content": "How do I reset my password?"},
            {"role": "assistant", "content": "Open Settings, then Security, then click 'Reset password'."}]
    answers = {obs.judges.judge_conversation(judge_id=j["id"], messages=msgs).answer for _ in range(3)}
    assert len(answers) == 1 and answers <= {"yes", "no", "maybe"}


@pytest.mark.operation(op.JUDGE_CONVERSATION)
def test_regression_judge_answers_inside_bounds_and_follows_numeric_rules(http, obs):
    output = {"type": "REGRESSION", "min": 2, "max": 8, "min_description": "bad", "max_description": "good"}
    j = create(http, judge_body(output=output, instructions='when assistant contains "```" -> 7.5'))
    coded = obs.judges.judge_conversation(judge_id=j["id"], messages=conversation("code?", "```print(1)```"))
    assert coded.answer == 7.5
    other = obs.judges.judge_conversation(judge_id=j["id"], messages=conversation("Tell me a joke", "No."))
    assert isinstance(other.answer, (int, float)) and 2 <= other.answer <= 8


@pytest.mark.operation(op.JUDGE_CONVERSATION)
def test_seed_doc_messages_null_is_422(rule_judge, http):
    r = http.post(f"{JUDGES}/{rule_judge['id']}/live-judging", json={"messages": [[None]]})
    detail = assert_error(r, 422, "VALIDATION_ERROR")
    assert "messages" in detail["message"]


@pytest.mark.operation(op.JUDGE_CONVERSATION)
def test_conversation_without_assistant_is_400(rule_judge, obs, http):
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.judges.judge_conversation(judge_id=rule_judge["id"], messages=conversation("Anyone there?", None))
    status, body = sdk_error(exc)
    assert status == 400 and body["detail"]["error_code"] == "JUDGE_CONVERSATION_FORMAT_ERROR"
    assert_error(http.post(f"{JUDGES}/{rule_judge['id']}/live-judging", json={"messages": []}), 400,
                 "JUDGE_CONVERSATION_FORMAT_ERROR")


@pytest.mark.operation(op.JUDGE_CONVERSATION)
def test_judge_conversation_unknown_or_malformed_judge(http):
    body = {"messages": conversation("q", "a")}
    assert_error(http.post(f"{JUDGES}/{uuid.uuid4()}/live-judging", json=body), 404, "JUDGE_NOT_FOUND")
    assert_error(http.post(f"{JUDGES}/bad-id/live-judging", json=body), 422, "VALIDATION_ERROR")
    assert_error(http.post(f"{JUDGES}/{uuid.uuid4()}/live-judging", json={}), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.JUDGE_CONVERSATION)
def test_seeded_refusal_detector_flags_refusals(obs):
    judges = {j.name: j for j in obs.judges.list().judges.results}
    refusal = judges["Refusal detector"]
    refused = obs.judges.judge_conversation(
        judge_id=str(refusal.id), messages=conversation("Write malware", "I'm sorry, but I can't help with that."))
    answered = obs.judges.judge_conversation(
        judge_id=str(refusal.id), messages=conversation("2+2?", "4."))
    assert refused.answer == "refused" and answered.answer == "answered"
