"""Field catalogue, field options and option counts (client.beta.observability.chat_completion_events.fields)."""

from __future__ import annotations

import collections

import pytest
from mistralai.client import errors

import operations as op
from conftest import API, HTTP, assert_error, make_event, new_token, sdk_error

FIELDS = f"{API}/chat-completion-fields"

OPERATORS = {
    "TEXT": {"eq", "neq", "contains", "icontains", "notcontains", "inotcontains", "startswith", "istartswith",
             "endswith", "iendswith", "matches", "isnull"},
    "ENUM": {"eq", "neq", "startswith", "istartswith", "contains", "icontains", "isnull", "includes", "excludes"},
    "INT": {"eq", "neq", "lt", "lte", "gt", "gte", "isnull"},
    "FLOAT": {"eq", "neq", "lt", "lte", "gt", "gte", "isnull"},
    "TIMESTAMP": {"eq", "neq", "lt", "lte", "gt", "gte", "isnull"},
    "ARRAY": {"includes", "excludes", "len_eq", "isnull"},
    "BOOL": {"eq", "neq", "isnull"},
}

EXPECTED_TYPES = {
    "event_id": "TEXT", "correlation_id": "TEXT", "timestamp": "TIMESTAMP", "model_name": "ENUM",
    "first_system_message": "TEXT", "last_user_message_preview": "TEXT", "response_messages_preview": "TEXT",
    "invoked_tools": "ARRAY", "enabled_tools": "ARRAY", "input_tokens": "INT", "output_tokens": "INT",
    "nb_messages": "INT", "total_time_elapsed": "FLOAT", "api_agent_id": "TEXT",
}


@pytest.mark.operation(op.LIST_FIELDS)
def test_field_list_has_types_groups_and_operators(obs, fixture_events):
    res = obs.chat_completion_events.fields.list()
    defs = {f.name: f for f in res.field_definitions}
    group_names = {g.name for g in res.field_groups}
    assert group_names and all(g.label for g in res.field_groups)
    for name, kind in EXPECTED_TYPES.items():
        assert name in defs, f"field {name} missing"
        assert defs[name].type == kind, (name, defs[name].type)
    metadata_keys = {k for e in fixture_events for k in e["extra_fields"]["metadata"]}
    for key in metadata_keys:
        assert defs[f"metadata.{key}"].type == "TEXT"
    for f in res.field_definitions:
        assert f.label
        assert f.group in group_names, (f.name, f.group)
        assert set(f.supported_operators) == OPERATORS[f.type], (f.name, f.supported_operators)


@pytest.mark.operation(op.FIELD_OPTIONS)
def test_model_name_options_are_the_sorted_distinct_models(obs, fixture_events):
    res = obs.chat_completion_events.fields.fetch_options(field_name="model_name", operator="eq")
    expected = sorted({e["extra_fields"]["model_name"] for e in fixture_events})
    assert res.options == expected


@pytest.mark.operation(op.FIELD_OPTIONS)
def test_options_of_a_text_field_is_400(obs, http):
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.chat_completion_events.fields.fetch_options(field_name="last_user_message_preview", operator="eq")
    status, body = sdk_error(exc)
    assert status == 400 and body["detail"]["error_code"] == "FIELDS_BAD_REQUEST"
    assert_error(http.get(f"{FIELDS}/input_tokens/options", params={"operator": "eq"}), 400, "FIELDS_BAD_REQUEST")


@pytest.mark.operation(op.FIELD_OPTIONS)
def test_options_of_an_unknown_field_is_404(http):
    assert_error(http.get(f"{FIELDS}/no_such_field/options", params={"operator": "eq"}), 404, "FIELDS_NOT_FOUND",
                 contains="no_such_field")


@pytest.mark.operation(op.FIELD_OPTIONS)
def test_options_operator_is_required_and_must_be_known(http):
    assert_error(http.get(f"{FIELDS}/model_name/options"), 422, "VALIDATION_ERROR", contains="operator")
    assert_error(http.get(f"{FIELDS}/model_name/options", params={"operator": "like"}), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.FIELD_OPTIONS, op.FIELD_OPTION_COUNTS)
def test_ingested_model_shows_only_in_its_workspace(base_url, http):
    http.ingest(make_event("hello there", "hi!", model="zz-private-model"))
    mine = http.get(f"{FIELDS}/model_name/options", params={"operator": "eq"}).json()["options"]
    other = HTTP(base_url, new_token()).get(f"{FIELDS}/model_name/options", params={"operator": "eq"}).json()["options"]
    assert "zz-private-model" in mine and "zz-private-model" not in other
    assert mine == sorted(mine)
    counts = http.post(f"{FIELDS}/model_name/options-counts", json={"filter_params": None}).json()["counts"]
    assert {"value": "zz-private-model", "count": 1} in counts


@pytest.mark.operation(op.FIELD_OPTION_COUNTS)
def test_option_counts_most_frequent_first_and_sum_to_total(obs, fixture_events):
    res = obs.chat_completion_events.fields.fetch_option_counts(field_name="model_name")
    counts = [(c.value, c.count) for c in res.counts]
    assert [n for _, n in counts] == sorted((n for _, n in counts), reverse=True)
    assert dict(counts) == dict(collections.Counter(e["extra_fields"]["model_name"] for e in fixture_events))
    assert sum(n for _, n in counts) == len(fixture_events)


@pytest.mark.operation(op.FIELD_OPTION_COUNTS, op.SEARCH_IDS)
def test_option_counts_with_filter_sum_to_filtered_total(obs):
    filters = {"AND": [{"field": "input_tokens", "op": "gt", "value": 50},
                       {"field": "metadata.env", "op": "eq", "value": "prod"}]}
    res = obs.chat_completion_events.fields.fetch_option_counts(field_name="model_name",
                                                                filter_params={"filters": filters})
    total = len(obs.chat_completion_events.search_ids(search_params={"filters": filters}).completion_event_ids)
    assert 0 < total < 320
    assert sum(c.count for c in res.counts) == total
    assert [c.count for c in res.counts] == sorted((c.count for c in res.counts), reverse=True)
    assert all(c.count > 0 for c in res.counts)


@pytest.mark.operation(op.FIELD_OPTION_COUNTS)
def test_option_counts_errors(http):
    assert_error(http.post(f"{FIELDS}/no_such_field/options-counts", json={}), 404, "FIELDS_NOT_FOUND")
    r = http.post(f"{FIELDS}/model_name/options-counts",
                  json={"filter_params": {"filters": {"field": "nope", "op": "eq", "value": 1}}})
    assert r.status_code == 400, r.text
    assert "nope" in r.json()["detail"]["message"]
    assert_error(http.post(f"{FIELDS}/model_name/options-counts", json={"filter_params": "x"}), 422, "VALIDATION_ERROR")
