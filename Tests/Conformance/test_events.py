"""Chat completion events through the SDK: search, paging, fetch, similar events, live judging."""

from __future__ import annotations

import base64
import uuid

import pytest
from mistralai.client import errors

import operations as op
from conftest import API, assert_error, classification_output, judge_body, make_event, newest_first, sdk_error

INVOICE_EVENT = "e79bf81b-b37f-425e-9dff-071a54592e44"
PASSWORD_EVENT = "b7be6e08-d068-45fc-b77a-966232e92fd6"
BILLING_EVENT = "dfcd5582-1373-4de5-af51-987464da561c"
EVENTS = f"{API}/chat-completion-events"


@pytest.mark.operation(op.SEARCH)
def test_search_with_filter_returns_only_matches_with_requested_extra_fields(obs, fixture_events):
    res = obs.chat_completion_events.search(
        search_params={"filters": {"field": "model_name", "op": "eq", "value": "codestral-latest"}},
        page_size=100,
        extra_fields=["model_name", "input_tokens", "invoked_tools"],
    )
    expected = [e for e in newest_first(fixture_events) if e["extra_fields"].get("model_name") == "codestral-latest"]
    results = res.completion_events.results
    assert [r.event_id for r in results] == [e["event_id"] for e in expected]
    assert results, "the fixtures have codestral events"
    by_id = {e["event_id"]: e for e in fixture_events}
    for r in results:
        assert set(r.extra_fields) == {"model_name", "input_tokens", "invoked_tools"}
        assert r.extra_fields["model_name"] == "codestral-latest"
        assert r.extra_fields["input_tokens"] == by_id[r.event_id]["nb_input_tokens"]
        assert r.nb_input_tokens == by_id[r.event_id]["nb_input_tokens"]
        assert r.nb_output_tokens == by_id[r.event_id]["nb_output_tokens"]
        assert r.correlation_id == by_id[r.event_id]["correlation_id"]
    assert res.completion_events.cursor is None and res.completion_events.next is None


@pytest.mark.operation(op.SEARCH)
def test_search_without_extra_fields_gives_empty_maps(obs):
    res = obs.chat_completion_events.search(search_params={"filters": None}, page_size=5)
    assert len(res.completion_events.results) == 5
    assert all(r.extra_fields == {} for r in res.completion_events.results)


@pytest.mark.operation(op.SEARCH)
def test_search_unknown_extra_field_is_400(http):
    r = http.post(f"{EVENTS}/search", json={"search_params": {"filters": None}, "extra_fields": ["no_such_field"]})
    assert_error(r, 400, "SEARCH_BAD_REQUEST", contains="no_such_field")


@pytest.mark.operation(op.SEARCH, op.SEARCH_IDS)
@pytest.mark.parametrize("page_size", [1, 7, 50, 100])
def test_paging_yields_every_match_once_in_search_ids_order(obs, page_size):
    filters = {"field": "input_tokens", "op": "gt", "value": 40}
    expected = obs.chat_completion_events.search_ids(search_params={"filters": filters}).completion_event_ids
    assert len(expected) > 100, "the filter should span several pages of 100"
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        res = obs.chat_completion_events.search(search_params={"filters": filters}, page_size=page_size, cursor=cursor)
        page = res.completion_events
        assert len(page.results) <= page_size
        seen.extend(r.event_id for r in page.results)
        pages += 1
        assert pages <= len(expected) + 2, "paging does not terminate"
        if page.cursor is None:
            assert page.next is None
            break
        assert page.next and page.next.startswith(f"{EVENTS}/search?") and "cursor=" in page.next
        assert len(page.results) == page_size, "only the last page may be short"
        cursor = page.cursor
    assert len(seen) == len(set(seen)), "an event appeared twice"
    assert seen == expected


@pytest.mark.operation(op.SEARCH, op.SEARCH_IDS)
def test_paging_while_events_are_ingested_yields_every_event_once(http, obs):
    before = obs.chat_completion_events.search_ids(search_params={"filters": None}).completion_event_ids
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = obs.chat_completion_events.search(search_params={"filters": None}, page_size=25, cursor=cursor).completion_events
        seen.extend(r.event_id for r in page.results)
        pages += 1
        # Between pages, ingest one event newer than everything and one older than everything.
        http.ingest([make_event(f"new {pages}", "a", created_at=f"2026-01-01T00:00:{pages:02d}.000Z"),
                     make_event(f"old {pages}", "a", created_at=f"2024-01-01T00:00:{pages:02d}.000Z")])
        cursor = page.cursor
        if cursor is None or pages > 40:
            break
    assert len(seen) == len(set(seen)), "an event appeared twice"
    assert set(before) <= set(seen), "an event that existed before paging started was skipped"
    assert seen[:len(before)] == before, "keyset order is kept"


@pytest.mark.operation(op.SEARCH)
def test_next_url_fetches_the_next_page(http):
    body = {"search_params": {"filters": None}}
    first = http.post(f"{EVENTS}/search?page_size=3", json=body).json()["completion_events"]
    second = http.post(first["next"], json=body).json()["completion_events"]
    by_cursor = http.post(f"{EVENTS}/search", params={"page_size": 3, "cursor": first["cursor"]}, json=body).json()
    assert [e["event_id"] for e in second["results"]] == [e["event_id"] for e in by_cursor["completion_events"]["results"]]
    assert not {e["event_id"] for e in first["results"]} & {e["event_id"] for e in second["results"]}


@pytest.mark.operation(op.SEARCH)
def test_tampered_cursor_is_400(http):
    body = {"search_params": {"filters": None}}
    cursor = http.post(f"{EVENTS}/search?page_size=2", json=body).json()["completion_events"]["cursor"]
    assert cursor
    flipped = cursor[:-3] + ("A" if cursor[-3] != "A" else "B") + cursor[-2:]
    r = http.post(f"{EVENTS}/search", params={"page_size": 2, "cursor": flipped}, json=body)
    assert_error(r, 400, "SEARCH_BAD_REQUEST")
    forged = base64.urlsafe_b64encode(b"v1|0|00000000-0000-0000-0000-000000000000").decode().rstrip("=")
    r = http.post(f"{EVENTS}/search", params={"page_size": 2, "cursor": forged}, json=body)
    assert_error(r, 400, "SEARCH_BAD_REQUEST")
    r = http.post(f"{EVENTS}/search", params={"page_size": 2, "cursor": "not a cursor"}, json=body)
    assert_error(r, 400, "SEARCH_BAD_REQUEST")


@pytest.mark.operation(op.SEARCH)
def test_page_size_out_of_range_is_422(obs, http):
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.chat_completion_events.search(search_params={"filters": None}, page_size=101)
    status, body = sdk_error(exc)
    assert status == 422 and body["detail"]["error_code"] == "VALIDATION_ERROR"
    assert "page_size" in body["detail"]["message"]
    assert_error(http.post(f"{EVENTS}/search?page_size=-1", json={"search_params": {"filters": None}}), 422, "VALIDATION_ERROR")
    assert_error(http.post(f"{EVENTS}/search?page_size=abc", json={"search_params": {"filters": None}}), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.SEARCH)
def test_search_body_that_does_not_fit_the_schema_is_422(http):
    assert_error(http.post(f"{EVENTS}/search", json={}), 422, "VALIDATION_ERROR", contains="search_params")
    assert_error(http.post(f"{EVENTS}/search", data="{not json", headers={"Content-Type": "application/json"}), 422, "VALIDATION_ERROR")
    assert_error(http.post(f"{EVENTS}/search", json={"search_params": {"filters": None}, "extra_fields": "model_name"}),
                 422, "VALIDATION_ERROR", contains="extra_fields")


@pytest.mark.operation(op.SEARCH)
def test_search_requires_a_bearer_token(http):
    r = http.post(f"{EVENTS}/search", json={"search_params": {"filters": None}}, auth=False)
    assert_error(r, 401, "AUTH_UNAUTHORIZED")
    r = http.post(f"{EVENTS}/search", json={"search_params": {"filters": None}}, auth=False,
                  headers={"Authorization": "Bearer "})
    assert_error(r, 401, "AUTH_UNAUTHORIZED")


@pytest.mark.operation(op.SEARCH_IDS)
def test_search_ids_lists_all_events_newest_first(obs, fixture_events):
    ids = obs.chat_completion_events.search_ids(search_params={"filters": None}).completion_event_ids
    assert ids == [e["event_id"] for e in newest_first(fixture_events)]


@pytest.mark.operation(op.GET_EVENT)
def test_fetch_known_event_returns_the_full_event(obs, fixture_events):
    ev = obs.chat_completion_events.fetch(event_id=INVOICE_EVENT)
    fixture = next(e for e in fixture_events if e["event_id"] == INVOICE_EVENT)
    assert ev.event_id == INVOICE_EVENT
    assert ev.correlation_id == fixture["correlation_id"]
    assert ev.nb_input_tokens == fixture["nb_input_tokens"]
    assert ev.nb_output_tokens == fixture["nb_output_tokens"]
    assert ev.nb_messages == fixture["nb_messages"]
    assert ev.request_messages == fixture["request_messages"]
    assert ev.response_messages == fixture["response_messages"]
    assert ev.enabled_tools == fixture["enabled_tools"]
    assert ev.extra_fields["model_name"] == fixture["extra_fields"]["model_name"]
    assert any("invoices" in m["content"] for m in ev.request_messages if m["role"] == "user")
    assert ev.created_at.isoformat().startswith(fixture["created_at"][:19])


@pytest.mark.operation(op.GET_EVENT)
def test_fetch_raw_timestamp_format(http):
    body = http.get(f"{EVENTS}/{INVOICE_EVENT}").json()
    import re
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["created_at"]), body["created_at"]


@pytest.mark.operation(op.GET_EVENT)
def test_fetch_unknown_event_is_404_and_malformed_is_422(obs, http):
    unknown = str(uuid.uuid4())
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.chat_completion_events.fetch(event_id=unknown)
    status, body = sdk_error(exc)
    assert status == 404 and body["detail"]["error_code"] == "SEARCH_NOT_FOUND"
    assert_error(http.get(f"{EVENTS}/{unknown}"), 404, "SEARCH_NOT_FOUND")
    assert_error(http.get(f"{EVENTS}/not-a-uuid"), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.SIMILAR_EVENTS)
def test_similar_events_exclude_the_event_and_are_deterministic(obs):
    first = obs.chat_completion_events.fetch_similar_events(event_id=PASSWORD_EVENT).completion_events.results
    second = obs.chat_completion_events.fetch_similar_events(event_id=PASSWORD_EVENT).completion_events.results
    ids = [r.event_id for r in first]
    assert ids, "the fixtures have near-duplicates of the password-reset question"
    assert len(ids) <= 10
    assert PASSWORD_EVENT not in ids
    assert len(set(ids)) == len(ids)
    assert ids == [r.event_id for r in second]


@pytest.mark.operation(op.SIMILAR_EVENTS)
def test_similar_events_rank_password_questions_first(obs):
    results = obs.chat_completion_events.fetch_similar_events(event_id=PASSWORD_EVENT).completion_events.results
    top = obs.chat_completion_events.fetch(event_id=results[0].event_id)
    text = " ".join(m.get("content") or "" for m in top.request_messages + top.response_messages).lower()
    assert "password" in text or "mot de passe" in text or "contraseña" in text or "passwort" in text


@pytest.mark.operation(op.SIMILAR_EVENTS)
def test_similar_events_of_unknown_event_is_404(http):
    assert_error(http.get(f"{EVENTS}/{uuid.uuid4()}/similar-events"), 404, "SEARCH_NOT_FOUND")
    assert_error(http.get(f"{EVENTS}/xyz/similar-events"), 422, "VALIDATION_ERROR")


@pytest.mark.operation(op.JUDGE_EVENT)
def test_judge_event_with_inline_judge_answers_an_option(obs):
    definition = judge_body(output=classification_output("excellent", "good", "poor"),
                            instructions="Rate how helpful the answer is.")
    out = obs.chat_completion_events.judge(event_id=BILLING_EVENT, judge_definition=definition)
    assert out.answer in {"excellent", "good", "poor"}
    assert isinstance(out.analysis, str) and out.analysis
    again = obs.chat_completion_events.judge(event_id=BILLING_EVENT, judge_definition=definition)
    assert (again.answer, again.analysis) == (out.answer, out.analysis)


@pytest.mark.operation(op.JUDGE_EVENT)
def test_judge_event_follows_rules_in_the_instructions(obs):
    definition = judge_body(output=classification_output("invoice", "other"),
                            instructions='Classify.\nwhen user icontains "invoices" -> invoice\notherwise -> other')
    assert obs.chat_completion_events.judge(event_id=INVOICE_EVENT, judge_definition=definition).answer == "invoice"
    assert obs.chat_completion_events.judge(event_id=PASSWORD_EVENT, judge_definition=definition).answer == "other"


@pytest.mark.operation(op.JUDGE_EVENT)
def test_judge_event_regression_answer_is_within_bounds(obs):
    definition = judge_body(output={"type": "REGRESSION", "min": 1, "min_description": "bad",
                                    "max": 5, "max_description": "great"})
    out = obs.chat_completion_events.judge(event_id=BILLING_EVENT, judge_definition=definition)
    assert isinstance(out.answer, (int, float)) and 1 <= out.answer <= 5


@pytest.mark.operation(op.JUDGE_EVENT)
def test_judge_unknown_event_is_404(obs, http):
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.chat_completion_events.judge(event_id=str(uuid.uuid4()), judge_definition=judge_body())
    status, body = sdk_error(exc)
    assert status == 404 and body["detail"]["error_code"] == "SEARCH_NOT_FOUND"
    r = http.post(f"{EVENTS}/{INVOICE_EVENT}/live-judging", json={})
    assert_error(r, 422, "VALIDATION_ERROR", contains="judge_definition")
