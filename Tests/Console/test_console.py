"""The web console in a real headless Chromium, against the seeded emulator: every page
loads, searches agree with the API, a bad trace expression is marked where it is, a trace opens as
a tree and timeline, a live judgement runs, an injected fault shows in the journal; no JavaScript
error anywhere; keyboard and 390 px layouts; screenshots kept as artefacts."""
from __future__ import annotations

import json

import pytest

from conftest import show
from helpers import TOKEN, V1, call, raw

SECTIONS = ["overview", "events", "traces", "judges", "campaigns", "datasets", "journal", "faults"]
PROBED = {"pipelines": ("GET", f"{V1}/pipelines?page_size=1", None),
          "evaluations": ("POST", f"{V1}/evaluation-runs_v2/search?page_size=1", {})}


def served(emulator, section: str) -> bool:
    method, path, body = PROBED[section]
    status, _ = call(emulator.url, method, path, body)
    return status not in (404, 405)


# Assets, straight over HTTP

def test_the_console_and_its_files_are_served_with_their_content_types(emulator):
    status, headers, body = raw(emulator.url, "/__emulator/ui")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'src="/__emulator/ui/console.js"' in body
    assert "default-src 'self'" in headers["Content-Security-Policy"], "no CDN, no other origin"
    for name, kind in [("console.js", "text/javascript"), ("console.css", "text/css"), ("icon.svg", "image/svg+xml")]:
        status, headers, _ = raw(emulator.url, f"/__emulator/ui/{name}")
        assert status == 200 and headers["Content-Type"].startswith(kind), (name, status, headers)
    status, headers, _ = raw(emulator.url, "/__emulator/ui/console.css", {"If-None-Match": headers.get("ETag", "")})
    status, headers, _ = raw(emulator.url, "/__emulator/ui/console.css")
    assert raw(emulator.url, "/__emulator/ui/console.css", {"If-None-Match": headers["ETag"]})[0] == 304


@pytest.mark.parametrize("path", ["/__emulator/ui/nope.js", "/__emulator/ui/..%2fREADME.md", "/__emulator/ui/%2e%2e%2fPackage.swift",
                                  "/__emulator/ui/.gitignore", "/__emulator/ui/../openapi.yaml/x"])
def test_unknown_files_and_traversal_are_404(emulator, path):
    status, headers, body = raw(emulator.url, path)
    assert status == 404, (path, status, body[:200])


# Every page

@pytest.mark.parametrize("section", SECTIONS)
def test_each_page_loads_against_the_seeded_data(page, section, artefacts):
    show(page, f"#/{section}", "document.querySelector('#page-title') && !document.querySelector('main .loading')")
    assert not page.eval("document.querySelector('main .notice-error')"), page.text("main .notice-error")
    assert page.eval(f"document.querySelector('#nav-{section} a').getAttribute('aria-current')") == "page"
    page.screenshot(str(artefacts / f"1280-{section}.png"))


@pytest.mark.parametrize("section", sorted(PROBED))
def test_sections_of_apis_not_served_are_hidden_not_failing(page, emulator, section):
    page.wait_for(f"document.querySelector('#nav-{section}') && window.__probed !== undefined || true")
    available = served(emulator, section)
    page.wait_for("document.readyState === 'complete'")
    hidden = page.wait_for(f"(() => {{ const li = document.querySelector('#nav-{section}'); return li ? String(li.hidden) : null; }})()")
    if available:
        page.wait_for(f"!document.querySelector('#nav-{section}').hidden", what=f"{section} shown")
        show(page, f"#/{section}", "document.querySelector('main table')")
    else:
        assert hidden == "true", f"{section} should be hidden when its API answers 404"
        show(page, f"#/{section}", "document.querySelector('main .notice')")
        assert "does not serve" in page.text("main")


# Events

def test_event_search_with_the_filter_builder_matches_the_api(page, emulator, artefacts):
    show(page, "#/events", "document.querySelector('main tbody tr td a')")
    page.click("main form button.secondary")  # + Add condition
    page.wait_for("document.querySelector('.condition select')")
    page.eval("""(() => { const s = document.querySelector('.condition select');
        s.value = 'model_name'; s.dispatchEvent(new Event('change', {bubbles: true})); })()""")
    page.wait_for("document.querySelector('.condition select').value === 'model_name'")
    page.type_into(".condition input", "mistral-small-latest")
    status, expected = call(emulator.url, "POST", f"{V1}/chat-completion-events/search?page_size=20",
                            {"search_params": {"filters": {"AND": [{"field": "model_name", "op": "eq", "value": "mistral-small-latest"}]}},
                             "extra_fields": ["model_name"]})
    assert status == 200
    expected_ids = [e["event_id"] for e in expected["completion_events"]["results"]]
    page.click("#events-search")
    page.wait_for(f"JSON.stringify([...document.querySelectorAll('main tbody tr td:first-child a')].map(a => a.title)) === {json.dumps(json.dumps(expected_ids, separators=(',', ':')))}",
                  what="exactly the events the API found")
    shown = expected_ids
    models = page.eval("[...document.querySelectorAll('main tbody tr')].map(r => r.cells[2].innerText)")
    assert set(models) == {"mistral-small-latest"}
    page.screenshot(str(artefacts / "1280-events-filtered.png"))
    # The next page follows the cursor.
    page.click("#events-next")
    page.wait_for(f"document.querySelector('main tbody tr a') && document.querySelector('main tbody tr a').title !== {json.dumps(shown[0])}")
    assert "Page 2" in page.text(".pager")
    # An event opens with its conversation.
    first = page.eval("document.querySelector('main tbody tr a').title")
    page.click("main tbody tr a")
    page.wait_for("document.querySelector('.conversation .msg-assistant')", what="the conversation")
    assert first in page.text("main")


def test_a_filter_the_api_rejects_shows_its_message(page):
    page.expected_network.append(r"/chat-completion-events/search\?")
    show(page, "#/events", "document.querySelector('main tbody tr td a')")
    page.click("main form button.secondary")
    page.wait_for("document.querySelector('.condition select')")
    page.eval("""(() => { const s = document.querySelector('.condition select');
        s.value = 'input_tokens'; s.dispatchEvent(new Event('change', {bubbles: true})); })()""")
    page.wait_for("document.querySelectorAll('.condition select')[1].value === 'eq'")
    page.eval("""(() => { const i = document.querySelector('.condition input'); i.type = 'text'; })()""")
    page.type_into(".condition input", "many")
    page.click("#events-search")
    message = page.wait_for("document.querySelector('main .notice-error') && document.querySelector('main .notice-error').innerText")
    assert "400" in message and "input_tokens" in message


# Traces

def test_a_bad_trace_expression_is_marked_where_the_api_says(page, emulator, artefacts):
    page.expected_network.append(r"/v1/observability/traces/search\?")
    expression = "status_code = 'Error' AND (span_count >"
    status, body = call(emulator.url, "POST", f"{V1}/traces/search", {"search_expression": expression})
    assert status == 400 and body["detail"]["error_code"] == "TRACES_FILTER_QUERY_PARSE_ERROR"
    show(page, "#/traces?mine=0", "document.querySelector('#trace-expression') && document.querySelector('main tbody tr a')")
    page.type_into("#trace-expression", expression)
    page.click("#traces-search")
    page.wait_for("document.querySelector('.expr-error')", what="the marked error")
    column = int(page.eval("document.querySelector('.expr-error').dataset.column"))
    assert f"column {column}:" in body["detail"]["message"]
    assert page.eval("document.querySelector('#trace-expression').getAttribute('aria-invalid')") == "true"
    assert page.eval("document.activeElement.id") == "trace-expression"
    assert page.eval("document.querySelector('#trace-expression').selectionStart") == column - 1
    marked = page.text(".expr-marked")
    assert marked.splitlines()[0].rstrip() == expression and marked.splitlines()[1] == " " * (column - 1) + "^"
    assert "line 1, column 40" in page.text(".expr-error")
    page.screenshot(str(artefacts / "1280-traces-parse-error.png"))
    # Editing clears the mark.
    page.type_into("#trace-expression", " 1)", clear=False)
    assert not page.eval("document.querySelector('.expr-error')")


def test_a_good_trace_search_and_a_trace_as_tree_and_timeline(page, emulator, artefacts):
    expression = "status_code = 'Error'"
    status, body = call(emulator.url, "POST", f"{V1}/traces/search?page_size=25", {"search_expression": expression})
    assert status == 200 and body["traces"]["results"], "the fixtures have failing traces"
    expected = [t["trace_id"] for t in body["traces"]["results"]]
    show(page, "#/traces?mine=0", "document.querySelector('#trace-expression')")
    page.type_into("#trace-expression", expression)
    page.click("#traces-search")
    # The results replace the unfiltered list shown first: wait for exactly what the API answered.
    page.wait_for(f"JSON.stringify([...document.querySelectorAll('main tbody tr a')].map(a => a.title)) === {json.dumps(json.dumps(expected, separators=(',', ':')))}",
                  what="the filtered traces")
    assert all(badge == "Error" for badge in page.eval("[...document.querySelectorAll('main tbody tr')].map(r => r.cells[7].innerText)"))
    # Open the trace with the most spans among them.
    trace = max(body["traces"]["results"], key=lambda t: t["span_count"])
    show(page, f"#/traces/{trace['trace_id']}", "document.querySelector('.waterfall .span-row')")
    rows = page.eval("document.querySelectorAll('.waterfall .span-row').length")
    assert rows == trace["span_count"]
    depths = page.eval("[...document.querySelectorAll('.waterfall .span-row')].map(r => Number(r.style.getPropertyValue('--depth')))")
    assert depths[0] == 0 and max(depths) >= 1, "a tree, not a flat list"
    widths = page.eval("[...document.querySelectorAll('.waterfall .bar')].map(b => b.getBoundingClientRect().width)")
    assert all(w > 0 for w in widths)
    assert page.eval("document.querySelectorAll('.waterfall .span-row.error').length") >= 1
    page.screenshot(str(artefacts / "1280-trace.png"))
    # Selecting a span shows its attributes.
    status, spans = call(emulator.url, "GET", f"{V1}/traces/{trace['trace_id']}/spans?page_size=100")
    child = next(s for s in spans["spans"]["results"] if s["parent_span_id"])
    page.click(f".waterfall a[href$='{child['span_id']}']")
    page.wait_for(f"document.querySelector('#span-h') && document.querySelector('#span-h').innerText === {json.dumps(child['span_name'])}")
    detail = page.text(".span-detail")
    assert child["span_id"] in detail
    for key in list(child["span_attributes"])[:3]:
        assert key in detail


def test_span_evaluations_show_on_the_span(page, emulator):
    status, body = call(emulator.url, "POST", f"{V1}/spans/evaluations/search?page_size=1", {"search_expression": None})
    evaluation = body["span_evaluations"]["results"][0]
    show(page, f"#/traces/{evaluation['trace_id']}/{evaluation['span_id']}", "document.querySelector('.span-detail')")
    page.wait_for(f"document.querySelector('.span-detail').innerText.includes({json.dumps(evaluation['evaluation_name'])})")
    assert evaluation["explanation"] in page.text(".span-detail")


# Judges

def test_a_judge_with_its_revision_chain_and_a_live_judgement(page, emulator, artefacts):
    status, body = call(emulator.url, "GET", f"{V1}/judges?page_size=100")
    judge = next(j for j in body["judges"]["results"] if j["name"] == "Tool use correctness")
    # A second revision, made through the API, shows in the chain.
    update = {k: judge[k] for k in ("name", "description", "model_name", "output", "tools")}
    update["instructions"] = judge["instructions"] + "\n# revised by the console tests"
    assert call(emulator.url, "PUT", f"{V1}/judges/{judge['id']}", update)[0] == 204
    _, newest = call(emulator.url, "GET", f"{V1}/judges/{judge['id']}")
    newest_id = newest["up_revision"]
    show(page, "#/judges", "document.querySelector('main tbody tr a')")
    page.click(f"main a[href='#/judges/{newest_id}']")
    page.wait_for("document.querySelectorAll('.revisions li').length === 2", what="two revisions")
    assert page.eval("document.querySelector('.revisions li.current').innerText").startswith("Revision 2")
    # Live judging through the form: the same answer as the API gives.
    page.type_into("#try-user", "Where is my order AN-123456?")
    page.type_into("#try-assistant", "I've opened a ticket for order AN-123456.")
    page.click("#try-judge")
    page.wait_for("document.querySelector('#judgement-answer')", what="the judgement")
    status, expected = call(emulator.url, "POST", f"{V1}/judges/{newest_id}/live-judging", {
        "messages": [{"role": "user", "content": "Where is my order AN-123456?"}, {"role": "assistant", "content": "I've opened a ticket for order AN-123456."}],
        "properties": {}})
    assert status == 200
    assert page.text("#judgement-answer") == str(expected["answer"])
    assert page.text("#judgement-analysis") == expected["analysis"]
    page.screenshot(str(artefacts / "1280-judge.png"))


# Control plane

def test_an_injected_fault_shows_in_the_journal(page, emulator, artefacts):
    page.expected_network.append(r"/v1/observability/judges\?")
    call(emulator.url, "DELETE", "/__emulator/faults")
    show(page, "#/faults", "document.querySelector('#fault-path')")
    page.type_into("#fault-path", f"{V1}/judges")
    page.type_into("#fault-status", "503")
    page.type_into("#fault-count", "1")
    page.click("#fault-add")
    page.wait_for("document.querySelector('main tbody tr td code')", what="the rule in the list")
    _, faults = call(emulator.url, "GET", "/__emulator/faults")
    assert [f["path"] for f in faults["faults"]] == [f"{V1}/judges"]
    # The next judges list fails with 503, as an SDK would see it.
    show(page, "#/judges", "document.querySelector('main .notice-error')")
    assert "503" in page.text("main .notice-error")
    # The journal shows that request; the status filter keeps it.
    show(page, "#/journal", "document.querySelector('main tbody tr')")
    page.type_into("#journal-status-code", "503")
    page.wait_for(f"[...document.querySelectorAll('main tbody tr')].some(r => r.innerText.includes('{V1}/judges') && r.innerText.includes('503'))",
                  what="the 503 in the journal")
    page.wait_for("[...document.querySelectorAll('main tbody tr')].every(r => r.cells[3].innerText === '503')", what="only 503s")
    page.screenshot(str(artefacts / "1280-journal.png"))
    # The rule was used up, the judges list works again.
    show(page, "#/judges", "document.querySelector('main tbody tr a')")
    page.eval("document.querySelector('#journal-live') && (document.querySelector('#journal-live').checked = false)")


def test_the_journal_is_live(page, emulator):
    show(page, "#/journal", "document.querySelector('#journal-status')")
    page.type_into("#journal-path", "/v1/observability/datasets")
    call(emulator.url, "GET", f"{V1}/datasets?page_size=7")
    page.wait_for("[...document.querySelectorAll('main tbody tr')].some(r => r.innerText.includes('page_size=7'))", timeout=10,
                  what="a request made outside the console to appear")


def test_the_workspace_switcher_changes_what_the_api_shows(page, emulator):
    name = "Console workspace probe"
    status, created = call(emulator.url, "POST", f"{V1}/datasets", {"name": name, "description": "made by the console tests"})
    assert status == 201
    show(page, "#/datasets", f"document.querySelector('main').innerText.includes({json.dumps(name)})")
    first_workspace = page.wait_for("document.querySelector('#workspace-id').innerText")
    page.type_into("#token", "console-tests-other")
    page.click("#workspace-form button[type=submit]")
    page.wait_for("!document.querySelector('main .loading') && document.querySelector('main td.empty')", what="the other workspace's empty list")
    assert name not in page.text("main")
    page.wait_for(f"document.querySelector('#workspace-id').innerText && document.querySelector('#workspace-id').innerText !== {json.dumps(first_workspace)}")
    assert page.eval("localStorage.getItem('obs-console.token')") == "console-tests-other"
    page.type_into("#token", TOKEN)
    page.click("#workspace-form button[type=submit]")
    page.wait_for(f"document.querySelector('main').innerText.includes({json.dumps(name)})")


# Keyboard, labels, narrow screens

def test_keyboard_skip_link_and_labelled_controls(page, emulator):
    page.goto("about:blank")
    page.goto(emulator.ui + "#/events")
    page.wait_for("document.querySelector('main tbody tr a')")
    page.press("Tab")
    assert page.eval("document.activeElement.className") == "skip-link"
    page.press("Enter")
    page.wait_for("location.hash.endsWith('#view') || document.activeElement.id === 'view'")
    for section in ("events", "traces", "faults", "journal"):
        show(page, f"#/{section}", "document.querySelector('#page-title') && !document.querySelector('main .loading')")
        unlabelled = page.eval("""[...document.querySelectorAll('input, select, textarea, button')].filter(el =>
            !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim() && el.type !== 'hidden'
        ).map(el => el.outerHTML.slice(0, 80))""")
        assert unlabelled == [], f"{section}: controls without a label: {unlabelled}"
    # Nav links are real links reachable by Tab, with a visible focus style.
    page.eval("document.querySelector('#nav-traces a').focus()")
    outline = page.eval("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.press("Enter")
    page.wait_for("location.hash.startsWith('#/traces?')")


@pytest.mark.parametrize("route,ready", [
    ("#/overview", "document.querySelector('.stats')"),
    ("#/events", "document.querySelector('main tbody tr a')"),
    ("#/traces?mine=0", "document.querySelector('main tbody tr a')"),
    ("#/judges", "document.querySelector('main tbody tr a')"),
    ("#/journal", "document.querySelector('#journal-status')"),
    ("#/faults", "document.querySelector('#fault-path')"),
])
def test_readable_at_390_px(page, route, ready, artefacts):
    page.resize(390, 844, mobile=True)
    show(page, route, ready)
    assert page.eval("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    assert not page.eval("getComputedStyle(document.querySelector('nav')).display !== 'none'"), "the nav folds away"
    page.click("#menu-toggle")
    page.wait_for("getComputedStyle(document.querySelector('nav')).display !== 'none'")
    page.click("#menu-toggle")
    page.screenshot(str(artefacts / f"390-{route.strip('#/').split('?')[0]}.png"))


def test_a_trace_at_390_px(page, emulator, artefacts):
    _, body = call(emulator.url, "POST", f"{V1}/traces/search?page_size=1", {"search_expression": "span_count >= 4"})
    trace = body["traces"]["results"][0]
    page.resize(390, 844, mobile=True)
    show(page, f"#/traces/{trace['trace_id']}", "document.querySelector('.waterfall .span-row')")
    assert page.eval("document.documentElement.scrollWidth") <= 390
    page.screenshot(str(artefacts / "390-trace.png"), full_page=True)
