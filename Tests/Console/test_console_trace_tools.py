"""The trace view's critical path, two traces compared, the live tail of the lists, and the links
between events, spans, evaluations and dataset records where the data ties them."""
from __future__ import annotations

import json
import time
import uuid

import pytest

from conftest import show
from helpers import V1, call, send_logs, send_spans, span, wait_until


def fresh_token(name: str) -> str:
    return f"console-{name}-{uuid.uuid4().hex[:8]}"


def span_ids(count: int) -> list[str]:
    return [uuid.uuid4().hex[:16] for _ in range(count)]


# 1. The critical path

def test_the_critical_path_is_marked_and_follows_the_last_finishing_children(page, emulator, artefacts):
    token, trace = fresh_token("critical"), uuid.uuid4().hex
    root, a, b, c, d, e = span_ids(6)
    base = time.time_ns() - 30_000_000_000
    # root 0–100 ms; B 10–90 finishes last, then A (0–8) finished before B started; E (5–20)
    # overlaps B's start, so it is off the path; under B, D (50–85) then C (20–40).
    send_spans(emulator.url, token, [
        span(trace, root, "handle request", base_ns=base, ms=100),
        span(trace, a, "authenticate", parent=root, base_ns=base, ms=8),
        span(trace, e, "warm cache", parent=root, base_ns=base, offset_ms=5, ms=15),
        span(trace, b, "answer", parent=root, base_ns=base, offset_ms=10, ms=80),
        span(trace, c, "retrieve", parent=b, base_ns=base, offset_ms=20, ms=20),
        span(trace, d, "chat mistral-small-latest", parent=b, base_ns=base, offset_ms=50, ms=35),
    ])
    page.resize(1440, 900)
    show(page, f"#/traces/{trace}?token={token}", "document.querySelectorAll('.waterfall .span-row').length === 6")
    marked = page.eval("[...document.querySelectorAll('.waterfall .span-row.critical')].map(r => r.dataset.span)")
    assert sorted(marked) == sorted([root, a, b, c, d]), "E overlaps B's start: not on the path"
    assert "Critical path: 5 of 6 spans" in page.text("#critical-legend")
    label = page.eval(f"document.querySelector(\".span-row[data-span='{e}'] a\").getAttribute('aria-label')")
    assert "critical path" not in label
    assert "on the critical path" in page.eval(f"document.querySelector(\".span-row[data-span='{d}'] a\").getAttribute('aria-label')")
    page.screenshot(str(artefacts / "1440-critical-path.png"))


# 2. Compare two traces

@pytest.fixture
def two_traces(emulator):
    """Two runs of one request: the second has a slower chat, no tool call and a retrieval."""
    token = fresh_token("compare")
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    r1, c1, t1 = span_ids(3)
    r2, c2, x2 = span_ids(3)
    send_spans(emulator.url, token, [
        span(first, r1, "POST /answer", ms=100),
        span(first, c1, "chat mistral-small-latest", parent=r1, offset_ms=10, ms=40),
        span(first, t1, "execute_tool lookup_order", parent=r1, offset_ms=60, ms=10),
    ])
    send_spans(emulator.url, token, [
        span(second, r2, "POST /answer", offset_ms=1000, ms=180),
        span(second, x2, "retrieve handbook", parent=r2, offset_ms=1005, ms=30),
        span(second, c2, "chat mistral-small-latest", parent=r2, offset_ms=1040, ms=120, status=2),
    ])
    return token, first, second, {"chat": (c1, c2)}


def test_two_traces_picked_in_the_list_are_compared_span_by_span(page, emulator, two_traces, artefacts):
    token, first, second, ids = two_traces
    page.resize(1440, 900)
    show(page, f"#/traces?token={token}", "document.querySelectorAll('main tbody .compare-pick').length === 2")
    assert page.eval("document.querySelector('#compare-picked').hasAttribute('href')") is False
    page.click(f".compare-pick[data-trace='{first}']")
    page.click(f".compare-pick[data-trace='{second}']")
    assert page.eval("document.querySelector('#compare-picked').getAttribute('href')") == f"#/compare/{first}/{second}"
    page.click("#compare-picked")
    page.wait_for("document.querySelectorAll('.compare-row').length === 4", what="the merged tree")
    rows = page.eval("[...document.querySelectorAll('.compare-row')].map(r => [r.dataset.name, r.dataset.match, r.cells[3].innerText])")
    by_name = {name: (match, diff) for name, match, diff in rows}
    assert by_name["POST /answer"][0] == "both" and by_name["POST /answer"][1].startswith("+80.0 ms (+80%)")
    assert by_name["chat mistral-small-latest"][0] == "both" and "+80.0 ms (+200%)" in by_name["chat mistral-small-latest"][1]
    assert "Ok → Error" in by_name["chat mistral-small-latest"][1]
    assert by_name["execute_tool lookup_order"] == ("a", "only in A")
    assert by_name["retrieve handbook"] == ("b", "only in B")
    assert page.text("#compare-counts").startswith("2 spans in both, 1 only in A, 1 only in B")
    # Each duration opens that span in its own trace.
    chat_a, chat_b = ids["chat"]
    links = page.eval("[...document.querySelectorAll('.compare-row')].filter(r => r.dataset.name.startsWith('chat')).map(r => [...r.querySelectorAll('a')].map(a => a.getAttribute('href')))[0]")
    assert links == [f"#/traces/{first}/{chat_a}", f"#/traces/{second}/{chat_b}"]
    page.screenshot(str(artefacts / "1440-compare.png"))
    # The later trace offers the comparison with the run before it (same root span and service).
    show(page, f"#/traces/{second}", "document.querySelector('#compare-previous')", what="the link to the run before")
    assert page.eval("document.querySelector('#compare-previous').getAttribute('href')") == f"#/compare/{first}/{second}"
    show(page, f"#/traces/{first}", "document.querySelector('.previous-run[data-looked]')")
    assert not page.eval("document.querySelector('#compare-previous')"), "the first run has none before it"
    # The comparison is a link too: the same page from the URL alone, at 390 px.
    page.resize(390, 844, mobile=True)
    page.goto("about:blank")
    page.goto(f"{emulator.ui}#/compare/{second}/{first}?token={token}")
    page.wait_for("document.querySelectorAll('.compare-row').length === 4", what="the comparison from its URL")
    assert page.eval("[...document.querySelectorAll('.compare-row')].find(r => r.dataset.name === 'retrieve handbook').dataset.match") == "a"
    assert page.eval("document.documentElement.scrollWidth") <= 390
    page.screenshot(str(artefacts / "390-compare.png"), full_page=True)


# 3. Live tail

def rows_keys(page):
    return page.eval("[...document.querySelectorAll('main tbody tr[data-key]')].map(r => r.dataset.key)")


def test_the_traces_list_tails_new_traces_with_its_filters_and_scroll_kept(page, emulator):
    token = fresh_token("tail")
    first = uuid.uuid4().hex
    send_spans(emulator.url, token, [span(first, span_ids(1)[0], "POST /checkout")])
    page.resize(1280, 500)
    show(page, f"#/traces?token={token}&mine=0&service=checkout&live=1", "document.querySelector('main tbody tr[data-key]') && document.querySelector('#find-live').checked")
    shown = rows_keys(page)
    assert first in shown
    # Scrolled into the list: the row looked at must stay where it is when rows come in above.
    page.eval("document.querySelector('main tbody tr:last-child').scrollIntoView({block: 'center'})")
    watched = shown[-1]
    before = page.eval(f"document.querySelector(\"tr[data-key='{watched}']\").getBoundingClientRect().top")
    assert page.eval("window.scrollY") > 0
    newer, other_service = uuid.uuid4().hex, uuid.uuid4().hex
    send_spans(emulator.url, token, [span(other_service, span_ids(1)[0], "GET /elsewhere", offset_ms=30_000)], service="billing")
    send_spans(emulator.url, token, [span(newer, span_ids(1)[0], "POST /checkout", offset_ms=30_000)])
    page.wait_for(f"document.querySelector('main tbody tr[data-key]').dataset.key === {json.dumps(newer)}", timeout=10, what="the new trace on top")
    assert page.eval("document.querySelector('main tbody tr').classList.contains('live-new')")
    assert other_service not in rows_keys(page), "the service filter still applies"
    assert rows_keys(page)[1:] == shown, "the rows shown before are all still there"
    after = page.eval(f"document.querySelector(\"tr[data-key='{watched}']\").getBoundingClientRect().top")
    assert abs(after - before) <= 1, f"the watched row moved from {before} to {after}"
    assert "live=1" in page.eval("location.hash") and "service=checkout" in page.eval("location.hash")
    # Off: written into the URL, and nothing more comes.
    assert "1 new" in page.text("#find-live-status")
    # Off: written into the URL in place (the list is not drawn again), and kept on reload.
    page.click("#find-live")
    page.wait_for("!location.hash.includes('live=1')")
    assert page.text("#find-live-status") == "" and rows_keys(page)[0] == newer
    page.goto("about:blank")
    page.goto(f"{emulator.ui}#/traces?token={token}&mine=0&service=checkout")
    page.wait_for("document.querySelector('#find-live') && document.querySelector('main tbody tr[data-key]')")
    assert page.eval("document.querySelector('#find-live').checked") is False


def test_the_spans_logs_and_events_lists_tail_too(page, emulator, artefacts):
    token = fresh_token("tails")
    trace, root = uuid.uuid4().hex, span_ids(1)[0]
    # Spans, at 390 px.
    page.resize(390, 844, mobile=True)
    show(page, f"#/traces?token={token}&view=spans&live=1", "document.querySelector('main td.empty')")
    send_spans(emulator.url, token, [span(trace, root, "POST /late")])
    page.wait_for(f"document.querySelector('main tbody tr[data-key]') && document.querySelector('main tbody tr[data-key]').dataset.key === {json.dumps(trace + '/' + root)}",
                  timeout=10, what="the new span")
    assert not page.eval("document.querySelector('main td.empty')"), "the 'nothing' row goes"
    assert page.eval("document.documentElement.scrollWidth") <= 390
    page.screenshot(str(artefacts / "390-spans-live.png"), full_page=True)
    page.resize(1440, 900)
    # Logs.
    show(page, f"#/logs?token={token}&live=1", "document.querySelector('#logs-live') && document.querySelector('#logs-live').checked && !document.querySelector('main .loading')")
    now = time.time_ns()
    send_logs(emulator.url, token, [{"timeUnixNano": str(now), "severityText": "WARN", "severityNumber": 13, "body": {"stringValue": "disk almost full"},
                                     "traceId": trace, "spanId": root}])
    page.wait_for("[...document.querySelectorAll('main tbody tr.live-new summary')].some(s => s.innerText === 'disk almost full')", timeout=10, what="the new log record")
    # Events: a chat completion is recorded as an event at once.
    show(page, f"#/events?token={token}&live=1", "document.querySelector('#events-live') && document.querySelector('#events-live').checked && !document.querySelector('main .loading')")
    status, completion = call(emulator.url, "POST", "/v1/chat/completions", {"model": "mistral-small-latest", "messages": [{"role": "user", "content": "tail me"}]}, token=token)
    assert status == 200, completion
    _, events = call(emulator.url, "POST", f"{V1}/chat-completion-events/search", {"search_params": {"filters": None}}, token=token)
    event_id = events["completion_events"]["results"][0]["event_id"]
    page.wait_for(f"document.querySelector('main tbody tr.live-new') && document.querySelector('main tbody tr.live-new').dataset.key === {json.dumps(event_id)}",
                  timeout=10, what="the new event")
    page.screenshot(str(artefacts / "1440-events-live.png"))
    page.click("#events-live")


# 4. Links where the data ties them

def chat_span_of(completion: dict, trace: str, span_id: str, base_ns: int) -> dict:
    """The span the SDK's telemetry writes for a chat call: its answer and the completion id."""
    answer = completion["choices"][0]["message"]["content"]
    return span(trace, span_id, f"chat {completion['model']}", base_ns=base_ns, ms=300, attributes={
        "gen_ai.operation.name": "chat", "gen_ai.request.model": completion["model"], "gen_ai.response.model": completion["model"],
        "gen_ai.response.id": completion["id"],
        "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": answer}]}])})


def test_an_event_links_to_its_chat_span_and_the_span_back(page, emulator, artefacts):
    token = fresh_token("tie")
    question = {"model": "mistral-small-latest", "messages": [{"role": "user", "content": f"Where is parcel {uuid.uuid4().hex[:6]}?"}]}
    base = time.time_ns()
    status, completion = call(emulator.url, "POST", "/v1/chat/completions", question, token=token)
    assert status == 200
    # A second call whose span was never sent: its event has no trace to link to.
    _, lonely = call(emulator.url, "POST", "/v1/chat/completions", {**question, "messages": [{"role": "user", "content": "no span for me"}]}, token=token)
    trace, chat = uuid.uuid4().hex, span_ids(1)[0]
    send_spans(emulator.url, token, [chat_span_of(completion, trace, chat, base)], service="support-bot")
    _, events = call(emulator.url, "POST", f"{V1}/chat-completion-events/search", {"search_params": {"filters": None}, "extra_fields": ["response_messages_preview"]}, token=token)
    by_answer = {e["extra_fields"]["response_messages_preview"]: e["event_id"] for e in events["completion_events"]["results"]}
    event_id = by_answer[completion["choices"][0]["message"]["content"]]
    lonely_id = by_answer[lonely["choices"][0]["message"]["content"]]
    page.resize(1440, 900)
    show(page, f"#/events/{event_id}?token={token}", "document.querySelector('.event-span-link')", what="the event's span")
    assert page.eval("document.querySelector('.event-span-link').getAttribute('href')") == f"#/traces/{trace}/{chat}"
    page.screenshot(str(artefacts / "1440-event-linked.png"))
    page.click(".event-span-link")
    page.wait_for(f"document.querySelector('.span-row.selected') && document.querySelector('.span-row.selected').dataset.span === {json.dumps(chat)}")
    page.wait_for(f"document.querySelector(\".span-detail a[href='#/events/{event_id}']\")", what="the span's link back to its event")
    page.wait_for(f"document.querySelector(\".summary a[href='#/events/{event_id}']\")", what="the trace's link to its event")
    page.resize(390, 844, mobile=True)
    page.eval("document.querySelector('.span-detail').scrollIntoView()")
    assert page.eval("document.documentElement.scrollWidth") <= 390
    page.screenshot(str(artefacts / "390-span-event-link.png"))
    page.resize(1440, 900)
    # No tie, no link.
    show(page, f"#/events/{lonely_id}", "document.querySelector('.lookup') && ![...document.querySelectorAll('.lookup')].some(s => s.innerText === 'looking…')")
    assert not page.eval("document.querySelector('.event-span-link')")
    assert "none found" in page.text("main")


def test_an_event_and_a_span_with_no_content_tie_by_the_completion_id(page, emulator):
    """The SDK with message content redacted: the span has only the response id, which is the
    event's correlation_id; the tie holds without the answer text."""
    token = fresh_token("tie-id")
    status, completion = call(emulator.url, "POST", "/v1/chat/completions",
                              {"model": "mistral-small-latest", "messages": [{"role": "user", "content": "redacted, please"}]}, token=token)
    assert status == 200
    trace, chat = uuid.uuid4().hex, span_ids(1)[0]
    send_spans(emulator.url, token, [span(trace, chat, "chat mistral-small-latest", base_ns=time.time_ns() - 3_600_000_000_000, ms=200, attributes={
        "gen_ai.operation.name": "chat", "gen_ai.response.id": completion["id"]})])
    _, events = call(emulator.url, "POST", f"{V1}/chat-completion-events/search", {"search_params": {"filters": None}}, token=token)
    event_id = events["completion_events"]["results"][0]["event_id"]
    page.resize(1440, 900)
    show(page, f"#/events/{event_id}?token={token}", "document.querySelector('.event-span-link')", what="the event's span, by its id")
    assert page.eval("document.querySelector('.event-span-link').getAttribute('href')") == f"#/traces/{trace}/{chat}"
    page.click(".event-span-link")
    page.wait_for(f"document.querySelector(\".span-detail a[href='#/events/{event_id}']\")", what="the span's link back, by its id")


def test_a_spans_pipeline_result_links_to_its_pipeline_and_back(page, emulator):
    status, _ = call(emulator.url, "GET", f"{V1}/pipelines?page_size=1")
    if status in (404, 405):
        pytest.skip("this emulator build does not serve pipelines")
    token = fresh_token("online")
    judge = {"name": "Console link judge", "description": "", "model_name": "mistral-large-latest", "tools": [],
             "output": {"type": "CLASSIFICATION", "options": [{"value": "kind", "description": ""}, {"value": "curt", "description": ""}]},
             "instructions": 'when assistant icontains "sorry" -> kind\notherwise -> curt'}
    assert call(emulator.url, "POST", f"{V1}/judges", judge, token=token)[0] == 201
    status, pipeline = call(emulator.url, "POST", f"{V1}/pipelines", {
        "name": "Console linked answers", "selectors": [{"source_kind": "span", "filter": "operation_name = 'chat' AND request_model = 'console-link-model'"}],
        "definitions": [{"slug": "console-link-judge", "mapping": {}}]}, token=token)
    assert status == 201, pipeline
    trace, root, chat = uuid.uuid4().hex, *span_ids(2)
    send_spans(emulator.url, token, [
        span(trace, root, "POST /help", ms=400),
        span(trace, chat, "chat console-link-model", parent=root, offset_ms=10, ms=300, attributes={
            "gen_ai.operation.name": "chat", "gen_ai.request.model": "console-link-model",
            "gen_ai.output.messages": '[{"role":"assistant","parts":[{"type":"text","content":"Sorry for the wait."}]}]'}),
    ])
    slugs = [c["slug"] for c in pipeline["pipeline_configs"]]
    wait_until(lambda: call(emulator.url, "POST", f"{V1}/pipeline-results/search", {"pipeline_config_slugs": slugs, "search_expression": f"trace_id = '{trace}'"},
                            token=token)[1]["pipeline_results"]["results"], "the pipeline to judge the span")
    show(page, f"#/traces/{trace}/{chat}?token={token}", "document.querySelector('.pipeline-link')", what="the span's pipeline result")
    assert page.eval("document.querySelector('.pipeline-link').getAttribute('href')") == f"#/pipelines/{pipeline['id']}"
    assert ": kind" in page.text(".pipeline-results")
    page.wait_for(f"document.querySelector(\".summary a.pipeline-span-link[href='#/traces/{trace}/{chat}']\")", what="the trace's online evaluations")
    # The root span was not judged: no pipeline table there.
    show(page, f"#/traces/{trace}/{root}", f"document.querySelector('#span-h') && document.querySelector('#span-h').innerText === 'POST /help'")
    page.wait_for("!document.querySelector('.summary .lookup') || ![...document.querySelectorAll('.lookup')].some(s => s.innerText === 'looking…')")
    assert not page.eval("document.querySelector('.pipeline-link')")
    # And back: the pipeline's results open the span.
    page.click(".pipeline-span-link")
    page.wait_for("document.querySelector('.pipeline-link')")
    page.click(".pipeline-link")
    page.wait_for(f"document.querySelector(\"main a[href='#/traces/{trace}/{chat}']\")", what="the pipeline's result linking to the span")


def test_dataset_records_link_to_their_event_or_span_and_back(page, emulator, artefacts):
    token = fresh_token("records")
    trace, chat, plain = uuid.uuid4().hex, *span_ids(2)
    send_spans(emulator.url, token, [span(trace, plain, "POST /ask", ms=500), span(trace, chat, "chat mistral-small-latest", parent=plain, offset_ms=5, ms=300,
                                      attributes={"gen_ai.request.model": "mistral-small-latest", "gen_ai.operation.name": "chat"})])
    status, completion = call(emulator.url, "POST", "/v1/chat/completions", {"model": "mistral-small-latest", "messages": [{"role": "user", "content": "keep me"}]}, token=token)
    assert status == 200
    _, events = call(emulator.url, "POST", f"{V1}/chat-completion-events/search", {"search_params": {"filters": None}}, token=token)
    event_id = events["completion_events"]["results"][0]["event_id"]
    status, dataset = call(emulator.url, "POST", f"{V1}/datasets", {"name": "Console provenance", "description": ""}, token=token)
    assert status == 201
    contract = {"version": 1, "mappings": [{"target_field": "model", "source_field": {"namespace": "span_attributes", "key": "gen_ai.request.model"}}]}
    assert call(emulator.url, "POST", f"{V1}/datasets/{dataset['id']}/imports/from-spans",
                {"span_references": [{"trace_id": trace, "span_id": chat}], "mapping_contract": contract}, token=token)[0] in (200, 201, 202)
    assert call(emulator.url, "POST", f"{V1}/datasets/{dataset['id']}/imports/from-explorer", {"completion_event_ids": [event_id]}, token=token)[0] in (200, 201, 202)
    records = wait_until(lambda: (lambda r: r if len(r) == 2 else None)(
        call(emulator.url, "GET", f"{V1}/datasets/{dataset['id']}/records?page_size=10", token=token)[1]["records"]["results"]), "both imports")
    from_span = next(r for r in records if r["properties"].get("span_id") == chat)
    from_event = next(r for r in records if r["properties"].get("event_id") == event_id)
    # The dataset's records say where they came from.
    page.resize(1440, 900)
    show(page, f"#/datasets/{dataset['id']}?token={token}", "document.querySelectorAll('.record-source').length === 2")
    hrefs = sorted(page.eval("[...document.querySelectorAll('.record-source a')].map(a => a.getAttribute('href'))"))
    assert hrefs == sorted([f"#/traces/{trace}/{chat}", f"#/events/{event_id}"])
    # The span knows its record; the link opens that record in its dataset.
    show(page, f"#/traces/{trace}/{chat}", "document.querySelector('.span-detail .record-link')", what="the span's dataset record")
    page.screenshot(str(artefacts / "1440-span-in-dataset.png"))
    page.click(".span-detail .record-link")
    page.wait_for(f"document.querySelector('#record-{from_span['id']} details') && document.querySelector('#record-{from_span['id']} details').open",
                  what="the record opened in its dataset")
    assert not page.eval(f"document.querySelector('#record-{from_event['id']} details').open")
    # The event too; a span never imported has none.
    show(page, f"#/events/{event_id}", "document.querySelector('.record-link')", what="the event's dataset record")
    assert f"record={from_event['id']}" in page.eval("document.querySelector('.record-link').getAttribute('href')")
    show(page, f"#/traces/{trace}/{plain}", "document.querySelector('#span-h') && document.querySelector('#span-h').innerText === 'POST /ask'")
    page.wait_for("![...document.querySelectorAll('.span-detail .lookup')].some(s => s.innerText === 'looking…')")
    assert not page.eval("document.querySelector('.span-detail .record-link')")


def test_an_offline_run_record_links_to_its_dataset_record_and_back(page, emulator):
    token = fresh_token("offline")
    status, _ = call(emulator.url, "POST", f"{V1}/evaluation-runs_v2/search?page_size=1", {}, token=token)
    if status in (404, 405):
        pytest.skip("this emulator build does not serve evaluation runs")
    status, dataset = call(emulator.url, "POST", f"{V1}/datasets", {"name": "Console graded", "description": ""}, token=token)
    assert status == 201
    for n in range(27):
        assert call(emulator.url, "POST", f"{V1}/datasets/{dataset['id']}/records",
                    {"payload": {"messages": [{"role": "user", "content": f"question {n}"}]}, "properties": {}}, token=token)[0] == 201
    # A record of the second page: the link must find its page.
    _, second = call(emulator.url, "GET", f"{V1}/datasets/{dataset['id']}/records?page=2&page_size=25", token=token)
    graded = second["records"]["results"][0]
    status, run = call(emulator.url, "POST", "/__emulator/evaluation-runs", {
        "project": "Console links", "evaluation": "Graded answers", "name": "console graded run",
        "evaluators": [{"name": "accuracy"}],
        "records": [{"input": {"question": "graded"}, "dataset_record_id": graded["id"], "generations": [{"output": "yes", "scores": {"accuracy": 1}}]},
                    {"input": {"question": "free"}, "generations": [{"output": "no", "scores": {"accuracy": 0}}]}]}, token=token)
    assert status == 201, run
    show(page, f"#/evaluations/{run['run_id']}?token={token}", "document.querySelector('.dataset-record-link')", what="the run record's dataset record")
    assert page.eval("document.querySelectorAll('.dataset-record-link').length") == 1, "the record without a dataset record has no link"
    assert page.eval("document.querySelector('.dataset-record-link').getAttribute('href')") == f"#/datasets/{dataset['id']}?record={graded['id']}"
    page.click(".dataset-record-link")
    page.wait_for(f"document.querySelector('#record-{graded['id']} details') && document.querySelector('#record-{graded['id']} details').open",
                  what="the record opened on its page")
    assert "Page 2" in page.text(".pager")
    page.wait_for(f"document.querySelector(\"#record-{graded['id']} a.run-link[href='#/evaluations/{run['run_id']}']\")", what="the record's link back to the run")
    assert page.eval("document.querySelectorAll('.run-link').length") == 1
