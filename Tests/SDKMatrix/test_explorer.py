"""The explorer (mistralai 2.9.4 only): chat-completion events and their fields, over the seeded
fixture events shared by every workspace."""

from __future__ import annotations

import collections
import datetime as dt
import uuid

import pytest
from mistralai.client import errors

from helpers import (BILLING_EVENT, INVOICE_EVENT, PASSWORD_EVENT, classification, error_of, fixture_events,
                     judge_body, newest_first, regression)

CODESTRAL = {"field": "model_name", "op": "eq", "value": "codestral-latest"}


def by_id() -> dict[str, dict]:
    return {e["event_id"]: e for e in fixture_events()}


@pytest.mark.sdk_method("chat_completion_events.search")
def test_search_filters_pages_and_extra_fields(obs):
    expected = [e for e in newest_first(fixture_events()) if e["extra_fields"]["model_name"] == "codestral-latest"]
    assert len(expected) == 30
    seen, cursor = [], None
    for _ in range(10):
        page = obs.chat_completion_events.search(search_params={"filters": CODESTRAL}, page_size=12, cursor=cursor,
                                                 extra_fields=["model_name", "input_tokens"]).completion_events
        seen.extend(page.results)
        cursor = page.cursor
        if cursor is None:
            assert page.next is None
            break
        assert len(page.results) == 12 and "cursor=" in page.next
    assert [r.event_id for r in seen] == [e["event_id"] for e in expected]
    events = by_id()
    for r in seen:
        e = events[r.event_id]
        assert r.extra_fields == {"model_name": "codestral-latest", "input_tokens": e["nb_input_tokens"]}
        assert (r.correlation_id, r.nb_input_tokens, r.nb_output_tokens) == \
            (e["correlation_id"], e["nb_input_tokens"], e["nb_output_tokens"])
        assert isinstance(r.created_at, dt.datetime) and r.created_at.isoformat().startswith(e["created_at"][:19])


@pytest.mark.sdk_method("chat_completion_events.search_ids")
def test_search_ids_lists_every_match_newest_first(obs):
    everything = obs.chat_completion_events.search_ids(search_params={"filters": None}).completion_event_ids
    assert everything == [e["event_id"] for e in newest_first(fixture_events())] and len(everything) == 320
    tokens = {"AND": [{"field": "input_tokens", "op": "gt", "value": 50}, CODESTRAL]}
    ids = obs.chat_completion_events.search_ids(search_params={"filters": tokens}).completion_event_ids
    assert ids == [e["event_id"] for e in newest_first(fixture_events())
                   if e["nb_input_tokens"] > 50 and e["extra_fields"]["model_name"] == "codestral-latest"]


@pytest.mark.sdk_method("chat_completion_events.fetch")
def test_fetch_an_event(obs):
    ev = obs.chat_completion_events.fetch(event_id=INVOICE_EVENT)
    e = by_id()[INVOICE_EVENT]
    assert (ev.event_id, ev.correlation_id, ev.nb_input_tokens, ev.nb_output_tokens, ev.nb_messages) == \
        (INVOICE_EVENT, e["correlation_id"], e["nb_input_tokens"], e["nb_output_tokens"], e["nb_messages"])
    assert ev.request_messages == e["request_messages"] and ev.response_messages == e["response_messages"]
    assert ev.extra_fields["model_name"] == e["extra_fields"]["model_name"]
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.chat_completion_events.fetch(event_id=str(uuid.uuid4()))
    assert error_of(exc)[:2] == (404, "SEARCH_NOT_FOUND")


@pytest.mark.sdk_method("chat_completion_events.fetch_similar_events")
def test_similar_events_find_other_password_questions(obs):
    results = obs.chat_completion_events.fetch_similar_events(event_id=PASSWORD_EVENT).completion_events.results
    ids = [r.event_id for r in results]
    assert 0 < len(ids) <= 10 and PASSWORD_EVENT not in ids and len(set(ids)) == len(ids)
    assert set(ids) <= set(by_id())
    top = by_id()[ids[0]]
    text = " ".join(m.get("content") or "" for m in top["request_messages"] + top["response_messages"]).lower()
    assert any(word in text for word in ("password", "mot de passe", "contraseña", "passwort"))
    again = obs.chat_completion_events.fetch_similar_events(event_id=PASSWORD_EVENT).completion_events.results
    assert [r.event_id for r in again] == ids


@pytest.mark.sdk_method("chat_completion_events.judge")
def test_judge_an_event_with_an_inline_judge(obs):
    rules = judge_body(output=classification("invoice", "other"),
                       instructions='Classify.\nwhen user icontains "invoices" -> invoice\notherwise -> other')
    assert obs.chat_completion_events.judge(event_id=INVOICE_EVENT, judge_definition=rules).answer == "invoice"
    assert obs.chat_completion_events.judge(event_id=PASSWORD_EVENT, judge_definition=rules).answer == "other"
    score = obs.chat_completion_events.judge(event_id=BILLING_EVENT, judge_definition=judge_body(output=regression(1, 5)))
    assert isinstance(score.answer, (int, float)) and 1 <= score.answer <= 5 and score.analysis


@pytest.mark.sdk_method("chat_completion_events.fields.list")
def test_field_list(obs):
    res = obs.chat_completion_events.fields.list()
    defs = {f.name: f for f in res.field_definitions}
    expected = {"event_id": "TEXT", "timestamp": "TIMESTAMP", "model_name": "ENUM", "invoked_tools": "ARRAY",
                "input_tokens": "INT", "total_time_elapsed": "FLOAT", "api_agent_id": "TEXT"}
    assert {name: defs[name].type for name in expected} == expected
    assert set(defs["input_tokens"].supported_operators) == {"eq", "neq", "lt", "lte", "gt", "gte", "isnull"}
    groups = {g.name for g in res.field_groups}
    assert groups and all(f.group in groups for f in res.field_definitions)
    metadata_keys = {k for e in fixture_events() for k in e["extra_fields"]["metadata"]}
    assert {f"metadata.{k}" for k in metadata_keys} <= set(defs)


@pytest.mark.sdk_method("chat_completion_events.fields.fetch_options")
def test_field_options(obs):
    res = obs.chat_completion_events.fields.fetch_options(field_name="model_name", operator="eq")
    assert res.options == sorted({e["extra_fields"]["model_name"] for e in fixture_events()})
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.chat_completion_events.fields.fetch_options(field_name="no_such_field", operator="eq")
    assert error_of(exc)[:2] == (404, "FIELDS_NOT_FOUND")


@pytest.mark.sdk_method("chat_completion_events.fields.fetch_option_counts")
def test_field_option_counts(obs):
    res = obs.chat_completion_events.fields.fetch_option_counts(field_name="model_name")
    counts = [(c.value, c.count) for c in res.counts]
    assert dict(counts) == dict(collections.Counter(e["extra_fields"]["model_name"] for e in fixture_events()))
    assert [n for _, n in counts] == sorted((n for _, n in counts), reverse=True)
    filtered = obs.chat_completion_events.fields.fetch_option_counts(
        field_name="model_name", filter_params={"filters": {"field": "input_tokens", "op": "gt", "value": 50}})
    expected = collections.Counter(e["extra_fields"]["model_name"] for e in fixture_events() if e["nb_input_tokens"] > 50)
    assert {c.value: c.count for c in filtered.counts} == dict(expected)
