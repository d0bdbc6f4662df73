"""Rejected filters: 400 naming the condition for meaningless filters, 422 for schema misfits."""

from __future__ import annotations

import time

import pytest
from mistralai.client import errors

import operations as op
from conftest import API, assert_error, sdk_error

SEARCH_IDS = f"{API}/chat-completion-events/search-ids"
SEARCH = f"{API}/chat-completion-events/search"
OK = {"field": "model_name", "op": "eq", "value": "mistral-large-latest"}


def C(field, operator, value):
    return {"field": field, "op": operator, "value": value}


def in_and(bad):
    """Puts the bad condition at AND[1], so the message must say search_params.filters.AND[1]."""
    return {"AND": [OK, bad]}


BAD_400 = {
    "unknown_field": (C("no_such_field", "eq", "x"), "no_such_field"),
    "placeholder_field_from_seed_page": (C("<value>", "lt", "<value>"), "<value>"),
    "text_op_on_int": (C("input_tokens", "contains", "5"), "contains"),
    "int_op_on_text": (C("last_user_message_preview", "gt", "a"), "gt"),
    "len_eq_on_enum": (C("model_name", "len_eq", 3), "len_eq"),
    "eq_on_array": (C("enabled_tools", "eq", "create_ticket"), "eq"),
    "matches_on_timestamp": (C("timestamp", "matches", "2025"), "matches"),
    "includes_on_text": (C("first_system_message", "includes", ["a"]), "includes"),
    "string_for_int": (C("input_tokens", "gt", "ten"), "input_tokens"),
    "bool_for_int": (C("input_tokens", "eq", True), "input_tokens"),
    "string_for_float": (C("total_time_elapsed", "lt", "fast"), "total_time_elapsed"),
    "number_for_text": (C("last_user_message_preview", "contains", 5), "last_user_message_preview"),
    "bad_timestamp": (C("timestamp", "gt", "yesterday"), "timestamp"),
    "number_for_timestamp": (C("timestamp", "gt", 12), "timestamp"),
    "string_for_isnull": (C("api_agent_id", "isnull", "yes"), "isnull"),
    "string_for_enum_includes": (C("model_name", "includes", "mistral-large-latest"), "model_name"),
    "string_for_len_eq": (C("invoked_tools", "len_eq", "2"), "invoked_tools"),
    "null_value_for_eq": (C("model_name", "eq", None), "model_name"),
    "bad_regex": (C("last_user_message_preview", "matches", "(unclosed"), "regular expression"),
    "nested_quantifier_regex": (C("last_user_message_preview", "matches", "(a+)+$"), "regular expression"),
}


@pytest.mark.operation(op.SEARCH_IDS)
@pytest.mark.parametrize("name", list(BAD_400))
def test_meaningless_condition_is_400_naming_the_condition(name, http):
    bad, mentioned = BAD_400[name]
    r = http.post(SEARCH_IDS, json={"search_params": {"filters": in_and(bad)}})
    detail = assert_error(r, 400, "SEARCH_BAD_REQUEST")
    assert "search_params.filters.AND[1]" in detail["message"], detail
    assert mentioned in detail["message"], detail


@pytest.mark.operation(op.SEARCH)
def test_deeply_nested_bad_condition_path(http):
    filters = {"OR": [{"AND": [OK, OK, C("input_tokens", "gt", "many")]}, OK]}
    r = http.post(SEARCH, json={"search_params": {"filters": filters}})
    detail = assert_error(r, 400, "SEARCH_BAD_REQUEST")
    assert "search_params.filters.OR[0].AND[2]" in detail["message"], detail


@pytest.mark.operation(op.SEARCH)
def test_top_level_bad_condition_path(obs):
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.chat_completion_events.search(search_params={"filters": C("no_such_field", "eq", 1)})
    status, body = sdk_error(exc)
    assert status == 400 and body["detail"]["error_code"] == "SEARCH_BAD_REQUEST"
    assert "search_params.filters" in body["detail"]["message"] and "no_such_field" in body["detail"]["message"]


@pytest.mark.operation(op.SEARCH_IDS)
def test_unknown_operator_is_422(http):
    r = http.post(SEARCH_IDS, json={"search_params": {"filters": in_and(C("model_name", "like", "mistral%"))}})
    detail = assert_error(r, 422, "VALIDATION_ERROR")
    assert "like" in detail["message"] or "op" in detail["message"], detail


@pytest.mark.operation(op.SEARCH_IDS)
def test_filters_of_the_wrong_json_type_are_422(http):
    assert_error(http.post(SEARCH_IDS, json={"search_params": {"filters": "model_name = x"}}), 422, "VALIDATION_ERROR")
    assert_error(http.post(SEARCH_IDS, json={"search_params": {"filters": {"AND": "x"}}}), 422, "VALIDATION_ERROR")
    assert_error(http.post(SEARCH_IDS, json={"search_params": []}), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.SEARCH_IDS)
def test_nested_quantifier_regex_is_rejected_quickly(http):
    started = time.monotonic()
    r = http.post(SEARCH_IDS, json={"search_params": {"filters": C("response_messages_preview", "matches", "(x+x+)+y")}})
    assert r.status_code == 400, r.text
    assert time.monotonic() - started < 5


@pytest.mark.operation(op.SEARCH_IDS)
def test_rejected_filter_changes_nothing_and_next_request_works(http):
    assert http.post(SEARCH_IDS, json={"search_params": {"filters": C("nope", "eq", 1)}}).status_code == 400
    r = http.post(SEARCH_IDS, json={"search_params": {"filters": OK}})
    assert r.status_code == 200 and r.json()["completion_event_ids"]
