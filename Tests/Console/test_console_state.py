"""The console keeps its state in the URL, finds a token's own telemetry among the seeded demo
data, shows logs linked to their traces, every object as JSON with a copy button, a dark mode,
no sideways scrolling at 390 and 1440 px, and a trace view with a time axis, a collapsible tree,
span logs and a status taken from its spans."""
from __future__ import annotations

import json
import uuid

import pytest

from conftest import show
from helpers import V1, call, send_spans, span

PAGES = [
    ("#/overview", "document.querySelector('.stats')"),
    ("#/events", "document.querySelector('main tbody tr a')"),
    ("#/traces?mine=0", "document.querySelector('main tbody tr a')"),
    ("#/traces?view=spans&mine=0", "document.querySelector('main tbody tr a')"),
    ("#/logs?mine=0", "document.querySelector('main tbody tr a')"),
    ("#/judges", "document.querySelector('main tbody tr a')"),
    ("#/datasets", "document.querySelector('main table')"),
    ("#/journal", "document.querySelector('#journal-status')"),
    ("#/faults", "document.querySelector('#fault-path')"),
]
SEEDED_TRACE = "6c576300355c052cc481db3fedfad1d8"  # rag-search, five spans, logs on its spans


def reload(page):
    """Opens the page's own URL afresh, as a reload does, waiting for it to load."""
    url = page.eval("location.href")
    page.goto("about:blank")
    page.goto(url)


def rows_of(page, what="the results"):
    return page.wait_for("!document.querySelector('main .loading') && document.querySelector('main tbody') && "
                         "[...document.querySelectorAll('main tbody tr td:first-child a')].map(a => a.title || a.dataset.span)", what=what)


@pytest.fixture
def own_token(emulator):
    """A fresh workspace with two traces of its own: an app's 'checkout' and the SDK's own call to
    traces/search (its span named after the operation id, with http.url)."""
    token = f"console-mine-{uuid.uuid4().hex[:8]}"
    app, sdk = uuid.uuid4().hex, uuid.uuid4().hex
    send_spans(emulator.url, token, [
        span(app, "a" * 16, "POST /checkout", status=1),
        span(app, "b" * 16, "chat mistral-small-latest", parent="a" * 16, offset_ms=5, ms=20,
             attributes={"gen_ai.request.model": "mistral-small-latest", "gen_ai.operation.name": "chat", "note": "x" * 600}),
    ])
    send_spans(emulator.url, token, [span(sdk, "c" * 16, "search_v1_observability_traces_search_post",
                                          attributes={"http.url": f"{emulator.url}/v1/observability/traces/search?page_size=50"})],
               service="mistralai_sdk")
    return token, app, sdk


# 1. State in the URL

def test_a_deep_link_opens_the_span_it_names(page, emulator, artefacts):
    _, spans = call(emulator.url, "GET", f"{V1}/traces/{SEEDED_TRACE}/spans?page_size=100")
    child = next(s for s in spans["spans"]["results"] if s["parent_span_id"])
    link = f"{emulator.ui}#/traces/{SEEDED_TRACE}/{child['span_id']}?token=console-deep-link"
    page.goto("about:blank")
    page.goto(link)
    page.wait_for(f"document.querySelector('#span-h') && document.querySelector('#span-h').innerText === {json.dumps(child['span_name'])}",
                  what="the linked span's detail")
    assert page.eval("document.querySelector('.span-row.selected').dataset.span") == child["span_id"]
    assert page.eval("document.querySelector('#token').value") == "console-deep-link"
    assert page.eval("localStorage.getItem('obs-console.token')") == "console-deep-link"
    assert child["span_id"] in page.text(".span-detail")
    page.screenshot(str(artefacts / "1280-deep-link.png"))


def test_list_filters_survive_a_reload(page, emulator):
    route = "#/traces?view=spans&service=rag-search&status=Ok&mine=0&name=chat"
    show(page, route, "document.querySelector('#find-service')")
    shown = rows_of(page)
    _, expected = call(emulator.url, "POST", f"{V1}/spans/search?page_size=25", {"search_expression":
        "(span_name ILIKE '%chat%' OR operation_name = 'chat') AND service_name = 'rag-search' AND status_code = 'Ok'"})
    assert shown == [s["span_id"] for s in expected["spans"]["results"]] and shown
    reload(page)
    page.wait_for("document.querySelector('#find-service') && document.querySelector('#find-service').value === 'rag-search'", what="the filters after reload")
    assert page.eval("document.querySelector('#find-status').value") == "Ok"
    assert page.eval("document.querySelector('#find-name').value") == "chat"
    assert page.eval("document.querySelector('#tab-spans').getAttribute('aria-current')") == "page"
    assert rows_of(page, "the same spans after reload") == shown
    # Changing a filter writes the URL.
    page.eval("document.querySelector('#find-status').value = 'Error'")
    page.click("#traces-search")
    page.wait_for("location.hash.includes('status=Error')")


# 2. Find mine

def test_find_mine_hides_the_demo_data_and_the_sdks_own_calls(page, emulator, own_token, artefacts):
    token, app, sdk = own_token
    show(page, f"#/overview?token={token}", "document.querySelector('#own-traces .stat-value') && document.querySelector('#own-traces .stat-value').innerText === '2'",
         what="the token's own two traces")
    assert page.text("#own-spans .stat-value") == "3"
    # The traces list starts with this token's own traces, the SDK's own call hidden.
    show(page, "#/traces", "document.querySelector('#find-mine')")
    assert page.eval("document.querySelector('#find-mine').checked") is True
    assert rows_of(page) == [app]
    page.screenshot(str(artefacts / "1280-find-mine.png"))
    page.click("#find-sdk")
    page.click("#traces-search")
    page.wait_for(f"location.hash.includes('sdk=1')")
    # The list is drawn again after the URL changes: wait for the new one, not the old.
    page.wait_for("document.querySelectorAll('main tbody tr').length === 2", what="both own traces")
    assert sorted(rows_of(page, "both own traces")) == sorted([app, sdk])
    # All workspace data: the seeded traces too, newest first (own traces are the newest).
    page.click("#find-mine")
    page.click("#traces-search")
    page.wait_for("document.querySelectorAll('main tbody tr').length === 25", what="a full page with the seeded traces")
    # The last 15 minutes: only what was just sent.
    show(page, "#/traces?mine=0&range=15m", "document.querySelector('#find-range').value === '15m'")
    assert rows_of(page, "the last 15 min") == [app]
    # The spans list filters by model.
    show(page, "#/traces?view=spans&model=mistral-small-latest", "document.querySelector('#find-model')")
    assert rows_of(page, "own chat spans") == ["b" * 16]


def test_the_demo_token_shows_the_seeded_data_by_default(page, emulator):
    show(page, "#/traces?token=test", "document.querySelector('#find-mine')")
    assert page.eval("document.querySelector('#find-mine').checked") is False
    assert len(rows_of(page)) == 25


# 3. Logs

def test_logs_filter_by_severity_and_link_to_their_trace(page, emulator, artefacts):
    show(page, "#/logs?mine=0&status=ERROR", "document.querySelector('#logs-status')")
    shown = page.wait_for("!document.querySelector('main .loading') && [...document.querySelectorAll('main tbody tr')].map(r => r.cells[1].innerText)")
    _, expected = call(emulator.url, "POST", f"{V1}/logs/search?page_size=50", {"search_expression": "severity_text = 'ERROR'", "order": "desc"})
    assert len(shown) == len(expected["logs"]["results"]) > 0 and set(shown) == {"ERROR"}
    page.screenshot(str(artefacts / "1280-logs.png"))
    record = expected["logs"]["results"][0]
    page.click("main tbody tr td:last-child a")
    page.wait_for(f"document.querySelector('.span-row.selected') && document.querySelector('.span-row.selected').dataset.span === {json.dumps(record['span_id'])}",
                  what="the log's span in its trace")
    assert record["trace_id"] in page.text(".page-header")


def test_a_log_search_expression_is_used(page, emulator):
    show(page, "#/logs?mine=0", "document.querySelector('#log-expression')")
    page.type_into("#log-expression", "body ILIKE '%retrieved%'")
    page.click("#logs-search")
    page.wait_for("location.hash.includes('q=')")
    bodies = page.wait_for("!document.querySelector('main .loading') && [...document.querySelectorAll('main tbody tr summary')].map(s => s.innerText)")
    assert bodies and all("retrieved" in b.lower() for b in bodies)


# 4. JSON and copy

def test_objects_show_as_json_and_ids_copy(page, emulator):
    _, trace = call(emulator.url, "GET", f"{V1}/traces/{SEEDED_TRACE}")
    show(page, f"#/traces/{SEEDED_TRACE}", "document.querySelector('.summary .json-toggle')")
    page.click(".summary .json-toggle")
    raw = page.wait_for("!document.querySelector('.summary .raw-json').hidden && document.querySelector('.summary .raw-json').innerText")
    assert json.loads(raw) == trace
    # The browser's clipboard, replaced for the test: what the buttons put there.
    page.eval("window.__copied = []; navigator.clipboard.writeText = async (t) => { window.__copied.push(t); }")
    page.click(".page-header button.copy")
    page.wait_for("window.__copied.length === 1")
    assert page.eval("window.__copied[0]") == SEEDED_TRACE
    page.click(".summary .json-tools button.copy")
    page.wait_for("window.__copied.length === 2")
    assert json.loads(page.eval("window.__copied[1]")) == trace
    # In a list, a shortened id has a copy button for the whole of it.
    show(page, "#/events", "document.querySelector('main tbody tr .id-ref button.copy')")
    full = page.eval("document.querySelector('main tbody tr .id-ref a').title")
    page.eval("window.__copied = []; navigator.clipboard.writeText = async (t) => { window.__copied.push(t); }")
    page.click("main tbody tr .id-ref button.copy")
    page.wait_for("window.__copied.length === 1")
    assert page.eval("window.__copied[0]") == full and len(full) == 36


# 5. Dark mode

def test_dark_mode_follows_the_system_and_the_toggle_is_kept(page, emulator, artefacts):
    page.eval("localStorage.removeItem('obs-console.theme')")
    page.send("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        reload(page)
        page.wait_for("document.documentElement && document.documentElement.dataset.theme === 'dark'", what="dark from the system")
        dark = page.eval("getComputedStyle(document.querySelector('main')).color")
        page.wait_for("document.querySelector('.stats')")
        page.screenshot(str(artefacts / "1440-overview-dark.png"))
        page.click("#theme-toggle")
        assert page.eval("document.documentElement.dataset.theme") == "light"
        assert page.eval("localStorage.getItem('obs-console.theme')") == "light"
        assert page.eval("getComputedStyle(document.querySelector('main')).color") != dark
        reload(page)
        page.wait_for("document.querySelector('#theme-toggle') && document.querySelector('.stats')")
        assert page.wait_for("document.documentElement.dataset.theme") == "light", "the choice outlives a reload"
        page.click("#theme-toggle")
        assert page.eval("document.querySelector('#theme-toggle').getAttribute('aria-pressed')") == "true"
    finally:
        page.send("Emulation.setEmulatedMedia", {"features": []})
        page.eval("localStorage.removeItem('obs-console.theme')")


# 6. Layout

@pytest.mark.parametrize("width,height", [(390, 844), (1440, 900)])
@pytest.mark.parametrize("route,ready", PAGES)
def test_no_page_scrolls_sideways(page, route, ready, width, height, artefacts):
    page.resize(width, height, mobile=width < 600)
    show(page, route, ready)
    page.wait_for("!document.querySelector('main .loading')")
    sizes = page.eval("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"{route} at {width}px scrolls sideways: {sizes}"
    name = route.strip("#/").replace("?", "-").replace("&", "-").replace("=", "")
    page.screenshot(str(artefacts / f"{width}-{name}.png"))


def test_the_events_pager_fits_at_390_px(page):
    page.resize(390, 844, mobile=True)
    show(page, "#/events", "document.querySelector('#events-next')")
    right = page.eval("Math.max(...[...document.querySelectorAll('.pager > *')].map(e => e.getBoundingClientRect().right))")
    assert right <= page.eval("window.innerWidth")


# 7. The trace view

def test_the_trace_view_axis_tree_logs_and_status(page, emulator, own_token, artefacts):
    token, app, _ = own_token
    _, row = call(emulator.url, "GET", f"{V1}/traces/{app}", token=token)
    show(page, f"#/traces/{app}?token={token}", "document.querySelector('.waterfall .span-row')")
    assert page.text("#trace-status").startswith("Ok"), f"the trace row says {row['status_code']}, its spans say Ok"
    assert page.eval("document.querySelectorAll('.timeline-axis .tick').length") >= 3
    assert "+5.0 ms" in page.text(".waterfall")
    # Collapsing the root hides its child; expanding shows it again.
    page.click(".waterfall .tree-toggle")
    assert page.eval("[...document.querySelectorAll('.waterfall .span-row')].filter(r => !r.hidden).length") == 1
    page.click(".waterfall .tree-toggle")
    assert page.eval("[...document.querySelectorAll('.waterfall .span-row')].filter(r => !r.hidden).length") == 2
    # A long attribute value wraps inside the panel instead of hiding behind a scrollbar.
    show(page, f"#/traces/{app}/{'b' * 16}", "document.querySelector('.span-detail table.attributes')")
    wrap = page.eval("(() => { const w = document.querySelector('.span-detail table.attributes').closest('.table-wrap'); return [w.scrollWidth, w.clientWidth]; })()")
    assert wrap[0] <= wrap[1]
    assert "x" * 600 in page.text(".span-detail")
    page.screenshot(str(artefacts / "1440-trace-own.png"))


def test_a_spans_logs_show_with_it(page, emulator, artefacts):
    _, logs = call(emulator.url, "POST", f"{V1}/logs/search?page_size=50", {"search_expression": f"trace_id = '{SEEDED_TRACE}'"})
    record = next(r for r in logs["logs"]["results"] if r["span_id"])
    page.resize(1440, 900)
    show(page, f"#/traces/{SEEDED_TRACE}/{record['span_id']}", "document.querySelector('.span-detail')")
    page.wait_for(f"document.querySelector('.span-detail').innerText.includes({json.dumps(record['body'])})", what="the span's log record")
    page.screenshot(str(artefacts / "1440-trace.png"))
    page.resize(390, 844, mobile=True)
    show(page, f"#/traces/{SEEDED_TRACE}/{record['span_id']}?x=1", "document.querySelector('.span-detail')")
    page.screenshot(str(artefacts / "390-trace-detail.png"), full_page=True)


def test_the_journal_filters_are_in_the_url(page, emulator):
    show(page, "#/journal", "document.querySelector('#journal-path')")
    page.type_into("#journal-path", "/v1/observability/judges")
    page.wait_for("location.hash.includes('path=%2Fv1%2Fobservability%2Fjudges')", what="the path filter in the URL")
    page.eval("document.querySelector('#journal-live').click()")
    page.wait_for("location.hash.includes('live=0')")
    reload(page)
    page.wait_for("document.querySelector('#journal-path') && document.querySelector('#journal-path').value === '/v1/observability/judges'", what="the filter after reload")
    assert page.eval("document.querySelector('#journal-live').checked") is False
