"""The console's pages over data a test makes through the API (a dataset with records and an
import task, a campaign with its judged events), and the pipelines and evaluation-run pages over
answers shaped as mistralai 3.7.0's models say (docs/observability-openapi-sdk-3.7.0.yaml), served
by the browser's request interception while this emulator build does not serve those APIs."""
from __future__ import annotations

import re
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import LISTENING, show
from helpers import V1, call

EVENT = "7fd88c91-c11e-4afc-ab95-93e62ba6a0f0"  # a seeded event (Fixtures/events.jsonl)


def test_a_dataset_with_its_records_and_import_task(page, emulator):
    status, dataset = call(emulator.url, "POST", f"{V1}/datasets", {"name": "Console records", "description": "records and tasks"})
    assert status == 201
    call(emulator.url, "POST", f"{V1}/datasets/{dataset['id']}/records", {
        "payload": {"messages": [{"role": "user", "content": "Is the console tested?"}, {"role": "assistant", "content": "In Chromium."}]},
        "properties": {"expected_output": "yes"}})
    status, task = call(emulator.url, "POST", f"{V1}/datasets/{dataset['id']}/imports/from-explorer", {"completion_event_ids": [EVENT]})
    assert status == 202
    show(page, "#/datasets", "document.querySelector('main tbody tr a')")
    page.click(f"main a[href='#/datasets/{dataset['id']}']")
    page.wait_for("document.querySelectorAll('.records > li.panel').length === 2", what="two records")
    assert "Is the console tested?" in page.text(".records")
    page.eval("[...document.querySelectorAll('.records summary')].find(s => s.innerText.includes('Is the console tested?')).id = 'direct-record'")
    page.click("#direct-record")
    page.wait_for("document.querySelector('.records details[open] .conversation')")
    assert "expected_output" in page.text(".records details[open]")
    tasks = page.text("main table")
    assert task["id"][:8] in tasks and "COMPLETED" in tasks and "1 imported" in tasks


def test_a_campaign_with_its_status_and_judged_events(page, emulator):
    _, judges = call(emulator.url, "GET", f"{V1}/judges?page_size=100")
    judge = judges["judges"]["results"][0]
    status, campaign = call(emulator.url, "POST", f"{V1}/campaigns", {
        "name": "Console campaign", "description": "judged in the background", "judge_id": judge["id"], "max_nb_events": 3,
        "search_params": {"filters": {"field": "model_name", "op": "eq", "value": "open-mistral-nemo"}}})
    assert status == 201
    show(page, "#/campaigns", f"document.querySelector(\"main a[href='#/campaigns/{campaign['id']}']\")")
    page.click(f"main a[href='#/campaigns/{campaign['id']}']")
    page.wait_for("document.querySelector('main .badge-ok') && document.querySelectorAll('main tbody tr a').length === 3", what="3 judged events")
    _, selected = call(emulator.url, "GET", f"{V1}/campaigns/{campaign['id']}/selected-events")
    shown = page.eval("[...document.querySelectorAll('main tbody tr a')].map(a => a.title)")
    assert shown == [e["event_id"] for e in selected["completion_events"]["results"]]
    assert "judge:" in page.text("main tbody")


PIPELINE = {
    "id": "0b9f7c1e-4d59-4c1a-9a56-3d2f3b6c9a10", "created_at": "2026-11-01T10:00:00Z", "updated_at": "2026-11-02T10:00:00Z",
    "workspace_id": "w", "name": "Answer quality online", "slug": "answer-quality-online", "description": "Judges chat spans",
    "selectors": [{"signal": "span", "filter": "operation_name = 'chat'"}], "enabled": True, "creator_id": None,
    "pipeline_configs": [{"id": "c1", "slug": "answer-quality-online-answer-quality-score", "scorer_slug": "answer-quality-score",
                          "scorer_version": 1, "sampling": None}],
}
RESULT = {"trace_id": "6c576300355c052cc481db3fedfad1d8", "span_id": "1ac31ccee393aaaa", "span_name": "chat mistral-small-latest",
          "duration_ns": 120000000, "evaluated_at": "2026-11-27T13:30:16Z",
          "judge_scores": {"answer-quality-online-answer-quality-score": 7.5}, "judge_labels": {}, "judge_explanations": {}}
RUN = {"id": "5f0c2b8e-1111-4c1a-9a56-3d2f3b6c9a10", "created_at": "2026-11-03T09:00:00Z", "updated_at": "2026-11-03T09:05:00Z",
       "deleted_at": None, "creator_id": "u", "evaluation_id": "e1", "name": "nightly-2026-11-03", "description": "Nightly regression run",
       "tags": [], "metadata_": {}, "num_generations": 2, "evaluators": [], "run_info": None, "status": "COMPLETED", "dataset_id": None,
       "run_evaluators": [], "system": None, "statistics": {}, "goal_results": {"accuracy": {"passed": True}}, "passed": True,
       "run_scores": {"accuracy": 0.82}, "optimization": None, "evaluation": {"id": "e1", "name": "Support answers", "slug": "support-answers"},
       "project": {"id": "p1", "name": "Support bot", "slug": "support-bot"}}
RUN_RECORD = {"id": "r1", "input": {"question": "Where is my parcel?"}, "dataset_record_id": None,
              "output_record": {"generations": [{"output": "On its way.", "scores": {"accuracy": [{"value": 1}]}}]}}
STATISTICS = {"run_id": RUN["id"], "passed": True, "goal_results": {}, "statistics": {
    "accuracy": {"type": "numeric", "sample_count": 50, "count": 50, "avg": 0.82, "min": 0.1, "max": 1.0, "std": 0.21, "values": None},
    "verdict": {"type": "categorical", "frequencies": {"pass": 41, "fail": 9}, "mode": ["pass"], "count": 50, "values": None, "excluded_count": 0},
}}


def answers(method, url, body):
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
    if path == "/__emulator/openapi.yaml":
        # The served document is how the console learns which APIs exist: here, these two as well.
        with urllib.request.urlopen(url) as response:
            document = response.read().decode()
        return 200, document.replace("\npaths:\n", "\npaths:\n  /v1/observability/pipelines:\n    get: {}\n"
                                     "  /v1/observability/evaluation-runs_v2/search:\n    post: {}\n", 1)
    if path == f"{V1}/pipelines":
        return 200, {"pipelines": {"count": 1, "results": [PIPELINE], "next": None, "previous": None}}
    if path == f"{V1}/pipelines/{PIPELINE['id']}":
        return 200, PIPELINE
    if path == f"{V1}/pipeline-results/search":
        assert body["pipeline_config_slugs"] == [PIPELINE["pipeline_configs"][0]["slug"]]
        return 200, {"pipeline_results": {"results": [RESULT], "next": None, "cursor": None}}
    if path == f"{V1}/evaluation-runs_v2/search":
        return 200, {"runs": {"count": 1, "results": [RUN], "next": None, "previous": None}}
    if path == f"{V1}/evaluation-runs_v2/{RUN['id']}":
        return 200, RUN
    if path == f"{V1}/evaluation-runs_v2/{RUN['id']}/statistics":
        return 200, STATISTICS
    if path == f"{V1}/evaluation-runs_v2/{RUN['id']}/records/search":
        return 200, {"records": {"count": 1, "results": [RUN_RECORD], "next": None, "previous": None}}
    return 404, {"detail": {"message": f"not mocked: {method} {path}", "error_code": None}}


MOCKED = {r"/v1/observability/(pipelines|pipeline-results|evaluation-runs_v2)(/|\?|$)|/__emulator/openapi\.yaml$": answers}


@pytest.fixture
def served_later(page, emulator):
    """The page reloaded with the pipelines and evaluation-run APIs answering (mocked)."""
    page.mock(MOCKED)
    page.goto("about:blank")
    page.goto(emulator.ui + "#/overview")
    page.wait_for("document.querySelector('.stats')")
    yield page
    page.unmock()


def test_pipelines_and_their_results_show_once_the_api_answers(served_later):
    page = served_later
    page.wait_for("!document.querySelector('#nav-pipelines').hidden", what="the pipelines section to appear")
    show(page, "#/pipelines", "document.querySelector('main tbody tr a')")
    assert "answer-quality-online" in page.text("main table")
    page.click(f"main a[href='#/pipelines/{PIPELINE['id']}']")
    page.wait_for("document.querySelectorAll('main table').length === 2 && document.querySelector('main').innerText.includes('7.5')")
    assert "operation_name = 'chat'" in page.text("main")


def test_evaluation_runs_and_their_statistics_show_once_the_api_answers(served_later):
    page = served_later
    page.wait_for("!document.querySelector('#nav-evaluations').hidden", what="the evaluation runs section to appear")
    show(page, "#/evaluations", "document.querySelector('main tbody tr a')")
    assert "Support answers" in page.text("main table") and "passed" in page.text("main table")
    page.click(f"main a[href='#/evaluations/{RUN['id']}']")
    page.wait_for("document.querySelectorAll('.cards .card').length === 2", what="two evaluator cards")
    cards = page.text(".cards")
    assert "0.820" in cards and "pass: 41" in cards and "fail: 9" in cards
    page.wait_for("document.querySelector('main').innerText.includes('Where is my parcel?')", what="the run's records")
    assert "accuracy: 1" in page.text("main")
    widths = page.eval("[...document.querySelectorAll('.freq-bar')].map(b => b.style.width)")
    assert widths == ["82%", "18%"]


def test_without_the_openapi_document_the_list_routes_decide(page, emulator):
    """Behind an --admin-token the console may not read the document: then a 404 from a list
    route hides its section, and an answer shows it."""
    def fallback(method, url, body):
        path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
        if path == "/__emulator/openapi.yaml" or path.startswith(f"{V1}/pipelines"):
            return 404, {"detail": {"message": f"no route for {method} {path}", "error_code": None}}
        return answers(method, url, body)
    page.expected_network += [r"/__emulator/openapi\.yaml$", r"/v1/observability/pipelines\?page_size=1$"]
    page.mock({r"/v1/observability/(pipelines|evaluation-runs_v2)(/|\?|$)|/__emulator/openapi\.yaml$": fallback})
    try:
        page.goto("about:blank")
        page.goto(emulator.ui + "#/overview")
        page.wait_for("!document.querySelector('#nav-evaluations').hidden", what="evaluation runs shown")
        assert page.eval("document.querySelector('#nav-pipelines').hidden") is True
    finally:
        page.unmock()


def test_behind_an_admin_token_the_control_plane_pages_ask_for_it(page, emulator):
    """With --admin-token the console's files stay open, the control-plane pages say they need
    the token, and work once it is typed in the top bar."""
    proc = subprocess.Popen([emulator.proc.args[0], "--port", "0", "--log-level", "warning", "--admin-token", "s3cret"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = LISTENING.search(proc.stdout.readline()).group(1)
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        time.sleep(0.3)
        page.expected_network += [r"/__emulator/(openapi\.yaml|health|requests|faults)", r"/v1/observability/(pipelines|evaluation-runs_v2/search)\?page_size=1$"]
        page.goto("about:blank")
        page.goto(url + "/__emulator/ui#/overview")
        message = page.wait_for("document.querySelector('main .notice-error') && document.querySelector('main .notice-error').innerText")
        assert "admin token" in message and "401" in message
        show(page, "#/journal", "document.querySelector('main .notice-error')")
        page.type_into("#token", "console-admin")
        page.type_into("#admin-token", "s3cret")
        page.click("#workspace-form button[type=submit]")
        page.wait_for("document.querySelector('main tbody') && !document.querySelector('main .notice-error')", what="the journal with the admin token")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_real_pipeline_judges_an_exported_span_and_its_result_shows(page, emulator):
    """Against the emulator's own pipelines API, when this build serves it: a judge, a pipeline
    selecting chat spans of one model, an OTLP export of such a span, and its judgement in the
    pipeline's page."""
    status, _ = call(emulator.url, "GET", f"{V1}/pipelines?page_size=1")
    if status in (404, 405):
        pytest.skip("this emulator build does not serve pipelines")
    judge = {"name": "Console refund judge", "description": "refund answers", "model_name": "mistral-large-latest", "tools": [],
             "output": {"type": "CLASSIFICATION", "options": [{"value": "good", "description": "handles it"}, {"value": "poor", "description": "does not"}]},
             "instructions": 'when assistant icontains "refund" -> good\notherwise -> poor'}
    assert call(emulator.url, "POST", f"{V1}/judges", judge)[0] == 201
    status, pipeline = call(emulator.url, "POST", f"{V1}/pipelines", {
        "name": "Console support answers",
        "selectors": [{"source_kind": "span", "filter": "operation_name = 'chat' AND request_model = 'console-test-model'"}],
        "definitions": [{"slug": "console-refund-judge", "mapping": {}}]})
    assert status == 201, pipeline
    now = time.time_ns()
    attributes = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "console-test-model",
                  "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"Refund?"}]}]',
                  "gen_ai.output.messages": '[{"role":"assistant","parts":[{"type":"text","content":"Your refund is on its way."}]}]'}
    export = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "console-tests"}}]},
              "scopeSpans": [{"scope": {"name": "console"}, "spans": [{
                  "traceId": "c0115e00000000000000000000000001", "spanId": "c0115e0000000001", "name": "chat console-test-model", "kind": 3,
                  "startTimeUnixNano": str(now - 200_000_000), "endTimeUnixNano": str(now),
                  "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in attributes.items()]}]}]}]}
    assert call(emulator.url, "POST", "/telemetry/v1/traces", export)[0] == 200
    show(page, "#/pipelines", f"document.querySelector(\"main a[href='#/pipelines/{pipeline['id']}']\")")
    page.click(f"main a[href='#/pipelines/{pipeline['id']}']")
    slug = pipeline["pipeline_configs"][0]["slug"]
    page.wait_for(f"document.querySelector('main').innerText.includes({slug!r} + ': good')", what="the judged span in the results")
    assert "chat console-test-model" in page.text("main")
