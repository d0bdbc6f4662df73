"""The 18 telemetry read operations over the seeded fixtures: traces, spans, logs and
span evaluations — feeds (cursor paging, windows, order), single reads, fields, options and
aggregates.

Expectations are computed here, independently of the emulator: from `Fixtures/telemetry/*.json`
(the OTLP exports the emulator seeds) for feeds, roll-ups and options, and, for aggregates, from
the rows fetched through the search API (count, sum, avg, min, max, count_distinct and exact
nearest-rank percentiles, bucketed in UTC). Every test uses a fresh workspace, which sees the
seeded fixtures plus only what the test itself sent.
"""

from __future__ import annotations

import calendar
import collections
import datetime as dt
import functools
import json
import math
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import API, FIXTURES, HTTP, assert_error, new_token
from telemetry_support import last_message_text, ns_of

# operationIds (docs/openapi.yaml)
SEARCH_TRACES = "search_traces_v1_observability_traces_search_post"
AGGREGATE_TRACES = "aggregate_traces_v1_observability_traces_aggregate_post"
SEARCH_SPANS = "search_spans_v1_observability_spans_search_post"
AGGREGATE_SPANS = "aggregate_spans_v1_observability_spans_aggregate_post"
SEARCH_LOGS = "search_logs_v1_observability_logs_search_post"
SEARCH_EVALUATIONS = "search_span_evaluations_v1_observability_spans_evaluations_search_post"
SEARCH_LATEST = "search_latest_span_evaluations_v1_observability_spans_evaluations_search_latest_post"
AGGREGATE_EVALUATIONS = "aggregate_span_evaluations_v1_observability_spans_evaluations_aggregate_post"
TRACE_FIELDS = "get_trace_fields_v1_observability_traces_fields_get"
SPAN_FIELDS = "get_span_fields_v1_observability_spans_fields_get"
LOG_FIELDS = "get_log_fields_v1_observability_logs_fields_get"
EVALUATION_FIELDS = "get_span_evaluation_fields_v1_observability_spans_evaluations_fields_get"
TRACE_OPTIONS = "get_trace_field_options_v1_observability_traces_fields__field_name__options_get"
SPAN_OPTIONS = "get_span_field_options_v1_observability_spans_fields__field_name__options_get"
LOG_OPTIONS = "get_log_field_options_v1_observability_logs_fields__field_name__options_get"
EVALUATION_OPTIONS = "get_span_evaluation_field_options_v1_observability_spans_evaluations_fields__field_name__options_get"
GET_TRACE = "get_trace_by_id_v1_observability_traces__trace_id__get"
GET_TRACE_SPANS = "get_trace_spans_v1_observability_traces__trace_id__spans_get"
GET_SPAN = "get_span_by_id_v1_observability_traces__trace_id__spans__span_id__get"
OTLP_LOGS = "emulator_otlp_logs"
OTLP_TRACES = "emulator_otlp_traces"

EVALUATION_EVENT = "gen_ai.evaluation.result"
LLM_OPERATIONS = {"chat", "text_completion", "generate_content"}


# --------------------------------------------------------------------------------------------
# The fixtures, read independently
# --------------------------------------------------------------------------------------------

def _value(v: dict) -> Any:
    if "stringValue" in v:
        return v["stringValue"]
    if "boolValue" in v:
        return v["boolValue"]
    if "intValue" in v:
        return int(v["intValue"])
    if "doubleValue" in v:
        return float(v["doubleValue"])
    if "arrayValue" in v:
        return [_value(x) for x in v["arrayValue"].get("values", [])]
    if "kvlistValue" in v:
        return {kv["key"]: _value(kv["value"]) for kv in v["kvlistValue"].get("values", [])}
    return None


def _attrs(items) -> dict:
    return {a["key"]: _value(a.get("value", {})) for a in items or []}


@functools.lru_cache(maxsize=None)
def fixture_spans() -> tuple[dict, ...]:
    data = json.loads((FIXTURES / "telemetry" / "traces.json").read_text(encoding="utf-8"))
    spans = []
    for rs in data["resourceSpans"]:
        resource = _attrs(rs.get("resource", {}).get("attributes"))
        for ss in rs["scopeSpans"]:
            for s in ss["spans"]:
                spans.append({
                    "trace_id": s["traceId"].lower(), "span_id": s["spanId"].lower(),
                    "parent": (s.get("parentSpanId") or "").lower(), "name": s["name"],
                    "start": int(s["startTimeUnixNano"]), "end": int(s["endTimeUnixNano"]),
                    "resource": resource, "attrs": _attrs(s.get("attributes")),
                    "status": {0: "Unset", 1: "Ok", 2: "Error"}[int(s.get("status", {}).get("code", 0))],
                    "error": int(s.get("status", {}).get("code", 0)) == 2,
                })
    return tuple(spans)


@functools.lru_cache(maxsize=None)
def fixture_logs() -> tuple[dict, ...]:
    data = json.loads((FIXTURES / "telemetry" / "logs.json").read_text(encoding="utf-8"))
    logs = []
    for rl in data["resourceLogs"]:
        resource = _attrs(rl.get("resource", {}).get("attributes"))
        for sl in rl["scopeLogs"]:
            for r in sl["logRecords"]:
                attrs = _attrs(r.get("attributes"))
                time_ns = int(r.get("timeUnixNano") or 0) or int(r.get("observedTimeUnixNano") or 0)
                logs.append({"time": time_ns, "trace_id": (r.get("traceId") or "").lower(),
                             "span_id": (r.get("spanId") or "").lower(), "attrs": attrs,
                             "event": r.get("eventName") or attrs.get("event.name", ""),
                             "severity": r.get("severityText", ""), "service": resource.get("service.name", "")})
    return tuple(logs)


@functools.lru_cache(maxsize=None)
def fixture_evaluations() -> tuple[dict, ...]:
    out = []
    for log in fixture_logs():
        if log["event"] != EVALUATION_EVENT:
            continue
        a = log["attrs"]
        out.append({"time": log["time"], "trace_id": log["trace_id"], "span_id": log["span_id"],
                    "name": a.get("gen_ai.evaluation.name", ""), "score": float(a.get("gen_ai.evaluation.score.value", 0)),
                    "label": a.get("gen_ai.evaluation.score.label", "")})
    return tuple(out)


def fixture_traces() -> dict[str, list[dict]]:
    traces: dict[str, list[dict]] = collections.defaultdict(list)
    for s in fixture_spans():
        traces[s["trace_id"]].append(s)
    return traces


def trace_start(spans: list[dict]) -> int:
    return min(s["start"] for s in spans)


def expected_roll_up(spans: list[dict]) -> dict:
    """The trace columns from the fixture spans (start order, span id as tie-break)."""
    ordered = sorted(spans, key=lambda s: (s["start"], s["span_id"]))
    roots = [s for s in ordered if not s["parent"]]
    root = roots[0] if roots else ordered[0]

    def first(key):
        return next((str(s["attrs"][key]) for s in ordered if s["attrs"].get(key)), "")

    ops = [s["attrs"].get("gen_ai.operation.name", "") for s in ordered]
    llm = [s for s in ordered if s["attrs"].get("gen_ai.operation.name") in LLM_OPERATIONS]
    models, tools = [], []
    for s in ordered:
        m, t = s["attrs"].get("gen_ai.request.model"), s["attrs"].get("gen_ai.tool.name")
        if m and m not in models:
            models.append(m)
        if t and t not in tools:
            tools.append(t)
    errors = sum(1 for s in ordered if s["error"])
    trace_id = root["trace_id"]
    res = root["resource"]

    def total(key):
        return sum(int(s["attrs"].get(key) or 0) for s in ordered)

    return {
        "trace_id": trace_id, "root_span_id": root["span_id"], "root_span_name": root["name"],
        "duration_ns": max(s["end"] for s in ordered) - min(s["start"] for s in ordered),
        "service_name": res.get("service.name", ""),
        "environment": res.get("deployment.environment.name", res.get("deployment.environment", "")),
        "conversation_id": first("gen_ai.conversation.id"), "workflow_name": first("gen_ai.workflow.name"),
        "agent_id": first("gen_ai.agent.id"), "agent_name": first("gen_ai.agent.name"),
        "status_code": "Error" if errors else "Unset", "error_count": errors, "span_count": len(ordered),
        "gen_ai_span_count": sum(1 for op in ops if op), "llm_call_count": len(llm),
        "tool_call_count": ops.count("execute_tool"), "retrieval_count": ops.count("retrieval"),
        "evaluation_count": sum(1 for e in fixture_evaluations() if e["trace_id"] == trace_id),
        "input_tokens": total("gen_ai.usage.input_tokens"), "output_tokens": total("gen_ai.usage.output_tokens"),
        "cache_read_input_tokens": total("gen_ai.usage.cache_read.input_tokens"),
        "cache_creation_input_tokens": total("gen_ai.usage.cache_creation.input_tokens"),
        "models_used": models, "tools_used": tools,
        "first_turn_last_input_message": last_message_text(llm[0]["attrs"].get("gen_ai.input.messages")) if llm else "",
        "first_turn_last_output_message": last_message_text(llm[0]["attrs"].get("gen_ai.output.messages")) if llm else "",
        "last_turn_last_input_message": last_message_text(llm[-1]["attrs"].get("gen_ai.input.messages")) if llm else "",
        "last_turn_last_output_message": last_message_text(llm[-1]["attrs"].get("gen_ai.output.messages")) if llm else "",
    }


# --------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------

def rfc3339(ns: int) -> str:
    """Nanosecond-exact RFC 3339 (nine fraction digits)."""
    seconds, frac = divmod(ns, 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{frac:09d}Z"


def close_to(text: str, ns: int) -> bool:
    """A rendered instant is the exact one, truncated to at most the millisecond."""
    return 0 <= ns - ns_of(text) < 1_000_000


def bucket_start(ns: int, granularity: str) -> int:
    seconds = ns // 1_000_000_000
    day = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    if granularity == "second":
        start = seconds
    elif granularity == "minute":
        start = seconds - seconds % 60
    elif granularity == "hour":
        start = seconds - seconds % 3600
    elif granularity == "day":
        start = seconds - seconds % 86400
    elif granularity == "week":
        monday = (day - dt.timedelta(days=day.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        start = calendar.timegm(monday.timetuple())
    elif granularity == "month":
        start = calendar.timegm(day.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timetuple())
    else:
        raise ValueError(granularity)
    return start * 1_000_000_000


WIDTH = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": None}


# --------------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------------

FEEDS = {
    "traces": ("/traces/search", "traces", SEARCH_TRACES),
    "spans": ("/spans/search", "spans", SEARCH_SPANS),
    "logs": ("/logs/search", "logs", SEARCH_LOGS),
    "evaluations": ("/spans/evaluations/search", "span_evaluations", SEARCH_EVALUATIONS),
    "latest": ("/spans/evaluations/search/latest", "span_evaluations", SEARCH_LATEST),
}


def page(http: HTTP, feed: str, body: dict | None = None, **params: Any):
    path, key, _ = FEEDS[feed]
    return http.post(API + path, params=params, json=body if body is not None else {})


def page_all(http: HTTP, feed: str, body: dict | None = None, page_size: int = 100, check_pages: bool = False,
             **params: Any) -> list[dict]:
    """Every row, following the cursor; with check_pages, each page's size and `next` URL too."""
    _, key, _ = FEEDS[feed]
    rows: list[dict] = []
    cursor = None
    for _ in range(2000):
        query = {"page_size": page_size, **params}
        if cursor:
            query["cursor"] = cursor
        r = page(http, feed, body, **query)
        assert r.status_code == 200, r.text[:500]
        result = r.json()[key]
        got = result["results"]
        cursor = result["cursor"]
        if check_pages:
            assert len(got) <= page_size
            if cursor:
                assert len(got) == page_size, "only the last page may be short"
                nxt = urlsplit(result["next"])
                assert not nxt.scheme and not nxt.netloc, "next is a relative URL"
                assert nxt.path == API + FEEDS[feed][0]
                q = parse_qs(nxt.query)
                assert q["cursor"] == [cursor] and q["page_size"] == [str(page_size)]
                for name, value in params.items():
                    assert ns_of(q[name][0]) == ns_of(value), f"next carries {name}"
            else:
                assert result["next"] is None
        rows += got
        if not cursor:
            return rows
    raise AssertionError("the feed never ended")


def micros(ns: int) -> int:
    """The API renders instants to the microsecond: keys compare at that precision."""
    return ns // 1000


def key_of(feed: str, row: dict) -> tuple:
    if feed == "traces":
        return (row["trace_id"],)
    if feed == "spans":
        return (row["trace_id"], row["span_id"])
    if feed == "logs":
        return (row["trace_id"], row["span_id"], micros(ns_of(row["timestamp"])))
    return (row["trace_id"], row["span_id"], row["evaluation_name"], micros(ns_of(row["timestamp"])))


def expected_feed(feed: str, order: str = "desc", window: tuple[int | None, int | None] = (None, None)) -> list[tuple]:
    """The fixture rows of a feed, in feed order, as key_of tuples, with their time."""
    lo, hi = window
    if feed == "traces":
        items = [((tid,), trace_start(spans), (tid,)) for tid, spans in fixture_traces().items()]
    elif feed == "spans":
        items = [((s["trace_id"], s["span_id"]), s["start"], (s["span_id"], s["trace_id"])) for s in fixture_spans()]
    elif feed == "logs":
        items = [((l["trace_id"], l["span_id"], micros(l["time"])), l["time"], ()) for l in fixture_logs()]
    else:
        evaluations = fixture_evaluations()
        if feed == "latest":
            evaluations = latest_only(evaluations, window)
        items = [((e["trace_id"], e["span_id"], e["name"], micros(e["time"])), e["time"], ()) for e in evaluations]
    items = [i for i in items if (lo is None or i[1] >= lo) and (hi is None or i[1] < hi)]
    items.sort(key=lambda i: (i[1], i[2]), reverse=(order == "desc"))
    return [i[0] for i in items]


def latest_only(evaluations, window=(None, None)) -> list[dict]:
    lo, hi = window
    newest: dict[tuple, dict] = {}
    for e in evaluations:
        if (lo is not None and e["time"] < lo) or (hi is not None and e["time"] >= hi):
            continue
        k = (e["trace_id"], e["span_id"], e["name"])
        if k not in newest or e["time"] > newest[k]["time"]:
            newest[k] = e
    return list(newest.values())


def feed_times(feed: str) -> list[int]:
    if feed == "traces":
        return sorted(trace_start(s) for s in fixture_traces().values())
    if feed == "spans":
        return sorted(s["start"] for s in fixture_spans())
    if feed == "logs":
        return sorted(l["time"] for l in fixture_logs())
    return sorted(e["time"] for e in fixture_evaluations())


FEED_CASES = [
    pytest.param("traces", "desc", id="traces", marks=pytest.mark.operation(SEARCH_TRACES)),
    pytest.param("spans", "desc", id="spans", marks=pytest.mark.operation(SEARCH_SPANS)),
    pytest.param("logs", "desc", id="logs-desc", marks=pytest.mark.operation(SEARCH_LOGS)),
    pytest.param("logs", "asc", id="logs-asc", marks=pytest.mark.operation(SEARCH_LOGS)),
    pytest.param("evaluations", "desc", id="evaluations", marks=pytest.mark.operation(SEARCH_EVALUATIONS)),
    pytest.param("latest", "desc", id="evaluations-latest", marks=pytest.mark.operation(SEARCH_LATEST)),
]


def body_for(feed: str, order: str, expression: str | None = None) -> dict:
    body: dict = {}
    if expression is not None:
        body["search_expression"] = expression
    if feed == "logs":
        body["order"] = order
    return body


@pytest.mark.parametrize("feed,order", FEED_CASES)
def test_paging_by_seven_yields_every_row_once_in_order(http, feed, order):
    rows = page_all(http, feed, body_for(feed, order), page_size=7, check_pages=True)
    got = [key_of(feed, r) for r in rows]
    assert len(got) == len(set(got)), "no row twice"
    expected = expected_feed(feed, order)
    assert len(expected) > 7
    assert got == expected
    # The same walk following `next` (a relative URL) instead of building the query.
    _, key, _ = FEEDS[feed]
    walked: list[dict] = []
    url = API + FEEDS[feed][0] + "?page_size=7"
    while url:
        r = http.post(url, json=body_for(feed, order))
        assert r.status_code == 200, r.text[:300]
        walked += r.json()[key]["results"]
        url = r.json()[key]["next"]
    assert walked == rows


@pytest.mark.parametrize("feed,order", FEED_CASES)
def test_from_inclusive_to_exclusive_window(http, feed, order):
    times = feed_times(feed)
    lo, hi = times[len(times) // 5], times[(4 * len(times)) // 5]
    assert lo < hi
    window = {"from": rfc3339(lo), "to": rfc3339(hi)}
    rows = page_all(http, feed, body_for(feed, order), page_size=7, check_pages=True, **window)
    expected = expected_feed(feed, order, (lo, hi))
    assert [key_of(feed, r) for r in rows] == expected
    time_field = "start_time" if feed in ("traces", "spans") else "timestamp"
    if feed != "latest":
        assert any(micros(ns_of(r[time_field])) == micros(lo) for r in rows), "from is inclusive"
    assert all(ns_of(r[time_field]) < hi for r in rows), "to is exclusive"
    # from after to
    r = page(http, feed, body_for(feed, order), **{"from": rfc3339(hi), "to": rfc3339(lo)})
    assert_error(r, 400, contains="from")
    # an empty window is fine
    r = page(http, feed, body_for(feed, order), **{"from": rfc3339(lo), "to": rfc3339(lo)})
    assert r.status_code == 200 and r.json()[FEEDS[feed][1]]["results"] == []


@pytest.mark.parametrize("feed,order", FEED_CASES)
def test_cursor_belongs_to_its_search(http, feed, order):
    path, key, _ = FEEDS[feed]
    body = body_for(feed, order)
    first = page(http, feed, body, page_size=7)
    assert first.status_code == 200
    cursor = first.json()[key]["cursor"]
    assert cursor
    # The cursor with its own request: the second page.
    second = page(http, feed, body, page_size=7, cursor=cursor)
    assert second.status_code == 200 and second.json()[key]["results"]
    # Another body, another window: 400 SEARCH_BAD_REQUEST.
    other = body_for(feed, order, "trace_id != ''")
    assert_error(page(http, feed, other, page_size=7, cursor=cursor), 400, "SEARCH_BAD_REQUEST")
    assert_error(page(http, feed, body, page_size=7, cursor=cursor, **{"from": "2026-01-01T00:00:00Z"}),
                 400, "SEARCH_BAD_REQUEST")
    if feed == "logs":
        flipped = dict(body, order="asc" if order == "desc" else "desc")
        assert_error(page(http, feed, flipped, page_size=7, cursor=cursor), 400, "SEARCH_BAD_REQUEST")
    # Tampered: one character changed, truncated, garbage.
    i = len(cursor) // 3
    tampered = cursor[:i] + ("A" if cursor[i] != "A" else "B") + cursor[i + 1:]
    for bad in (tampered, cursor[:-2], "not-a-cursor", cursor + "x"):
        assert_error(page(http, feed, body, page_size=7, cursor=bad), 400, "SEARCH_BAD_REQUEST")
    # page_size 0: an empty page.
    r = page(http, feed, body, page_size=0)
    assert r.status_code == 200, r.text[:300]
    assert r.json()[key]["results"] == []


@pytest.mark.operation(SEARCH_SPANS, SEARCH_TRACES)
def test_page_size_out_of_range_is_422(http):
    for feed in ("spans", "traces"):
        assert_error(page(http, feed, {}, page_size=101), 422, "VALIDATION_ERROR")
        assert_error(page(http, feed, {}, page_size=-1), 422, "VALIDATION_ERROR")


def otlp_json_logs(records: list[dict], service: str = "latest-evals") -> dict:
    return {"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                              "scopeLogs": [{"scope": {"name": "read-tests"}, "logRecords": records}]}]}


def evaluation_record(trace_id: str, span_id: str, name: str, score: float, time_ns: int, label: str) -> dict:
    return {"timeUnixNano": str(time_ns), "traceId": trace_id, "spanId": span_id, "eventName": EVALUATION_EVENT,
            "attributes": [{"key": "gen_ai.evaluation.name", "value": {"stringValue": name}},
                           {"key": "gen_ai.evaluation.score.value", "value": {"doubleValue": score}},
                           {"key": "gen_ai.evaluation.score.label", "value": {"stringValue": label}}]}


@pytest.mark.operation(SEARCH_LATEST, SEARCH_EVALUATIONS, OTLP_LOGS)
def test_latest_keeps_the_newest_per_trace_span_and_name(http):
    # Fixtures: one row per (trace, span, name), the newest.
    rows = page_all(http, "latest")
    expected = latest_only(fixture_evaluations())
    assert sorted(key_of("latest", r) for r in rows) == sorted((e["trace_id"], e["span_id"], e["name"], micros(e["time"])) for e in expected)
    groups = collections.Counter((r["trace_id"], r["span_id"], r["evaluation_name"]) for r in rows)
    assert max(groups.values()) == 1
    # Re-scored in this workspace: three scores of one name on one span, another on a second span.
    trace_id, span_a, span_b = uuid.uuid4().hex, uuid.uuid4().hex[:16], uuid.uuid4().hex[:16]
    t0 = time.time_ns() - 3_600_000_000_000
    records = [evaluation_record(trace_id, span_a, "helpfulness", 0.2, t0, "poor"),
               evaluation_record(trace_id, span_a, "helpfulness", 0.9, t0 + 2_000, "good"),
               evaluation_record(trace_id, span_a, "helpfulness", 0.5, t0 + 1_000, "fair"),
               evaluation_record(trace_id, span_b, "helpfulness", 0.4, t0 + 500, "fair"),
               evaluation_record(trace_id, span_a, "toxicity", 0.01, t0 + 100, "safe")]
    r = http.post("/telemetry/v1/logs", json=otlp_json_logs(records))
    assert r.status_code == 200 and r.json() == {}, r.text
    expression = {"search_expression": f"trace_id = '{trace_id}'"}
    every = page_all(http, "evaluations", expression)
    assert [(e["span_id"], e["evaluation_name"], e["score_value"]) for e in every] == [
        (span_a, "helpfulness", 0.9), (span_a, "helpfulness", 0.5), (span_b, "helpfulness", 0.4),
        (span_a, "toxicity", 0.01), (span_a, "helpfulness", 0.2)]
    latest = page_all(http, "latest", expression)
    assert [(e["span_id"], e["evaluation_name"], e["score_value"], e["score_label"]) for e in latest] == [
        (span_a, "helpfulness", 0.9, "good"), (span_b, "helpfulness", 0.4, "fair"), (span_a, "toxicity", 0.01, "safe")]
    # Within a window that ends before the 0.9 score, the newest is the 0.5 one.
    windowed = page_all(http, "latest", expression, **{"from": rfc3339(t0), "to": rfc3339(t0 + 2_000)})
    assert [(e["span_id"], e["evaluation_name"], e["score_value"]) for e in windowed] == [
        (span_a, "helpfulness", 0.5), (span_b, "helpfulness", 0.4), (span_a, "toxicity", 0.01)]


# --------------------------------------------------------------------------------------------
# One trace, its spans, one span
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(GET_TRACE, SEARCH_TRACES)
def test_every_seeded_trace_is_the_roll_up_of_its_spans(http):
    by_search = {t["trace_id"]: t for t in page_all(http, "traces")}
    assert set(by_search) == set(fixture_traces())
    for trace_id, spans in fixture_traces().items():
        r = http.get(f"{API}/traces/{trace_id}")
        assert r.status_code == 200, r.text[:300]
        trace = r.json()
        assert trace == by_search[trace_id]
        expected = expected_roll_up(spans)
        for k, v in expected.items():
            assert trace[k] == v, (trace_id, k, trace[k], v)
        assert close_to(trace["start_time"], trace_start(spans))
        assert close_to(trace["end_time"], max(s["end"] for s in spans))
        assert trace["service_account_id"] == ""


@pytest.mark.operation(GET_TRACE_SPANS, GET_SPAN)
def test_a_traces_spans_oldest_first_and_each_span(http):
    traces = fixture_traces()
    biggest = sorted(traces, key=lambda t: (-len(traces[t]), t))[:3]
    for trace_id in biggest:
        expected = sorted(traces[trace_id], key=lambda s: (s["start"], s["span_id"]))
        rows: list[dict] = []
        cursor = None
        while True:
            params = {"page_size": 3, **({"cursor": cursor} if cursor else {})}
            r = http.get(f"{API}/traces/{trace_id}/spans", params=params)
            assert r.status_code == 200, r.text[:300]
            result = r.json()["spans"]
            rows += result["results"]
            cursor = result["cursor"]
            if not cursor:
                break
        assert [s["span_id"] for s in rows] == [s["span_id"] for s in expected]
        for row, span in zip(rows, expected):
            assert (row["trace_id"], row["parent_span_id"], row["span_name"]) == (trace_id, span["parent"], span["name"])
            assert row["duration_ns"] == span["end"] - span["start"]
            assert close_to(row["start_time"], span["start"])
            assert row["request_model"] == span["attrs"].get("gen_ai.request.model", "")
            assert set(row["span_attributes"]) == set(span["attrs"])
            one = http.get(f"{API}/traces/{trace_id}/spans/{row['span_id']}")
            assert one.status_code == 200 and one.json() == row


@pytest.mark.operation(GET_TRACE, GET_TRACE_SPANS, GET_SPAN, OTLP_TRACES)
def test_unknown_trace_or_span_is_404(http, base_url):
    trace_id = next(iter(fixture_traces()))
    unknown_trace = uuid.uuid4().hex
    assert_error(http.get(f"{API}/traces/{unknown_trace}"), 404, "TRACE_NOT_FOUND")
    assert_error(http.get(f"{API}/traces/{unknown_trace}/spans"), 404, "TRACE_NOT_FOUND")
    assert_error(http.get(f"{API}/traces/{trace_id}/spans/{uuid.uuid4().hex[:16]}"), 404, "SPAN_NOT_FOUND")
    # Another workspace's trace is unknown here.
    other = HTTP(base_url, new_token())
    span_id = uuid.uuid4().hex[:16]
    start = time.time_ns() - 1_000_000_000
    r = other.post("/telemetry/v1/traces", json={"resourceSpans": [{"scopeSpans": [{"spans": [{
        "traceId": unknown_trace, "spanId": span_id, "name": "private", "kind": 1,
        "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 10)}]}]}]})
    assert r.status_code == 200 and r.json() == {}
    assert other.get(f"{API}/traces/{unknown_trace}").status_code == 200
    assert_error(http.get(f"{API}/traces/{unknown_trace}"), 404, "TRACE_NOT_FOUND")
    assert_error(http.get(f"{API}/traces/{unknown_trace}/spans/{span_id}"), 404)


# --------------------------------------------------------------------------------------------
# Fields and options
# --------------------------------------------------------------------------------------------

ENUM_OPS = {"eq", "neq", "in", "not_in", "like", "ilike", "not_like", "not_ilike", "contains", "not_contains",
            "regexp", "not_regexp", "exists", "not_exists"}
TEXT_OPS = ENUM_OPS | {"hasToken"}
NUMBER_OPS = {"eq", "neq", "lt", "lte", "gt", "gte", "between", "not_between", "in", "not_in", "exists", "not_exists"}
ALL_AGGS = {"count", "count_distinct", "sum", "avg", "min", "max", "p50", "p90", "p95", "p99"}
BY_TYPE = {
    "ENUM": (ENUM_OPS, {"count", "count_distinct"}),
    "TEXT": (TEXT_OPS, {"count", "count_distinct"}),
    "INT": (NUMBER_OPS, ALL_AGGS),
    "FLOAT": (NUMBER_OPS, ALL_AGGS),
    "TIMESTAMP": ({"eq", "neq", "lt", "lte", "gt", "gte", "between", "not_between", "exists"}, {"count", "min", "max"}),
    "ARRAY": ({"has", "hasAny", "hasAll", "contains", "not_contains", "exists", "not_exists"}, {"count"}),
    "MAP": (TEXT_OPS | {"lt", "lte", "gt", "gte", "between"}, {"count", "count_distinct"}),
    "BOOL": ({"eq", "neq", "exists"}, {"count"}),
}
GROUPS = {"Trace", "Span", "GenAI", "Usage", "Resource", "Log", "Evaluation"}
RESOURCES = {
    "traces": ("/traces", "traces", TRACE_FIELDS, TRACE_OPTIONS),
    "spans": ("/spans", "spans", SPAN_FIELDS, SPAN_OPTIONS),
    "logs": ("/logs", "logs", LOG_FIELDS, LOG_OPTIONS),
    "evaluations": ("/spans/evaluations", "evaluations", EVALUATION_FIELDS, EVALUATION_OPTIONS),
}


def fields_of(http: HTTP, resource: str) -> dict[str, dict]:
    r = http.get(API + RESOURCES[resource][0] + "/fields")
    assert r.status_code == 200, r.text[:300]
    definitions = r.json()["field_definitions"]
    names = [f["name"] for f in definitions]
    assert len(names) == len(set(names)), "one definition per field"
    return {f["name"]: f for f in definitions}


@pytest.mark.parametrize("resource", [
    pytest.param(name, marks=pytest.mark.operation(spec[2], FEEDS[spec[1]][2])) for name, spec in RESOURCES.items()
])
def test_field_definitions(http, resource):
    fields = fields_of(http, resource)
    for name, f in fields.items():
        assert {"name", "label", "type", "group", "supported_operators", "supported_aggregations",
                "source_attribute_key"} <= set(f), f
        assert isinstance(f["label"], str) and f["label"] and f["label"][0].isupper(), f
        assert f["group"] in GROUPS, f
        assert f["type"] in BY_TYPE, f
        operators, aggregations = BY_TYPE[f["type"]]
        assert set(f["supported_operators"]) == operators, (name, f["type"], f["supported_operators"])
        assert set(f["supported_aggregations"]) == aggregations, (name, f["type"], f["supported_aggregations"])
        assert f["source_attribute_key"] is None or (isinstance(f["source_attribute_key"], str) and f["source_attribute_key"])
    # One definition per column of the row model.
    feed = RESOURCES[resource][1]
    row = page(http, feed, {}, page_size=1).json()[FEEDS[feed][1]]["results"][0]
    assert set(row) <= set(fields), set(row) - set(fields)
    if resource == "spans":
        assert fields["request_model"]["source_attribute_key"] == "gen_ai.request.model"
        assert fields["request_model"]["type"] == "ENUM" and fields["request_model"]["group"] == "GenAI"
        assert fields["usage_input_tokens"]["source_attribute_key"] == "gen_ai.usage.input_tokens"
        assert fields["usage_input_tokens"]["type"] == "INT"
        assert fields["error_type"]["source_attribute_key"] == "error.type"
        assert fields["service_name"]["source_attribute_key"] == "service.name"
        assert fields["span_attributes"]["type"] == "MAP" and fields["span_attributes"]["source_attribute_key"] is None
        assert fields["span_name"]["source_attribute_key"] is None and fields["trace_id"]["source_attribute_key"] is None
        assert fields["start_time"]["type"] == "TIMESTAMP" and fields["duration_ns"]["type"] == "INT"
        assert fields["request_temperature"]["type"] == "FLOAT"
        assert fields["response_finish_reasons"]["type"] == "ARRAY"
    elif resource == "traces":
        assert fields["error_message"]["type"] == "TEXT"
        assert fields["span_attributes"]["type"] == "MAP"
        assert fields["models_used"]["type"] == "ARRAY" and fields["status_code"]["type"] == "ENUM"
        assert fields["span_count"]["type"] == "INT"
    elif resource == "logs":
        assert fields["log_attributes"]["type"] == "MAP" and fields["severity_text"]["type"] == "ENUM"
        assert fields["timestamp"]["type"] == "TIMESTAMP"
    else:
        assert fields["evaluation_name"]["source_attribute_key"] == "gen_ai.evaluation.name"
        assert fields["score_value"]["type"] == "FLOAT" and fields["metadata"]["type"] == "MAP"


def options(http: HTTP, resource: str, field: str, **params):
    return http.get(f"{API}{RESOURCES[resource][0]}/fields/{field}/options", params=params)


def non_empty_distinct(values) -> list[str]:
    values = list(values)
    assert all(values), "the fixture has a value on every row for this field"
    return sorted(set(values))


OPTION_CASES = [
    ("spans", "service_name", lambda: non_empty_distinct(s["resource"].get("service.name") for s in fixture_spans())),
    ("spans", "status_code", lambda: sorted({s["status"] for s in fixture_spans()})),
    ("traces", "status_code", lambda: sorted({"Error" if any(s["error"] for s in v) else "Unset" for v in fixture_traces().values()})),
    ("logs", "severity_text", lambda: non_empty_distinct(l["severity"] for l in fixture_logs())),
    ("logs", "service_name", lambda: non_empty_distinct(l["service"] for l in fixture_logs())),
    ("evaluations", "evaluation_name", lambda: non_empty_distinct(e["name"] for e in fixture_evaluations())),
]


@pytest.mark.parametrize("resource,field,expected", [
    pytest.param(r, f, e, id=f"{r}-{f}", marks=pytest.mark.operation(RESOURCES[r][3])) for r, f, e in OPTION_CASES
])
def test_enum_options_are_the_sorted_distinct_values(http, resource, field, expected):
    r = options(http, resource, field)
    assert r.status_code == 200, r.text[:300]
    assert r.json()["options"] == expected()


@pytest.mark.operation(SPAN_OPTIONS)
def test_options_within_a_window(http):
    times = sorted({s["start"] for s in fixture_spans()})
    lo, hi = times[10], times[len(times) // 3]
    expected = sorted({s["resource"]["service.name"] for s in fixture_spans() if lo <= s["start"] < hi})
    r = options(http, "spans", "service_name", **{"from": rfc3339(lo), "to": rfc3339(hi)})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["options"] == expected
    everything = options(http, "spans", "service_name").json()["options"]
    assert set(expected) <= set(everything)


@pytest.mark.parametrize("resource,non_enum", [
    pytest.param("traces", "duration_ns", marks=pytest.mark.operation(TRACE_OPTIONS)),
    pytest.param("spans", "span_name", marks=pytest.mark.operation(SPAN_OPTIONS)),
    pytest.param("logs", "body", marks=pytest.mark.operation(LOG_OPTIONS)),
    pytest.param("evaluations", "score_value", marks=pytest.mark.operation(EVALUATION_OPTIONS)),
])
def test_options_of_a_non_enum_or_unknown_field(http, resource, non_enum):
    assert_error(options(http, resource, non_enum), 400, "FIELDS_BAD_REQUEST")
    assert_error(options(http, resource, "no_such_field"), 404, "FIELDS_NOT_FOUND")


# --------------------------------------------------------------------------------------------
# Aggregates
# --------------------------------------------------------------------------------------------

AGGREGATES = {"traces": ("/traces/aggregate", AGGREGATE_TRACES, "start_time"),
              "spans": ("/spans/aggregate", AGGREGATE_SPANS, "start_time"),
              "evaluations": ("/spans/evaluations/aggregate", AGGREGATE_EVALUATIONS, "timestamp")}


def aggregate(http: HTTP, resource: str, body: dict, **params):
    return http.post(API + AGGREGATES[resource][0], json=body, params=params)


def nearest_rank(values: list, p: int):
    ordered = sorted(values)
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def compute(values: list, aggregation: str):
    if aggregation == "count":
        return len(values)
    if aggregation == "count_distinct":
        return len(set(values))
    if not values:
        return None
    if aggregation == "sum":
        return sum(values)
    if aggregation == "avg":
        return sum(values) / len(values)
    if aggregation == "min":
        return min(values)
    if aggregation == "max":
        return max(values)
    return nearest_rank(values, int(aggregation[1:]))


def same_number(got, want) -> bool:
    if want is None or got is None:
        return got is want
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)


def rows_of(http: HTTP, resource: str, expression: str | None = None, **window) -> list[dict]:
    feed = resource
    body = {"search_expression": expression} if expression else {}
    return page_all(http, feed, body, **window)


@pytest.mark.operation(AGGREGATE_SPANS, SEARCH_SPANS)
@pytest.mark.parametrize("aggregation", ["count", "count_distinct", "sum", "avg", "min", "max", "p50", "p90", "p95", "p99"])
def test_span_aggregate_by_model_matches_the_rows(http, aggregation):
    expression = "operation_name IN ('chat', 'embeddings', 'execute_tool', 'invoke_agent')"
    rows = rows_of(http, "spans", expression)
    groups: dict[str, list[int]] = collections.defaultdict(list)
    for row in rows:
        groups[row["request_model"]].append(row["duration_ns"])
    assert len(groups) >= 3
    r = aggregate(http, "spans", {"metric": {"measure": "duration_ns", "aggregation": aggregation},
                                  "dimensions": ["request_model"], "search_expression": expression})
    assert r.status_code == 200, r.text[:500]
    data = r.json()["data"]
    assert [row["dimensions"] for row in data] == [{"request_model": m} for m in sorted(groups)], \
        "default order: dimensions ascending"
    for row in data:
        assert row["metric_name"] == f"{aggregation}(duration_ns)"
        assert row.get("time_bucket") is None
        want = compute(groups[row["dimensions"]["request_model"]], aggregation)
        assert same_number(row["metric_value"], want), (row, want)
        if aggregation in ("count", "count_distinct", "sum"):
            assert isinstance(row["metric_value"], int) and not isinstance(row["metric_value"], bool), row


@pytest.mark.operation(AGGREGATE_SPANS, SEARCH_SPANS)
@pytest.mark.parametrize("granularity", ["hour", "day", "week", "month"])
def test_span_aggregate_time_buckets_in_utc(http, granularity):
    rows = rows_of(http, "spans")
    groups: dict[tuple, list[int]] = collections.defaultdict(list)
    for row in rows:
        groups[(bucket_start(ns_of(row["start_time"]), granularity), row["service_name"])].append(row["usage_input_tokens"])
    r = aggregate(http, "spans", {"metric": {"measure": "usage_input_tokens", "aggregation": "sum"},
                                  "dimensions": ["service_name"], "time_dimension": {"granularity": granularity}})
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    got = {(ns_of(row["time_bucket"]), row["dimensions"]["service_name"]): row["metric_value"] for row in body["data"]}
    assert got == {k: sum(v) for k, v in groups.items()}, "empty buckets are left out"
    keys = [(ns_of(row["time_bucket"]), row["dimensions"]["service_name"]) for row in body["data"]]
    assert keys == sorted(keys), "default order: time bucket, then dimensions"
    for row in body["data"]:
        start = dt.datetime.fromtimestamp(ns_of(row["time_bucket"]) // 1_000_000_000, dt.timezone.utc)
        assert (start.minute, start.second) == (0, 0)
        if granularity != "hour":
            assert start.hour == 0, "day, week and month buckets start at 00:00:00Z"
        if granularity == "week":
            assert start.weekday() == 0, "weeks start on Monday"
        if granularity == "month":
            assert start.day == 1
    assert body["meta"]["granularity_seconds"] == WIDTH[granularity]


@pytest.mark.operation(AGGREGATE_SPANS)
@pytest.mark.parametrize("days,granularity", [(3, "hour"), (20, "day"), (300, "week")])
def test_auto_granularity_picks_at_most_100_buckets(http, days, granularity):
    hi = calendar.timegm((2026, 11, 28, 0, 0, 0)) * 1_000_000_000
    lo = hi - days * 86_400 * 1_000_000_000
    window = {"from": rfc3339(lo), "to": rfc3339(hi)}
    r = aggregate(http, "spans", {"metric": {"measure": "span_id", "aggregation": "count"},
                                  "time_dimension": {"granularity": "auto"}}, **window)
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert body["meta"]["granularity_seconds"] == WIDTH[granularity]
    assert ns_of(body["meta"]["from_timestamp"]) == lo and ns_of(body["meta"]["to_timestamp"]) == hi
    expected = collections.Counter(bucket_start(s["start"], granularity) for s in fixture_spans() if lo <= s["start"] < hi)
    assert {ns_of(row["time_bucket"]): row["metric_value"] for row in body["data"]} == dict(expected)


@pytest.mark.operation(AGGREGATE_SPANS, SEARCH_SPANS)
def test_aggregate_order_by_limit_and_window(http):
    times = sorted(s["start"] for s in fixture_spans())
    lo, hi = times[20], times[-20]
    window = {"from": rfc3339(lo), "to": rfc3339(hi)}
    rows = rows_of(http, "spans", None, **window)
    assert len(rows) == sum(1 for t in times if lo <= t < hi)
    groups: dict[tuple, list[int]] = collections.defaultdict(list)
    for row in rows:
        day = bucket_start(ns_of(row["start_time"]), "day")
        groups[(day, row["request_model"])].append(row["duration_ns"])
    expected = {k: sum(v) / len(v) for k, v in groups.items()}
    body = {"metric": {"measure": "duration_ns", "aggregation": "avg"}, "dimensions": ["request_model"],
            "time_dimension": {"granularity": "day"}, "search_expression": None,
            "order_by": [{"field": "metric_value", "direction": "desc"}], "limit": 5}
    r = aggregate(http, "spans", body, **window)
    assert r.status_code == 200, r.text[:500]
    result = r.json()
    data = result["data"]
    assert len(data) == 5
    values = [row["metric_value"] for row in data]
    assert values == sorted(values, reverse=True)
    top = sorted(expected.values(), reverse=True)[:5]
    assert all(same_number(a, b) for a, b in zip(values, top)), (values, top)
    for row in data:
        assert row["metric_name"] == "avg(duration_ns)"
        assert same_number(row["metric_value"], expected[(ns_of(row["time_bucket"]), row["dimensions"]["request_model"])])
    meta = result["meta"]
    assert ns_of(meta["from_timestamp"]) // 1000 == lo // 1000 and ns_of(meta["to_timestamp"]) // 1000 == hi // 1000
    assert meta["granularity_seconds"] == 86400
    # Order by a dimension, then the bucket, descending.
    r = aggregate(http, "spans", dict(body, order_by=[{"field": "request_model", "direction": "desc"},
                                                       {"field": "time_bucket", "direction": "desc"}], limit=1000), **window)
    keys = [(row["dimensions"]["request_model"], ns_of(row["time_bucket"])) for row in r.json()["data"]]
    assert keys == sorted(((m, d) for d, m in expected), reverse=True)


@pytest.mark.operation(AGGREGATE_TRACES, SEARCH_TRACES)
@pytest.mark.parametrize("measure,aggregation", [("input_tokens", "sum"), ("duration_ns", "p90"), ("span_count", "avg"),
                                                 ("trace_id", "count"), ("duration_ns", "max")])
def test_trace_aggregate_by_service_matches_the_rows(http, measure, aggregation):
    rows = rows_of(http, "traces")
    assert len(rows) == len(fixture_traces())
    groups: dict[tuple, list] = collections.defaultdict(list)
    for row in rows:
        groups[(row["service_name"], row["status_code"])].append(row[measure])
    r = aggregate(http, "traces", {"metric": {"measure": measure, "aggregation": aggregation},
                                   "dimensions": ["service_name", "status_code"]})
    assert r.status_code == 200, r.text[:500]
    data = r.json()["data"]
    got = {(row["dimensions"]["service_name"], row["dimensions"]["status_code"]): row["metric_value"] for row in data}
    assert set(got) == set(groups)
    for k, v in groups.items():
        assert same_number(got[k], compute(v, aggregation)), (k, got[k], compute(v, aggregation))
    assert all(row["metric_name"] == f"{aggregation}({measure})" for row in data)


@pytest.mark.operation(AGGREGATE_TRACES)
def test_trace_aggregate_by_environment(http):
    expression = "span_count >= 1"
    r = aggregate(http, "traces", {"metric": {"measure": "trace_id", "aggregation": "count"},
                                   "dimensions": ["environment"], "search_expression": expression})
    assert r.status_code == 200, r.text[:500]
    expected = collections.Counter(expected_roll_up(spans)["environment"] for spans in fixture_traces().values())
    assert {row["dimensions"]["environment"]: row["metric_value"] for row in r.json()["data"]} == dict(expected)


@pytest.mark.operation(AGGREGATE_SPANS)
def test_span_aggregate_by_a_map_entry(http):
    dimension = "span_attributes['gen_ai.operation.name']"
    r = aggregate(http, "spans", {"metric": {"measure": "usage_output_tokens", "aggregation": "sum"},
                                  "dimensions": [dimension], "search_expression": f"{dimension} EXISTS"})
    assert r.status_code == 200, r.text[:500]
    expected: dict[str, int] = collections.defaultdict(int)
    for s in fixture_spans():
        if "gen_ai.operation.name" in s["attrs"]:
            expected[s["attrs"]["gen_ai.operation.name"]] += int(s["attrs"].get("gen_ai.usage.output_tokens", 0))
    data = r.json()["data"]
    assert all(set(row["dimensions"]) == {dimension} for row in data), "the dimension as written"
    assert {row["dimensions"][dimension]: row["metric_value"] for row in data} == dict(expected)


@pytest.mark.operation(AGGREGATE_EVALUATIONS, SEARCH_EVALUATIONS)
@pytest.mark.parametrize("aggregation", ["count", "avg", "min", "max", "p50", "p99", "count_distinct"])
def test_evaluation_aggregate_by_name_matches_the_rows(http, aggregation):
    rows = rows_of(http, "evaluations")
    assert len(rows) == len(fixture_evaluations())
    groups: dict[str, list[float]] = collections.defaultdict(list)
    for row in rows:
        groups[row["evaluation_name"]].append(row["score_value"])
    r = aggregate(http, "evaluations", {"metric": {"measure": "score_value", "aggregation": aggregation},
                                        "dimensions": ["evaluation_name"],
                                        "order_by": [{"field": "evaluation_name", "direction": "asc"}]})
    assert r.status_code == 200, r.text[:500]
    data = r.json()["data"]
    assert [row["dimensions"]["evaluation_name"] for row in data] == sorted(groups)
    for row in data:
        assert row["metric_name"] == f"{aggregation}(score_value)"
        assert same_number(row["metric_value"], compute(groups[row["dimensions"]["evaluation_name"]], aggregation))


@pytest.mark.operation(AGGREGATE_EVALUATIONS)
def test_evaluation_aggregate_by_week(http):
    r = aggregate(http, "evaluations", {"metric": {"measure": "score_value", "aggregation": "count"},
                                        "time_dimension": {"granularity": "week"}})
    assert r.status_code == 200, r.text[:500]
    expected = collections.Counter(bucket_start(e["time"], "week") for e in fixture_evaluations())
    body = r.json()
    assert {ns_of(row["time_bucket"]): row["metric_value"] for row in body["data"]} == dict(expected)
    assert body["meta"]["granularity_seconds"] == 604800


@pytest.mark.parametrize("resource,body,status", [
    pytest.param("spans", {"metric": {"measure": "span_name", "aggregation": "avg"}}, 400, id="avg-of-text",
                 marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("spans", {"metric": {"measure": "start_time", "aggregation": "sum"}}, 400, id="sum-of-timestamp",
                 marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("spans", {"metric": {"measure": "request_stop_sequences", "aggregation": "count_distinct"}}, 400,
                 id="count-distinct-of-array", marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("spans", {"metric": {"measure": "no_such_field", "aggregation": "count"}}, 400, id="unknown-measure",
                 marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("spans", {"metric": {"measure": "duration_ns", "aggregation": "count"}, "dimensions": ["nope"]}, 400,
                 id="unknown-dimension", marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("spans", {"metric": {"measure": "duration_ns", "aggregation": "count"},
                           "order_by": [{"field": "nope", "direction": "asc"}]}, 400,
                 id="order-by-unknown", marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("spans", {"metric": {"measure": "duration_ns", "aggregation": "count"}, "dimensions": ["request_model"],
                           "order_by": [{"field": "span_name", "direction": "asc"}]}, 400,
                 id="order-by-non-dimension", marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("spans", {"metric": {"measure": "duration_ns", "aggregation": "count"}, "search_expression": "duration_ns >"},
                 400, id="bad-expression", marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("spans", {"metric": {"measure": "duration_ns", "aggregation": "median"}}, 422, id="aggregation-not-in-enum",
                 marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("spans", {"metric": {"measure": "duration_ns", "aggregation": "count"},
                           "time_dimension": {"granularity": "fortnight"}}, 422, id="granularity-not-in-enum",
                 marks=pytest.mark.operation(AGGREGATE_SPANS)),
    pytest.param("traces", {"metric": {"measure": "root_span_name", "aggregation": "p50"}}, 400, id="traces-p50-of-text",
                 marks=pytest.mark.operation(AGGREGATE_TRACES)),
    pytest.param("evaluations", {"metric": {"measure": "evaluation_name", "aggregation": "sum"}}, 400,
                 id="evaluations-sum-of-enum", marks=pytest.mark.operation(AGGREGATE_EVALUATIONS)),
    pytest.param("evaluations", {"metric": {"measure": "unknown", "aggregation": "avg"}}, 400,
                 id="evaluations-unknown-measure", marks=pytest.mark.operation(AGGREGATE_EVALUATIONS)),
])
def test_aggregate_rejections(http, resource, body, status):
    r = aggregate(http, resource, body)
    detail = assert_error(r, status)
    if status == 400 and "measure" in body["metric"] and body["metric"]["measure"] in ("span_name", "no_such_field", "unknown"):
        assert body["metric"]["measure"] in detail["message"], detail


@pytest.mark.operation(AGGREGATE_SPANS)
def test_aggregate_window_from_after_to_is_400(http):
    r = aggregate(http, "spans", {"metric": {"measure": "duration_ns", "aggregation": "count"}},
                  **{"from": "2026-11-20T00:00:00Z", "to": "2026-11-10T00:00:00Z"})
    assert_error(r, 400, contains="from")


@pytest.mark.operation(AGGREGATE_SPANS)
def test_aggregate_meta_without_a_window_is_the_rows_extent(http):
    r = aggregate(http, "spans", {"metric": {"measure": "duration_ns", "aggregation": "count"},
                                  "search_expression": "operation_name = 'chat'"})
    assert r.status_code == 200, r.text[:500]
    starts = [s["start"] for s in fixture_spans() if s["attrs"].get("gen_ai.operation.name") == "chat"]
    meta = r.json()["meta"]
    assert ns_of(meta["from_timestamp"]) <= min(starts) and close_to(meta["from_timestamp"], min(starts))
    assert ns_of(meta["to_timestamp"]) >= max(starts) - 1_000_000
    assert r.json()["data"][0]["metric_value"] == len(starts)
