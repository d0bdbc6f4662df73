"""Telemetry scenarios of the benchmark (imported by bench.py; stdlib only).

- OTLP ingest: N concurrent exporters (wrk connections, so no Python on the request path), each
  POSTing protobuf `ExportTraceServiceRequest` batches of 512 GenAI spans (8 spans per trace: an
  agent, chat calls with messages and token counts, tool calls) for a fixed time; every batch
  has fresh ids and later times, as from live exporters. The acknowledged spans are then counted
  back through `spans/aggregate` (count of span_id for the exporters' service).
- Telemetry at scale: `--synthetic-traces 100000` (1 000 000 spans): ready time and RSS, then
  one client timing `traces/search` and `spans/search` with two conditions (page 50), a
  `span_attributes['…'] = '…'` search, and `spans/aggregate` (avg duration by model, hourly).
"""
import json
import os
import struct
import subprocess
import tempfile

from processes import wrk_figures

SERVICE = "bench-exporter"


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def key_value(key, value):
    if isinstance(value, bool):
        any_value = varint(2 << 3) + varint(int(value))
    elif isinstance(value, int):
        any_value = varint(3 << 3) + varint(value)
    elif isinstance(value, float):
        any_value = varint(4 << 3 | 1) + struct.pack("<d", value)
    elif isinstance(value, list):
        any_value = field(5, b"".join(field(1, field(1, v.encode())) for v in value))
    else:
        any_value = field(1, value.encode())
    return field(1, key.encode()) + field(2, any_value)


def span_parts(index):
    """Span `index` of a trace after its ids, in three parts: name and kind; its offset from the
    trace's start and its duration (the times are written per batch); attributes and status."""
    turn = index // 2
    if index == 0:
        name, kind, duration = "invoke_agent travel-planner", 1, 3_000_000_000
        attributes = {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "travel-planner",
                      "gen_ai.conversation.id": "conv_bench"}
    elif index % 2 == 1:
        name, kind, duration = "chat mistral-large-latest", 3, 700_000_000 + index * 10_000_000
        attributes = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "mistral_ai",
                      "gen_ai.request.model": "mistral-large-latest", "gen_ai.response.model": "mistral-large-latest",
                      "gen_ai.usage.input_tokens": 812 + index, "gen_ai.usage.output_tokens": 96 + index,
                      "gen_ai.request.temperature": 0.3, "gen_ai.response.finish_reasons": ["tool_calls"],
                      "gen_ai.input.messages": json.dumps([{"role": "user", "parts": [{"type": "text", "content": f"Find a flight to Lisbon, turn {turn}"}]}]),
                      "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [{"type": "tool_call", "name": "search_flights"}], "finish_reason": "tool_calls"}])}
    else:
        name, kind, duration = "execute_tool search_flights", 1, 120_000_000
        attributes = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search_flights",
                      "gen_ai.tool.call.id": f"call_{index}", "gen_ai.tool.type": "function",
                      "gen_ai.tool.call.arguments": '{"to": "LIS"}', "gen_ai.tool.call.result": '{"flights": 3}'}
    head = field(5, name.encode()) + varint(6 << 3) + varint(kind)
    rest = b"".join(field(9, key_value(k, v)) for k, v in attributes.items())
    rest += field(15, varint(3 << 3) + varint(1))  # status: OK
    return head, index * 300_000_000, duration, rest


def span_times(begin, duration):
    return varint(7 << 3 | 1) + struct.pack("<Q", begin) + varint(8 << 3 | 1) + struct.pack("<Q", begin + duration)


class BatchMaker:
    """Protobuf export batches of 512 spans with fresh ids and times, built from pre-encoded
    parts. As from live exporters, time moves on: batch `number` holds traces that start after
    those of every earlier batch (one trace every 10 ms of the clock)."""

    def __init__(self, spans_per_batch=512, spans_per_trace=8):
        self.per_trace = spans_per_trace
        self.count = spans_per_batch
        self.start = 1_793_491_200_000_000_000  # 2026-11-01
        # One span per trace is the SDK's own shape: each call a trace of one chat span.
        self.parts = [span_parts(1 if spans_per_trace == 1 else i % spans_per_trace) for i in range(spans_per_batch)]
        resource = field(1, b"".join(field(1, key_value(k, v)) for k, v in
                                     {"service.name": SERVICE, "deployment.environment.name": "bench"}.items()))
        self.head = resource
        self.scope = field(1, field(1, b"mistralai_sdk_tracer") + field(2, b"3.7.0"))

    def batch(self, exporter, number):
        spans = []
        traces = self.count // self.per_trace
        for i in range(self.count):
            trace = i // self.per_trace
            trace_id = struct.pack(">QQ", (exporter + 1) << 56 | number, trace + 1)
            span_id = struct.pack(">Q", (exporter + 1) << 56 | number << 16 | (i + 1))
            parent = b"" if i % self.per_trace == 0 else field(4, struct.pack(">Q", (exporter + 1) << 56 | number << 16 | (i - i % self.per_trace + 1)))
            head, offset, duration, rest = self.parts[i]
            trace_start = self.start + (number * traces + trace) * 10_000_000
            spans.append(field(2, field(1, trace_id) + field(2, span_id) + parent + head + span_times(trace_start + offset, duration) + rest))
        scope_spans = field(2, self.scope + b"".join(spans))
        return field(1, self.head + scope_spans)


def ingest_wrk(url, token, exporters=4, seconds=10, batches=1200, spans_per_trace=8):
    """The same load from wrk (C; no Python on the request path): `exporters` connections, each
    request the next of `batches` distinct pre-built batches (fresh ids; enough that none is
    sent twice within the run). `spans_per_trace=1` is the SDK's own shape: every call its own
    trace of one span. Returns (spans/s accepted, p50 ms, p99 ms, non-2xx, requests)."""
    maker = BatchMaker(spans_per_trace=spans_per_trace)
    directory = tempfile.mkdtemp(prefix="bench-otlp-")
    with open(os.path.join(directory, "batches.bin"), "wb") as f:
        for n in range(batches):
            body = maker.batch(n % exporters, n)
            f.write(struct.pack("<I", len(body)) + body)
    script = os.path.join(directory, "otlp.lua")
    with open(script, "w") as f:
        f.write(f"""
local bodies, count, next_index = {{}}, 0, 0
local file = io.open("{directory}/batches.bin", "rb")
while true do
  local size = file:read(4)
  if not size then break end
  local n = string.byte(size, 1) + string.byte(size, 2) * 256 + string.byte(size, 3) * 65536 + string.byte(size, 4) * 16777216
  count = count + 1
  bodies[count] = file:read(n)
end
file:close()
local threads, thread_index = 0, 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  next_index = id
end
function request()
  next_index = next_index + 2
  local body = bodies[(next_index % count) + 1]
  return wrk.format("POST", "/telemetry/v1/traces", {{["Authorization"] = "Bearer {token}", ["Content-Type"] = "application/x-protobuf"}}, body)
end
""")
    out = subprocess.run(["wrk", "-t", "2", "-c", str(exporters), "-d", f"{seconds}s", "--latency", "--timeout", "30s", "-s", script, url],
                         capture_output=True, text=True, timeout=seconds + 120).stdout
    subprocess.run(["rm", "-rf", directory])
    figures = wrk_figures(out)
    requests, non2xx = figures["requests"], figures["non2xx"]
    assert requests <= batches, f"{requests} requests but only {batches} distinct batches: raise `batches`"
    return (requests - non2xx) * maker.count / seconds, figures["p50"], figures["p99"], non2xx, requests


PIPELINE_RULES = [
    ("Flight search judge", 'when tools contains "search_flights" -> good\notherwise -> poor'),
    ("Lisbon judge", 'when user icontains "lisbon" -> good\notherwise -> poor'),
    ("Turn judge", 'when user matches "turn [0-9]+" -> good\notherwise -> poor'),
]


def create_pipelines(http_call, url, count=3):
    """`count` judges, each behind its own enabled pipeline selecting the chat spans of the batches
    (4 of every 8 spans), so every chat span is judged `count` times."""
    for name, instructions in PIPELINE_RULES[:count]:
        judge = {"name": name, "description": "benchmark", "model_name": "mistral-large-latest", "tools": [], "instructions": instructions,
                 "output": {"type": "CLASSIFICATION", "options": [{"value": "good", "description": "g"}, {"value": "poor", "description": "p"}]}}
        status, _ = http_call("POST", url + "/v1/observability/judges", judge)
        assert status == 201, status
        slug = "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
        pipeline = {"name": f"{name} pipeline", "definitions": [{"slug": slug}],
                    "selectors": [{"source_kind": "span", "filter": "operation_name = 'chat' AND request_model = 'mistral-large-latest'"}]}
        status, _ = http_call("POST", url + "/v1/observability/pipelines", pipeline)
        assert status == 201, status


def count_evaluations(http_call, url, count=3):
    """The evaluations the pipelines wrote (not the seeded ones)."""
    names = []
    for name, _ in PIPELINE_RULES[:count]:
        slug = "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
        names.append(f"'{slug}-pipeline-{slug}'")
    body = {"metric": {"measure": "score_value", "aggregation": "count"}, "search_expression": f"evaluation_name IN ({', '.join(names)})"}
    reply = json.loads(http_call("POST", url + "/v1/observability/spans/evaluations/aggregate", body)[1])
    return reply["data"][0]["metric_value"] if reply["data"] else 0


def count_back(http_call, url):
    body = {"metric": {"measure": "span_id", "aggregation": "count"}, "search_expression": f"service_name = '{SERVICE}'"}
    reply = json.loads(http_call("POST", url + "/v1/observability/spans/aggregate", body)[1])
    return reply["data"][0]["metric_value"] if reply["data"] else 0


SEARCHES = [
    ("traces/search, 2 conditions, page 50", "/v1/observability/traces/search?page_size=50",
     {"search_expression": "service_name = 'support-bot' AND error_count > 0"}, 20),
    ("spans/search, 2 conditions, page 50", "/v1/observability/spans/search?page_size=50",
     {"search_expression": "request_model = 'mistral-small-latest' AND usage_output_tokens > 100"}, 20),
    ("spans/search, `span_attributes['gen_ai.tool.name'] = 'get_weather'`", "/v1/observability/spans/search?page_size=50",
     {"search_expression": "span_attributes['gen_ai.tool.name'] = 'get_weather'"}, 50),
    ("spans/aggregate, avg duration by model, hourly", "/v1/observability/spans/aggregate",
     {"metric": {"measure": "duration_ns", "aggregation": "avg"}, "dimensions": ["request_model"],
      "time_dimension": {"granularity": "hour"}}, 200),
]
