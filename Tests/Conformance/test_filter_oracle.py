"""The filter language, checked against a plain-Python evaluation over Fixtures/events.jsonl.

Each filter runs through the SDK's search_ids in a fresh workspace (so only the seeded events are
visible) and through `evaluate` below, which derives the filterable fields as docs/api.md's filter section says and
applies the null semantics: a condition on a null value is false for every operator
except `isnull`, negations included. Both must give the same ids in the same order
(created_at desc, event_id desc).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest

import operations as op
from conftest import newest_first


# --------------------------------------------------------------------------------------------
# Field derivation
# --------------------------------------------------------------------------------------------

def _function_names(items: list[dict]) -> list[str]:
    names: list[str] = []
    for item in items or []:
        fn = item.get("function") or {}
        name = fn.get("name")
        if name is not None and name not in names:
            names.append(name)
    return names


def derive(event: dict, field: str) -> Any:
    extra = event.get("extra_fields") or {}
    req = event.get("request_messages") or []
    resp = event.get("response_messages") or []
    if field in ("event_id", "correlation_id"):
        return event.get(field)
    if field == "timestamp":
        return event["created_at"]
    if field == "model_name":
        return extra.get("model_name")
    if field == "first_system_message":
        return next((m.get("content") for m in req if m.get("role") == "system"), None)
    if field == "last_user_message_preview":
        users = [m.get("content") for m in req if m.get("role") == "user"]
        return users[-1] if users else None
    if field == "response_messages_preview":
        parts = [m.get("content") or "" for m in resp if m.get("role") == "assistant"]
        return "\n".join(parts) if parts else None
    if field == "invoked_tools":
        calls = [tc for m in resp for tc in (m.get("tool_calls") or [])]
        return _function_names(calls)
    if field == "enabled_tools":
        return _function_names(event.get("enabled_tools") or [])
    if field == "input_tokens":
        return event.get("nb_input_tokens")
    if field == "output_tokens":
        return event.get("nb_output_tokens")
    if field == "nb_messages":
        return event.get("nb_messages")
    if field == "total_time_elapsed":
        return extra.get("total_time_elapsed")
    if field == "api_agent_id":
        return extra.get("api_agent_id")
    if field.startswith("metadata."):
        return (extra.get("metadata") or {}).get(field[len("metadata."):])
    raise KeyError(field)


TYPES = {
    "event_id": "TEXT", "correlation_id": "TEXT", "timestamp": "TIMESTAMP", "model_name": "ENUM",
    "first_system_message": "TEXT", "last_user_message_preview": "TEXT", "response_messages_preview": "TEXT",
    "invoked_tools": "ARRAY", "enabled_tools": "ARRAY", "input_tokens": "INT", "output_tokens": "INT",
    "nb_messages": "INT", "total_time_elapsed": "FLOAT", "api_agent_id": "TEXT",
}


def field_type(field: str) -> str:
    return "TEXT" if field.startswith("metadata.") else TYPES[field]


def parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------

def condition(event: dict, cond: dict) -> bool:
    field, operator, value = cond["field"], cond["op"], cond["value"]
    actual = derive(event, field)
    kind = field_type(field)
    if operator == "isnull":
        return (actual is None) == bool(value)
    if actual is None:
        return False
    if kind == "ARRAY":
        if operator == "includes":
            return value in actual
        if operator == "excludes":
            return value not in actual
        if operator == "len_eq":
            return len(actual) == value
        raise ValueError(operator)
    if kind in ("INT", "FLOAT", "TIMESTAMP"):
        a, v = (parse_ts(actual), parse_ts(value)) if kind == "TIMESTAMP" else (actual, value)
        return {"eq": a == v, "neq": a != v, "lt": a < v, "lte": a <= v, "gt": a > v, "gte": a >= v}[operator]
    # TEXT and ENUM
    if operator == "includes":
        return actual in value
    if operator == "excludes":
        return actual not in value
    a, v = actual, value
    if operator.startswith("i") and operator not in ("includes",):
        a, v, operator = a.lower(), v.lower(), operator[1:]
    return {
        "eq": lambda: a == v,
        "neq": lambda: a != v,
        "contains": lambda: v in a,
        "notcontains": lambda: v not in a,
        "startswith": lambda: a.startswith(v),
        "endswith": lambda: a.endswith(v),
        "matches": lambda: re.search(v, a) is not None,
    }[operator]()


def evaluate(event: dict, node: Any) -> bool:
    if node is None:
        return True
    if "field" in node:
        return condition(event, node)
    ands = node.get("AND") or []
    ors = node.get("OR") or []
    ok = all(evaluate(event, child) for child in ands)
    if ors:
        ok = ok and any(evaluate(event, child) for child in ors)
    return ok


def C(field: str, operator: str, value: Any) -> dict:
    return {"field": field, "op": operator, "value": value}


FILTERS: dict[str, Any] = {
    # TEXT
    "text_eq": C("event_id", "eq", "e79bf81b-b37f-425e-9dff-071a54592e44"),
    "text_neq_null_excluded": C("api_agent_id", "neq", "ag_0195c1a2b3c4d5e6f7a8b9c0d1e2f3a4"),
    "text_contains": C("last_user_message_preview", "contains", "password"),
    "text_icontains": C("last_user_message_preview", "icontains", "PASSWORD"),
    "text_notcontains": C("response_messages_preview", "notcontains", "the"),
    "text_inotcontains_null_excluded": C("first_system_message", "inotcontains", "ASSISTANT"),
    "text_startswith": C("last_user_message_preview", "startswith", "How"),
    "text_istartswith": C("last_user_message_preview", "istartswith", "how do"),
    "text_endswith": C("last_user_message_preview", "endswith", "?"),
    "text_iendswith": C("first_system_message", "iendswith", "FOR FURNITURE."),
    "text_matches": C("last_user_message_preview", "matches", r"\b(invoice|receipt)s?\b"),
    "text_matches_case_flag": C("response_messages_preview", "matches", r"(?i)^sorry|i'm sorry"),
    "text_isnull_true": C("api_agent_id", "isnull", True),
    "text_isnull_false": C("first_system_message", "isnull", False),
    "metadata_eq": C("metadata.customer_tier", "eq", "pro"),
    "metadata_neq_null_excluded": C("metadata.customer_tier", "neq", "pro"),
    "metadata_isnull": C("metadata.app_version", "isnull", True),
    "response_preview_empty_for_tool_calls": C("response_messages_preview", "eq", ""),
    # ENUM
    "enum_eq": C("model_name", "eq", "mistral-large-latest"),
    "enum_neq": C("model_name", "neq", "mistral-small-latest"),
    "enum_startswith": C("model_name", "startswith", "mistral-"),
    "enum_istartswith": C("model_name", "istartswith", "MINISTRAL"),
    "enum_contains": C("model_name", "contains", "large"),
    "enum_icontains": C("model_name", "icontains", "STRAL-L"),
    "enum_includes": C("model_name", "includes", ["codestral-latest", "open-mistral-nemo", "not-a-model"]),
    "enum_excludes": C("model_name", "excludes", ["mistral-small-latest", "mistral-medium-latest"]),
    "enum_isnull_false": C("model_name", "isnull", False),
    # INT
    "int_eq": C("nb_messages", "eq", 5),
    "int_neq": C("nb_messages", "neq", 3),
    "int_lt": C("input_tokens", "lt", 20),
    "int_lte": C("input_tokens", "lte", 19),
    "int_gt": C("output_tokens", "gt", 150),
    "int_gte": C("output_tokens", "gte", 150),
    "int_isnull_true": C("input_tokens", "isnull", True),
    # FLOAT
    "float_eq": C("total_time_elapsed", "eq", 1.366),
    "float_neq": C("total_time_elapsed", "neq", 1.366),
    "float_lt": C("total_time_elapsed", "lt", 0.5),
    "float_lte_int_value": C("total_time_elapsed", "lte", 1),
    "float_gt": C("total_time_elapsed", "gt", 2.5),
    "float_gte": C("total_time_elapsed", "gte", 2.065),
    "float_isnull_false": C("total_time_elapsed", "isnull", False),
    # TIMESTAMP
    "ts_eq": C("timestamp", "eq", "2025-09-01T06:32:52.811Z"),
    "ts_neq": C("timestamp", "neq", "2025-09-01T06:32:52.811Z"),
    "ts_lt": C("timestamp", "lt", "2025-09-10T00:00:00.000Z"),
    "ts_lte": C("timestamp", "lte", "2025-09-01T09:14:01.174Z"),
    "ts_gt_no_millis": C("timestamp", "gt", "2025-10-10T00:00:00Z"),
    "ts_gte": C("timestamp", "gte", "2025-10-15T12:14:23.196Z"),
    "ts_isnull_true": C("timestamp", "isnull", True),
    # ARRAY
    "array_includes": C("enabled_tools", "includes", "create_ticket"),
    "array_excludes": C("enabled_tools", "excludes", "create_ticket"),
    "array_invoked_includes": C("invoked_tools", "includes", "get_weather"),
    "array_len_eq_0": C("invoked_tools", "len_eq", 0),
    "array_len_eq_2": C("enabled_tools", "len_eq", 2),
    "array_isnull_true": C("invoked_tools", "isnull", True),
    "array_isnull_false": C("enabled_tools", "isnull", False),
    # groups
    "and_group": {"AND": [C("model_name", "eq", "mistral-small-latest"), C("input_tokens", "gt", 50)]},
    "or_group": {"OR": [C("model_name", "eq", "codestral-latest"), C("invoked_tools", "len_eq", 1)]},
    "nested_and_or": {"AND": [
        {"OR": [C("metadata.team", "eq", "support"), C("metadata.team", "eq", "travel")]},
        {"AND": [C("timestamp", "gte", "2025-09-15T00:00:00.000Z"), {"OR": [C("api_agent_id", "isnull", False),
                                                                            C("nb_messages", "gte", 4)]}]},
    ]},
    "and_and_or_in_one_group": {"AND": [C("metadata.env", "eq", "prod")],
                                "OR": [C("model_name", "eq", "ministral-8b-latest"), C("output_tokens", "lt", 30)]},
    "empty_group": {},
    "empty_and": {"AND": []},
    "null_and_with_or": {"AND": None, "OR": [C("model_name", "eq", "pixtral-large-latest")]},
    "nested_empty_groups": {"AND": [{}, {"OR": []}, C("metadata.env", "eq", "staging")]},
    "null_filters": None,
}


@pytest.fixture(scope="module")
def oracle_client(base_url):
    from conftest import make_client, new_token
    return make_client(base_url, new_token()).beta.observability


@pytest.mark.operation(op.SEARCH_IDS)
@pytest.mark.parametrize("name", list(FILTERS))
def test_filter_matches_python_oracle(name, oracle_client, fixture_events):
    filters = FILTERS[name]
    expected = [e["event_id"] for e in newest_first(fixture_events) if evaluate(e, filters)]
    got = oracle_client.chat_completion_events.search_ids(search_params={"filters": filters}).completion_event_ids
    missing = [i for i in expected if i not in set(got)]
    extra = [i for i in got if i not in set(expected)]
    assert not missing and not extra, f"{name}: {len(missing)} missing (e.g. {missing[:3]}), {len(extra)} extra (e.g. {extra[:3]})"
    assert got == expected, f"{name}: same ids, wrong order"


@pytest.mark.operation(op.SEARCH_IDS)
def test_oracle_filters_are_selective(fixture_events):
    """Guards the oracle itself: most filters must select some but not all events, so that
    equality with the emulator means something."""
    total = len(fixture_events)
    trivial_ok = {"empty_group", "empty_and", "null_filters", "text_isnull_false", "int_isnull_true",
                  "ts_isnull_true", "array_isnull_true", "array_isnull_false", "float_isnull_false",
                  "enum_isnull_false"}
    for name, filters in FILTERS.items():
        n = sum(evaluate(e, filters) for e in fixture_events)
        if name not in trivial_ok:
            assert 0 < n < total, f"{name} selects {n} of {total}"


@pytest.mark.operation(op.SEARCH)
@pytest.mark.parametrize("name", ["nested_and_or", "enum_includes", "metadata_neq_null_excluded", "array_includes"])
def test_search_pages_agree_with_oracle(name, oracle_client, fixture_events):
    filters = FILTERS[name]
    expected = [e["event_id"] for e in newest_first(fixture_events) if evaluate(e, filters)]
    got: list[str] = []
    cursor = None
    for _ in range(100):
        page = oracle_client.chat_completion_events.search(search_params={"filters": filters}, page_size=13,
                                                           cursor=cursor).completion_events
        got.extend(r.event_id for r in page.results)
        cursor = page.cursor
        if cursor is None:
            break
    assert got == expected


@pytest.mark.operation(op.SEARCH_IDS)
def test_null_semantics_on_an_event_without_model_agent_system_prompt_or_metadata(http, obs):
    """A condition on a null value is false for every operator except isnull, negations
    included; ARRAY fields are never null."""
    from conftest import make_event
    bare = make_event("plain question", "plain answer", model=None, created_at="2025-12-01T00:00:00.000Z")
    [bare_id] = http.ingest(bare)
    full = make_event("other question", "other answer", model="zz-model", created_at="2025-12-01T00:00:01.000Z",
                      metadata={"team": "qa"})
    full["extra_fields"]["api_agent_id"] = "ag_test"
    full["request_messages"].insert(0, {"role": "system", "content": "Be nice."})
    [full_id] = http.ingest(full)

    def hits(cond) -> set[str]:
        ids = obs.chat_completion_events.search_ids(search_params={"filters": cond}).completion_event_ids
        return set(ids) & {bare_id, full_id}

    negations = [
        C("model_name", "neq", "x"), C("model_name", "excludes", ["x"]),
        C("api_agent_id", "neq", "x"), C("api_agent_id", "notcontains", "x"), C("api_agent_id", "inotcontains", "x"),
        C("first_system_message", "neq", "x"), C("first_system_message", "notcontains", "x"),
        C("metadata.team", "neq", "x"), C("metadata.team", "inotcontains", "x"),
    ]
    for cond in negations:
        assert hits(cond) == {full_id}, cond
    for field in ("model_name", "api_agent_id", "first_system_message", "metadata.team"):
        assert hits(C(field, "isnull", True)) == {bare_id}, field
        assert hits(C(field, "isnull", False)) == {full_id}, field
    for field in ("invoked_tools", "enabled_tools"):
        assert hits(C(field, "isnull", True)) == set(), field
        assert hits(C(field, "len_eq", 0)) == {bare_id, full_id}, field
        assert hits(C(field, "excludes", "create_ticket")) == {bare_id, full_id}, field
