#!/usr/bin/env python3
"""Generate the seeded OpenTelemetry fixtures of the Mistral Observability emulator.

    python3 scripts/make-telemetry-fixtures.py           # regenerates Fixtures/telemetry/{traces,logs}.json
    python3 scripts/make-telemetry-fixtures.py --check   # fails if the files are missing or not current

Writes two OTLP/HTTP JSON request bodies:

- Fixtures/telemetry/traces.json: one ExportTraceServiceRequest with ~60 traces of GenAI spans
  shaped like the ones the Mistral Python SDK instrumentation (mistralai.extra.observability,
  SDK 3.7.0) emits (chat, text_completion, embeddings, OCR, create_agent, invoke_agent with
  execute_tool children from the conversations API), wrapped by application spans of five
  services (agent loops, POST /chat and POST /search handlers, retrieval, document ingestion).
- Fixtures/telemetry/logs.json: one ExportLogsServiceRequest with application logs linked to
  those spans and `gen_ai.evaluation.result` events (some carrying the event name in the
  `event.name` attribute instead of the eventName field).

All ids derive from sha256 of fixed names and all randomness comes from one seeded
random.Random, so two runs give byte-identical files. Every span lies between
2026-11-02T00:00:00Z and 2026-11-27T23:00:00Z. Standard library only. Edit this script,
not the generated files.
"""

import argparse
import calendar
import datetime as dt
import hashlib
import json
import random
import sys
from pathlib import Path

SEED = 20261102
ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "Fixtures" / "telemetry"
UTC = dt.timezone.utc
WINDOW_START = dt.datetime(2026, 11, 2, 0, 0, 0, tzinfo=UTC)
WINDOW_END = dt.datetime(2026, 11, 27, 23, 0, 0, tzinfo=UTC)
DAYS = 26  # Nov 2 .. Nov 27

MS = 1_000_000  # nanoseconds per millisecond
SEC = 1000 * MS
MIN = 60 * SEC

INTERNAL, SERVER, CLIENT = 1, 2, 3
UNSET, OK, ERROR = 0, 1, 2

SDK_VERSION = "3.7.0"
OTEL_PY_VERSION = "1.45.2"
PROVIDER = "mistral_ai"
API = "https://api.mistral.ai"

# Agent ids shared with Fixtures/events.jsonl.
AGENT_SUPPORT = "ag_0195c1a2b3c4d5e6f7a8b9c0d1e2f3a4"
AGENT_TRAVEL = "ag_0196a1b9c8d7e6f5a4b3c2d1e0f9a8b7"
AGENT_RESEARCH = "ag_0196c4d2e8f1a3b5c7d9e0f2a4b6c8d0"

rng = random.Random(SEED)


# --------------------------------------------------------------------------------------------
# Ids, times, OTLP values
# --------------------------------------------------------------------------------------------

def sha(name):
    return hashlib.sha256(name.encode()).hexdigest()


def trace_id(name):
    return sha("trace:" + name)[:32]


def span_id(name):
    return sha("span:" + name)[:16]


def response_id(name):
    return sha("response:" + name)[:32]


def conv_id(name):
    return "conv_" + sha("conversation:" + name)[:32]


ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def tool_call_id(name):
    # Mistral tool call ids are 9 alphanumeric characters.
    digest = hashlib.sha256(("toolcall:" + name).encode()).digest()
    return "".join(ALNUM[b % len(ALNUM)] for b in digest[:9])


def to_ns(t):
    return calendar.timegm(t.utctimetuple()) * SEC


def any_value(v):
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, str):
        return {"stringValue": v}
    if isinstance(v, (list, tuple)):
        return {"arrayValue": {"values": [any_value(x) for x in v]}}
    if isinstance(v, dict):
        return {"kvlistValue": {"values": attributes(v)}}
    raise TypeError(repr(v))


def attributes(d):
    return [{"key": k, "value": any_value(v)} for k, v in d.items() if v is not None]


def jdump(obj):
    # The SDK serialises message collections with a plain json.dumps.
    return json.dumps(obj)


def est_tokens(text):
    return max(1, len(text) // 4)


# --------------------------------------------------------------------------------------------
# Resources and scopes
# --------------------------------------------------------------------------------------------

def resource(service, version=None, env=None, instance=None, extra=None):
    d = {"service.name": service}
    if version:
        d["service.version"] = version
    if env:
        d["deployment.environment.name"] = env
    if instance:
        d["service.instance.id"] = instance
    d.update(extra or {})
    d["telemetry.sdk.language"] = "python"
    d["telemetry.sdk.name"] = "opentelemetry"
    d["telemetry.sdk.version"] = OTEL_PY_VERSION
    return d


RESOURCES = {
    # What configure_telemetry()'s dedicated provider creates: service.name only.
    "sdk": resource("mistralai_sdk"),
    "sdk-prod": resource("mistralai_sdk", env="prod", instance="batch-runner-7f9c"),
    "support-prod": resource("support-bot", "2.14.1", "prod", "support-bot-6d8f9-x2kqp"),
    "support-staging": resource("support-bot", "2.15.0-rc.2", "staging", "support-bot-7c4b1-m9wzd"),
    "travel-prod": resource("travel-agent", "1.8.0", "prod", "travel-agent-0"),
    "travel-dev": resource("travel-agent", "1.9.0-dev", "dev", "laptop-amelie"),
    "rag-prod": resource("rag-search", "0.22.3", "prod", "rag-search-5b7d8-q4lrt",
                         {"cloud.region": "europe-west4"}),
    "ingest-prod": resource("doc-ingest", "3.2.0", "prod", "doc-ingest-worker-2"),
    "ingest-staging": resource("doc-ingest", "3.3.0-beta.1", "staging", "doc-ingest-worker-0"),
}

SCOPE_SDK = ("mistralai_sdk_tracer", SDK_VERSION)          # MISTRAL_SDK_OTEL_TRACER_NAME
SCOPE_FASTAPI = ("opentelemetry.instrumentation.fastapi", "0.59b0")
SCOPE_SUPPORT = ("support_bot.chat", "2.14.1")
SCOPE_TRAVEL = ("travel_agent.runner", "1.8.0")
SCOPE_RAG = ("rag_search.pipeline", "0.22.3")
SCOPE_INGEST = ("doc_ingest.pipeline", "3.2.0")
SCOPE_EVALS = ("genai_evals", "0.9.2")


# --------------------------------------------------------------------------------------------
# Message formatting (mirrors mistralai/extra/observability/formatting.py)
# --------------------------------------------------------------------------------------------

def _content_parts(content):
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "content": content}]
    parts = []
    for chunk in content:
        if chunk.get("type") == "text":
            parts.append({"type": "text", "content": chunk["text"]})
        elif chunk.get("type") == "image_url":
            parts.append({"type": "uri", "modality": "image", "uri": chunk["image_url"]})
        else:
            parts.append({"type": chunk.get("type", "")})
    return parts


def _tool_call_parts(tool_calls):
    parts = []
    for tc in tool_calls or []:
        parts.append({"type": "tool_call", "name": tc["function"]["name"], "id": tc["id"],
                      "arguments": tc["function"]["arguments"]})
    return parts


def fmt_input(msg):
    if msg.get("type") == "function.result":
        return {"role": "tool", "parts": [{"type": "tool_call_response", "response": msg["result"],
                                           "id": msg["tool_call_id"]}]}
    role = msg.get("role", "unknown")
    if role == "tool":
        return {"role": "tool", "parts": [{"type": "tool_call_response", "response": msg["content"],
                                           "id": msg["tool_call_id"]}]}
    return {"role": role, "parts": _content_parts(msg.get("content")) + _tool_call_parts(msg.get("tool_calls"))}


def fmt_output(choice):
    message = choice["message"]
    return {"role": message.get("role", "assistant"),
            "parts": _content_parts(message.get("content")) + _tool_call_parts(message.get("tool_calls")),
            "finish_reason": choice.get("finish_reason", "")}


def fmt_tool(tool):
    f = tool["function"]
    return {"type": tool.get("type", "function"), "name": f["name"], "description": f["description"],
            "parameters": f["parameters"]}


def system_instructions(text):
    return jdump([{"type": "text", "content": text}])


def fn_tool(name, description, properties, required):
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties, "required": required}}}


def s(desc):
    return {"type": "string", "description": desc}


def i(desc):
    return {"type": "integer", "description": desc}


TOOLS = {
    "search_flights": fn_tool("search_flights", "Search direct and one-stop flights.",
                              {"origin": s("IATA code"), "destination": s("IATA code"), "date": s("YYYY-MM-DD")},
                              ["origin", "destination", "date"]),
    "get_weather": fn_tool("get_weather", "Daily weather forecast for a city.",
                           {"city": s("City name"), "days": i("Number of days, 1-10")}, ["city"]),
    "search_hotels": fn_tool("search_hotels", "Find hotels with availability.",
                             {"city": s("City name"), "check_in": s("YYYY-MM-DD"), "nights": i("Nights"),
                              "max_price_eur": i("Maximum nightly price")}, ["city", "check_in", "nights"]),
    "book_hotel": fn_tool("book_hotel", "Book a hotel offer returned by search_hotels.",
                          {"offer_id": s("Offer id"), "guest_name": s("Lead guest")}, ["offer_id"]),
    "convert_currency": fn_tool("convert_currency", "Convert an amount between currencies at today's rate.",
                                {"amount": {"type": "number"}, "from": s("ISO 4217"), "to": s("ISO 4217")},
                                ["amount", "from", "to"]),
    "get_booking": fn_tool("get_booking", "Fetch a Wayfarer booking.", {"booking_id": s("Booking reference")},
                           ["booking_id"]),
    "cancel_booking": fn_tool("cancel_booking", "Cancel a Wayfarer booking.",
                              {"booking_id": s("Booking reference"), "reason": s("Free text")}, ["booking_id"]),
    "lookup_order": fn_tool("lookup_order", "Look up a Brightdesk hardware order and its shipment.",
                            {"order_id": s("Order number, e.g. A-10293")}, ["order_id"]),
    "get_invoice": fn_tool("get_invoice", "Return the download link of an invoice.",
                           {"account_id": s("Account id"), "month": s("YYYY-MM")}, ["account_id", "month"]),
    "update_billing_profile": fn_tool("update_billing_profile", "Update VAT number or billing address.",
                                      {"account_id": s("Account id"), "vat_number": s("EU VAT number")},
                                      ["account_id"]),
    "create_ticket": fn_tool("create_ticket", "Escalate to a human agent.",
                             {"subject": s("Ticket subject"), "priority": s("low|normal|high")}, ["subject"]),
}


# --------------------------------------------------------------------------------------------
# Trace builder
# --------------------------------------------------------------------------------------------

TRACES = []     # Trace objects
LOGS = []       # (resource key, scope, record dict)
CHAT_SPANS = []  # candidates for evaluations: (trace, span, meta)


class Trace:
    def __init__(self, key, res, start_ns):
        self.key = key
        self.id = trace_id(key)
        self.res = res
        self.t0 = start_ns
        self.spans = []
        self.trace_state = ""
        self.flags = None

    def span(self, name, kind, scope, start, end, parent=None, attrs=None, status=UNSET, message="",
             events=None, parent_id=None, res=None):
        assert end >= start, (self.key, name)
        sid = span_id(f"{self.key}/{len(self.spans)}/{name}")
        sp = {"traceId": self.id, "spanId": sid}
        if self.trace_state:
            sp["traceState"] = self.trace_state
        pid = parent["spanId"] if parent is not None else (parent_id or "")
        sp["parentSpanId"] = pid
        if self.flags is not None:
            sp["flags"] = self.flags
        sp["name"] = name
        sp["kind"] = kind
        sp["startTimeUnixNano"] = str(start)
        sp["endTimeUnixNano"] = str(end)
        sp["attributes"] = attributes(attrs or {})
        if events:
            sp["events"] = [{"timeUnixNano": str(t), "name": n, "attributes": attributes(a)} for t, n, a in events]
        st = {"code": status}
        if message:
            st["message"] = message
        sp["status"] = st
        self.spans.append((res or self.res, scope, sp))
        return sp

    def log(self, sp, t, severity, body, attrs=None, scope=None, event_name=None, res=None):
        sev_text = {5: "DEBUG", 9: "INFO", 13: "WARNING", 17: "ERROR"}[severity]
        rec = {"timeUnixNano": str(t), "observedTimeUnixNano": str(t + rng.randrange(200_000, 4 * MS)),
               "severityNumber": severity, "severityText": sev_text}
        if body is not None:
            rec["body"] = any_value(body)
        rec["attributes"] = attributes(attrs or {})
        rec["traceId"] = self.id
        rec["spanId"] = sp["spanId"]
        if event_name:
            rec["eventName"] = event_name
        LOGS.append((res or self.res, scope, rec))

    @property
    def start(self):
        return min(int(sp["startTimeUnixNano"]) for _, _, sp in self.spans)


def jitter():
    return rng.randrange(0, MS)


def http_attrs(path):
    return {"http.request.method": "POST", "http.url": API + path, "server.address": "api.mistral.ai",
            "server.port": 443}


SPEED = {  # ms per output token
    "mistral-large-latest": 21, "mistral-small-latest": 9, "ministral-8b-latest": 6,
    "codestral-latest": 11,
}


def llm_duration(model, out_tokens, in_tokens=0):
    ms = rng.randint(140, 520) + out_tokens * SPEED.get(model, 12) + in_tokens // 40
    return min(max(ms, 50), 7900) * MS + jitter()


def usage_for(messages, reply_text, tool_calls=None, extra_in=0):
    text = "".join(str(m.get("content") or m.get("result") or "") for m in messages)
    inp = est_tokens(text) + 8 * len(messages) + extra_in + rng.randint(0, 40)
    out = est_tokens(reply_text or "") + 25 * len(tool_calls or []) + rng.randint(2, 20)
    return inp, out


def sdk_chat(tr, parent, start, model, messages, *, reply=None, tool_calls=None, tools=None,
             finish=None, temperature=None, max_tokens=None, top_p=None, seed=None, stop=None, n=None,
             presence=None, frequency=None, conv=None, cached=None, error=None, extra=None,
             usage=None, duration=None, prompt_name=None, output_type=None, path="/v1/chat/completions",
             op="chat", res=None, candidates=True, meta=None):
    """A span as TracingHook creates it for chat.complete / fim.complete; returns (span, end)."""
    a = {"agent.trace.public": ""}
    if conv:
        a["gen_ai.conversation.id"] = conv      # copied from baggage by the SDK
    a.update(http_attrs(path))
    a["gen_ai.operation.name"] = op
    a["gen_ai.provider.name"] = PROVIDER
    a["gen_ai.request.choice.count"] = n
    a["gen_ai.request.frequency_penalty"] = frequency
    a["gen_ai.request.max_tokens"] = max_tokens
    a["gen_ai.request.model"] = model
    a["gen_ai.request.presence_penalty"] = presence
    a["gen_ai.request.seed"] = seed
    a["gen_ai.request.stop_sequences"] = stop
    a["gen_ai.request.temperature"] = temperature
    a["gen_ai.request.top_p"] = top_p
    if messages:
        a["gen_ai.input.messages"] = jdump([fmt_input(m) for m in messages])
    if tools:
        a["gen_ai.tool.definitions"] = jdump([fmt_tool(TOOLS[t]) for t in tools])
    if prompt_name:
        a["gen_ai.prompt.name"] = prompt_name
    events = []
    status, message = OK, ""
    if error:
        code, etype, emsg, mcode, dur = error
        end = start + dur * MS + jitter()
        if code:
            a["http.response.status_code"] = code
        a["error.type"] = etype
        if mcode:
            a["mistral_ai.error.code"] = mcode
        status, message = ERROR, emsg
        exc_type = {"httpx.ReadTimeout": "httpx.ReadTimeout",
                    "httpx.RemoteProtocolError": "httpx.RemoteProtocolError"}.get(etype, "mistralai.client.errors.SDKError")
        events.append((end - 200_000, "exception", {
            "exception.type": exc_type, "exception.message": emsg,
            "exception.stacktrace": f"Traceback (most recent call last):\n  File \"mistralai/client/basesdk.py\", line 312, in do_request\n{exc_type}: {emsg}",
            "exception.escaped": "False"}))
        if code:
            events.append((end - 100_000, "exception", {"exception.type": etype, "exception.message": emsg}))
        a.update(extra or {})
        sp = tr.span(f"{op} {model}", CLIENT, SCOPE_SDK, start, end, parent, a, status, message, events, res=res)
        return sp, end
    if n and n > 1:
        choices = [{"message": {"role": "assistant", "content": r}, "finish_reason": "stop"} for r in reply]
        reply_text = " ".join(reply)
    else:
        msg = {"role": "assistant", "content": reply if reply is not None else ""}
        if tool_calls:
            msg["tool_calls"] = tool_calls
        choices = [{"message": msg, "finish_reason": finish or ("tool_calls" if tool_calls else "stop")}]
        reply_text = reply or ""
    if usage is None:
        usage = usage_for(messages or [], reply_text, tool_calls, 60 * len(tools or []))
    inp, out = usage
    end = start + (duration * MS + jitter() if duration else llm_duration(model, out, inp))
    rid = response_id(f"{tr.key}/{len(tr.spans)}")
    a["http.response.status_code"] = 200
    a["gen_ai.response.id"] = rid
    a["gen_ai.response.model"] = model
    a["gen_ai.response.finish_reasons"] = [c["finish_reason"] for c in choices]
    a["gen_ai.output.messages"] = jdump([fmt_output(c) for c in choices])
    if output_type:
        a["gen_ai.output.type"] = output_type
    a["gen_ai.usage.input_tokens"] = inp
    a["gen_ai.usage.output_tokens"] = out
    a["gen_ai.usage.cache_read.input_tokens"] = cached
    a.update(extra or {})
    sp = tr.span(f"{op} {model}", CLIENT, SCOPE_SDK, start, end, parent, a, status, message, res=res)
    if candidates and op == "chat" and not tool_calls:
        CHAT_SPANS.append((tr, sp, dict(response_id=rid, conversation=conv, **(meta or {}))))
    return sp, end


def tool_span(tr, parent, start, name, call_id, args, result, *, scope, dur_ms=None, error=None,
              tool_type="function", extra=None):
    dur = (dur_ms if dur_ms is not None else rng.randint(60, 900)) * MS + jitter()
    end = start + dur
    a = {"gen_ai.operation.name": "execute_tool", "gen_ai.provider.name": PROVIDER,
         "gen_ai.tool.name": name, "gen_ai.tool.type": tool_type, "gen_ai.tool.call.id": call_id,
         "gen_ai.tool.description": TOOLS[name]["function"]["description"] if name in TOOLS else None,
         "gen_ai.tool.call.arguments": args if isinstance(args, str) else jdump(args)}
    status, message, events = UNSET, "", None
    if error:
        etype, emsg = error
        a["error.type"] = etype
        status, message = ERROR, emsg
        events = [(end - 50_000, "exception", {"exception.type": "TimeoutError" if etype == "timeout" else etype,
                                               "exception.message": emsg, "exception.escaped": "True"})]
    else:
        a["gen_ai.tool.call.result"] = result if isinstance(result, str) else jdump(result)
    a.update(extra or {})
    return tr.span(f"execute_tool {name}", INTERNAL, scope, start, end, parent, a, status, message, events), end


def call(name, tag, args):
    return {"id": tool_call_id(tag), "type": "function",
            "function": {"name": name, "arguments": json.dumps(args)}}


def sdk_embeddings(tr, parent, start, inputs, *, fmt="float", error=None, extra=None, conv=None, res=None):
    a = {"agent.trace.public": ""}
    if conv:
        a["gen_ai.conversation.id"] = conv
    a.update(http_attrs("/v1/embeddings"))
    a["gen_ai.operation.name"] = "embeddings"
    a["gen_ai.provider.name"] = PROVIDER
    a["gen_ai.request.encoding_formats"] = [fmt]
    a["gen_ai.request.model"] = "mistral-embed"
    inp = sum(est_tokens(x) for x in inputs) + rng.randint(0, 12)
    if error:
        etype, emsg, dur = error
        end = start + dur * MS + jitter()
        a["error.type"] = etype
        a.update(extra or {})
        ev = [(end - 100_000, "exception", {"exception.type": etype, "exception.message": emsg,
                                            "exception.escaped": "False"})]
        return tr.span("embeddings mistral-embed", CLIENT, SCOPE_SDK, start, end, parent, a, ERROR, emsg, ev,
                       res=res), end
    end = start + (rng.randint(45, 140) + 3 * len(inputs) + inp // 60) * MS + jitter()
    a["http.response.status_code"] = 200
    a["gen_ai.response.id"] = response_id(f"{tr.key}/{len(tr.spans)}")
    a["gen_ai.response.model"] = "mistral-embed"
    a["gen_ai.usage.input_tokens"] = inp       # completion_tokens is 0, which the SDK drops
    a.update(extra or {})
    return tr.span("embeddings mistral-embed", CLIENT, SCOPE_SDK, start, end, parent, a, OK, res=res), end


# --------------------------------------------------------------------------------------------
# Start times
# --------------------------------------------------------------------------------------------

HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 7, 8, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1]
_day_cycle = []


def pick_day():
    global _day_cycle
    if not _day_cycle:
        _day_cycle = list(range(DAYS))
        rng.shuffle(_day_cycle)
    return _day_cycle.pop()


def start_time(day=None, hour=None):
    d = pick_day() if day is None else day
    if hour is None:
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        if d == DAYS - 1:
            hour = min(hour, 21)
    t = WINDOW_START + dt.timedelta(days=d, hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
    return to_ns(t) + rng.randrange(0, 1000) * MS


# --------------------------------------------------------------------------------------------
# 1. Plain SDK calls (service mistralai_sdk)
# --------------------------------------------------------------------------------------------

SIMPLE_CHATS = [
    ("mistral-small-latest", None, "Summarise in one sentence: the quarterly report shows revenue up 12% and churn down to 3.1%.",
     "Revenue grew 12% this quarter while churn fell to 3.1%.", dict(temperature=0.3)),
    ("mistral-large-latest", "You are a careful legal assistant. Answer in plain English.",
     "What is the difference between a warranty and an indemnity in a SaaS contract?",
     "A warranty is a promise that something is true (for example, that the service will perform as described); if it is breached you must prove your loss. An indemnity is a promise to cover specific losses, such as third-party IP claims, pound for pound, without having to prove the loss was foreseeable.",
     dict(temperature=0.2, max_tokens=800)),
    ("ministral-8b-latest", None, "Classify the sentiment of: 'The delivery was late again, third time this month.' Answer with one word.",
     "negative", dict(temperature=0.05, max_tokens=5, stop=["\n"])),
    ("mistral-small-latest", "Reply in French.", "Write a two-line welcome message for new Panier subscribers.",
     "Bienvenue chez Panier ! Chaque semaine, des recettes de saison livrées à votre porte.\nBon appétit et à très vite en cuisine !",
     dict(temperature=0.7, top_p=0.95)),
    ("codestral-latest", None, "Write a Python one-liner that flattens a list of lists.",
     "flat = [x for sub in nested for x in sub]", dict(temperature=0.1)),
    ("mistral-large-latest", None, "Give me three names for a budgeting app aimed at students.",
     ["1. Pennywise Campus\n2. Ramen Budget\n3. StudyStash", "1. Centsible\n2. Broke-No-More\n3. Semester Saver"],
     dict(n=2, temperature=1.0, seed=42)),
    ("mistral-small-latest", "Extract the fields as JSON with keys vendor, total, currency.",
     "Receipt: Café Lumière, 2 croissants, 1 flat white. Total 9,40 EUR.",
     '{"vendor": "Caf\u00e9 Lumi\u00e8re", "total": 9.40, "currency": "EUR"}', dict(temperature=0.1, output_type="json")),
    ("ministral-8b-latest", None, "Translate to Spanish: 'Your order has shipped and will arrive on Thursday.'",
     "Tu pedido ha sido enviado y llegará el jueves.", dict(presence=0.1, frequency=0.2)),
    ("mistral-large-latest", "You are Ledgerly's finance assistant.",
     "Explain accrual vs cash accounting for a freelancer in under 100 words.",
     "Cash accounting records income when the money lands and expenses when you pay them, which is simple and matches your bank balance. Accrual accounting records income when you invoice and expenses when you incur them, even if no money has moved yet. Most freelancers can use cash accounting; accrual gives a truer picture once you have large unpaid invoices or prepaid costs.",
     dict(max_tokens=200)),
    ("mistral-small-latest", None, "What is the capital of Australia?", "Canberra.", dict()),
    ("codestral-latest", "You are a senior Swift reviewer.",
     "Is `DispatchQueue.main.sync` safe to call from the main thread?",
     "No. Calling DispatchQueue.main.sync from the main thread deadlocks: the block waits for the main queue, which is busy waiting for the block. Check Thread.isMainThread first or use async.",
     dict(temperature=0.2, top_p=0.9)),
]


def simple_chats():
    for idx, (model, system, user, reply, opts) in enumerate(SIMPLE_CHATS):
        key = f"sdk-chat-{idx:02d}"
        res = "sdk-prod" if idx % 3 == 1 else "sdk"
        tr = Trace(key, res, start_time())
        msgs = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": user}]
        extra = {}
        if idx == 3:
            extra = {"app.user.tier": "pro", "app.feature_flag": True, "app.retry_count": 0}
        if idx == 8:
            extra = {"app.request.context": {"region": "eu-west", "ab_bucket": "B", "beta": True, "max_cost_eur": 0.5},
                     "app.sampling.ratio": 0.25}
        dur = 7600 if idx == 1 else None      # one very slow call
        sdk_chat(tr, None, tr.t0, model, msgs, reply=reply, extra=extra, duration=dur, **opts)
        TRACES.append(tr)


def fim_calls():
    samples = [
        ("def fibonacci(n: int) -> int:\n    ", "\n\nprint(fibonacci(10))",
         "if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)"),
        ("function debounce(fn, ms) {\n  ", "\n}", "let t;\n  return (...args) => {\n    clearTimeout(t);\n    t = setTimeout(() => fn(...args), ms);\n  };"),
        ("SELECT customer_id, ", "\nFROM orders\nGROUP BY customer_id;", "COUNT(*) AS order_count, SUM(total) AS revenue"),
    ]
    for idx, (prompt, suffix, completion) in enumerate(samples):
        tr = Trace(f"sdk-fim-{idx}", "sdk", start_time())
        usage = (est_tokens(prompt + suffix) + 5, est_tokens(completion) + 2)
        sdk_chat(tr, None, tr.t0, "codestral-latest", None, reply=completion, usage=usage, op="text_completion",
                 path="/v1/fim/completions", max_tokens=256 if idx != 1 else None,
                 temperature=0.2 if idx == 2 else None, stop=["\n\n"] if idx == 0 else None)
        TRACES.append(tr)


def create_agents():
    specs = [
        (AGENT_TRAVEL, "Trip planner", "Plans trips and books flights and hotels for Wayfarer customers.",
         "You are Wayfarer's trip planner. Always confirm dates and budget before booking.",
         "mistral-large-latest", ["search_flights", "get_weather", "search_hotels", "book_hotel"], 4),
        (AGENT_RESEARCH, "Research assistant", "Answers research questions with web search and code.",
         "You are a research assistant. Cite your sources.", "mistral-large-latest", [], 2),
    ]
    for idx, (aid, name, desc, instructions, model, tools, version) in enumerate(specs):
        tr = Trace(f"sdk-create-agent-{idx}", "sdk", start_time(day=idx, hour=9))
        a = {"agent.trace.public": ""}
        a.update(http_attrs("/v1/agents"))
        a["gen_ai.operation.name"] = "create_agent"
        a["gen_ai.provider.name"] = PROVIDER
        a["gen_ai.request.model"] = model
        if tools:
            a["gen_ai.tool.definitions"] = jdump([fmt_tool(TOOLS[t]) for t in tools])
        a["http.response.status_code"] = 200
        a["gen_ai.response.model"] = model
        a["gen_ai.agent.description"] = desc
        a["gen_ai.agent.id"] = aid
        a["gen_ai.agent.name"] = name
        a["gen_ai.agent.version"] = str(version)
        a["gen_ai.system_instructions"] = system_instructions(instructions)
        end = tr.t0 + rng.randint(180, 420) * MS + jitter()
        tr.span(f"create_agent {name}", CLIENT, SCOPE_SDK, tr.t0, end, None, a, OK)
        TRACES.append(tr)


def sdk_failures():
    # Rate limited, no retry: a single failed span.
    tr = Trace("sdk-chat-429", "sdk-prod", start_time())
    sdk_chat(tr, None, tr.t0, "mistral-large-latest",
             [{"role": "user", "content": "Draft a press release for the Ledgerly 4.0 launch."}],
             temperature=0.7, error=(429, "429", "Requests rate limit exceeded", "1300", 180))
    tr.log(tr.spans[0][2], tr.t0 + 190 * MS, 17, "chat completion failed: Requests rate limit exceeded (429)",
           {"code.function.name": "publish_release", "app.retry_count": 0}, scope=("ledgerly.batch", ""))
    TRACES.append(tr)
    # Stream cut by the peer.
    tr = Trace("sdk-stream-broken", "sdk", start_time())
    sdk_chat(tr, None, tr.t0, "mistral-small-latest",
             [{"role": "system", "content": "You write product descriptions."},
              {"role": "user", "content": "Describe the Atelier Nord linen duvet cover in 80 words."}],
             temperature=0.8, error=(None, "httpx.RemoteProtocolError",
                                     "peer closed connection without sending complete message body (incomplete chunked read)",
                                     None, 3120))
    TRACES.append(tr)


# --------------------------------------------------------------------------------------------
# 2. Conversations API: invoke_agent with tool.execution / message.output children
# --------------------------------------------------------------------------------------------

def conversation_api():
    conv = conv_id("research-eu-ai-act")
    turns = [
        ("Research assistant", "What obligations does the EU AI Act put on providers of general-purpose AI models?",
         [("tool", "web_search", {"query": "EU AI Act general-purpose AI model obligations"},
           {"results": [{"title": "AI Act, Chapter V", "url": "https://eur-lex.europa.eu/eli/reg/2024/1689"}]}),
          ("message", "Providers of general-purpose AI models must keep technical documentation, give downstream providers information about capabilities and limits, put a copyright policy in place and publish a summary of the training content. Models with systemic risk additionally need evaluations, adversarial testing, incident reporting and cybersecurity protection.")]),
        (None, "When do those obligations start applying?",
         [("message", "The general-purpose AI obligations apply from 2 August 2025; models placed on the market before that date have until 2 August 2027 to comply.")]),
        (None, "Plot how many months each deadline is from today.",
         [("tool", "code_interpreter", {"code": "from datetime import date\nfor d in [date(2025,8,2), date(2027,8,2)]:\n    print(d, (d.year-2026)*12 + d.month-11)"},
           {"stdout": "2025-08-02 -15\n2027-08-02 9\n"}),
          ("message", "The 2 August 2025 deadline passed 15 months ago; the 2 August 2027 deadline for pre-existing models is 9 months away.")]),
    ]
    t = start_time(day=11, hour=14)
    for n, (name, user, outputs) in enumerate(turns):
        tr = Trace(f"conv-api-{n}", "sdk", t)
        path = "/v1/conversations" if n == 0 else f"/v1/conversations/{conv}"
        a = {"agent.trace.public": ""}
        a.update(http_attrs(path))
        a["gen_ai.operation.name"] = "invoke_agent"
        a["gen_ai.provider.name"] = PROVIDER
        a["gen_ai.input.messages"] = jdump([fmt_input({"role": "user", "content": user})])
        cur = t + rng.randint(250, 600) * MS
        children = []
        for kind, *rest in outputs:
            if kind == "tool":
                tool, args, info = rest
                d = rng.randint(700, 2600) * MS
                children.append(("tool", cur, cur + d, tool, args, info))
            else:
                text = rest[0]
                d = llm_duration("mistral-large-latest", est_tokens(text))
                children.append(("message", cur, cur + d, text))
            cur += d + rng.randint(5, 40) * MS
        end = cur + rng.randint(20, 90) * MS
        a["http.response.status_code"] = 200
        in_tok = 420 + 180 * n + rng.randint(0, 60)
        out_tok = sum(est_tokens(c[3]) for c in children if c[0] == "message")
        a["gen_ai.usage.input_tokens"] = in_tok
        a["gen_ai.usage.output_tokens"] = out_tok
        a["gen_ai.conversation.id"] = conv
        root = tr.span("invoke_agent Research assistant" if name else "invoke_agent", CLIENT, SCOPE_SDK, t, end,
                       None, a, OK)
        for c in children:
            if c[0] == "tool":
                _, cs, ce, tool, args, info = c
                ta = {"agent.trace.public": "", "gen_ai.operation.name": "execute_tool", "gen_ai.provider.name": PROVIDER,
                      "gen_ai.tool.call.id": "tool_" + sha(f"{tr.key}/{tool}")[:24],
                      "gen_ai.tool.call.arguments": jdump(args), "gen_ai.tool.call.result": jdump(info),
                      "gen_ai.tool.name": tool, "gen_ai.tool.type": "extension"}
                tr.span(f"execute_tool {tool}", INTERNAL, SCOPE_SDK, cs, ce, root, ta, UNSET)
            else:
                _, cs, ce, text = c
                rid = "msg_" + sha(f"{tr.key}/msg")[:32]
                ma = {"agent.trace.public": "", "gen_ai.operation.name": "chat", "gen_ai.provider.name": PROVIDER,
                      "gen_ai.response.id": rid, "gen_ai.agent.id": AGENT_RESEARCH,
                      "gen_ai.response.model": "mistral-large-latest",
                      "gen_ai.output.messages": jdump([fmt_output({"message": {"role": "assistant", "content": text},
                                                                   "finish_reason": ""})])}
                sp = tr.span("chat mistral-large-latest", INTERNAL, SCOPE_SDK, cs, ce, root, ma, UNSET)
                CHAT_SPANS.append((tr, sp, dict(response_id=rid, conversation=conv)))
        TRACES.append(tr)
        t = end + rng.randint(3, 12) * MIN


# --------------------------------------------------------------------------------------------
# 3. travel-agent: application agent loop around chat.complete
# --------------------------------------------------------------------------------------------

TRAVEL_SYSTEM = ("You are Wayfarer's trip planner. Use the tools to look up live data, never invent prices, "
                 "and confirm before booking anything.")
TRAVEL_TOOLS = ["search_flights", "get_weather", "search_hotels", "book_hotel", "convert_currency",
                "get_booking", "cancel_booking"]

# Each scenario: user message, list of turns. A turn is either a list of tool calls
# [(tool, args, result, options)] or a final answer string. Options: error, retry.
TRAVEL_SCENARIOS = [
    ("lisbon", "Find me a flight from Paris to Lisbon on December 12 and tell me what the weather will be like.",
     [[("search_flights", {"origin": "CDG", "destination": "LIS", "date": "2026-12-12"},
        {"flights": [{"id": "TP433", "dep": "07:05", "arr": "08:45", "price_eur": 89},
                     {"id": "AF1024", "dep": "12:40", "arr": "14:25", "price_eur": 134}]}, {}),
       ("get_weather", {"city": "Lisbon", "days": 3},
        {"forecast": [{"date": "2026-12-12", "high_c": 16, "low_c": 10, "summary": "sunny spells"}]}, {})],
      "The cheapest option is TAP TP433 leaving Paris CDG at 07:05 and landing in Lisbon at 08:45 for 89 EUR; Air France AF1024 at 12:40 costs 134 EUR. Expect sunny spells in Lisbon on December 12, around 16°C during the day and 10°C at night."],
     {}),
    ("porto-hotel", "Book me a hotel in Porto for 2 nights from December 13, under 150 EUR a night. Name: Amélie Durand.",
     [[("search_hotels", {"city": "Porto", "check_in": "2026-12-13", "nights": 2, "max_price_eur": 150},
        {"offers": [{"offer_id": "HX-55120", "hotel": "Casa da Ribeira", "price_eur": 118},
                    {"offer_id": "HX-55187", "hotel": "Torel Palace", "price_eur": 149}]}, {})],
      [("book_hotel", {"offer_id": "HX-55120", "guest_name": "Amélie Durand"},
        {"status": "confirmed", "confirmation": "WF-90412", "total_eur": 236}, {})],
      "Done! Casa da Ribeira is booked for December 13-15 under the name Amélie Durand, confirmation WF-90412, 236 EUR in total."],
     {"extra_root": {"app.user.tier": "gold"}}),
    ("yen", "How much is 500 EUR in yen? I'm planning Tokyo in March.",
     [[("convert_currency", {"amount": 500, "from": "EUR", "to": "JPY"}, {"amount": 81950.0, "rate": 163.9}, {})],
      "500 EUR is about 81,950 JPY at today's rate (1 EUR = 163.9 JPY). Rates move, so check again closer to March."],
     {"model": "mistral-small-latest"}),
    ("reykjavik", "What's the weather in Reykjavik next week? Should I pack crampons?",
     [[("get_weather", {"city": "Reykjavik", "days": 7}, None, {"error": ("timeout", "get_weather timed out after 5.0s")})],
      [("get_weather", {"city": "Reykjavik", "days": 7},
        {"forecast": [{"date": "2026-11-23", "high_c": 1, "low_c": -4, "summary": "icy, light snow"}]}, {"retry": 1})],
      "Next week looks icy in Reykjavik: highs around 1°C, lows near -4°C and light snow. Pack microspikes or crampons if you plan to hike; in town, shoes with good grip are enough."],
     {}),
    ("kyoto", "Plan a relaxed 3-day itinerary in Kyoto for a first-time visitor.",
     ["Day 1: Fushimi Inari early morning, then Tofuku-ji and an evening walk in Gion.\nDay 2: Arashiyama bamboo grove, Tenryu-ji and the Sagano scenic railway.\nDay 3: Kinkaku-ji, Ryoan-ji, then Nishiki market and a kaiseki dinner."],
     {"temperature": 0.8, "extra_root": {"app.feature_flag": False}}),
    ("cancel", "Cancel my booking WF-88213, my conference got moved.",
     [[("get_booking", {"booking_id": "WF-88213"},
        {"booking_id": "WF-88213", "type": "flight", "route": "LYS-BCN", "refundable": True}, {})],
      [("cancel_booking", {"booking_id": "WF-88213", "reason": "conference moved"},
        {"status": "cancelled", "refund_eur": 142}, {})],
      "Your booking WF-88213 (Lyon to Barcelona) is cancelled and 142 EUR will be refunded within 5-7 business days."],
     {"res": "travel-dev"}),
    ("city-trip", "Plan 4 days split between Vienna and Budapest in early December, flying from Zurich. Budget is 900 CHF.",
     [[("search_flights", {"origin": "ZRH", "destination": "VIE", "date": "2026-12-03"},
        {"flights": [{"id": "OS562", "dep": "08:10", "arr": "09:25", "price_eur": 112}]}, {}),
       ("get_weather", {"city": "Vienna", "days": 4},
        {"forecast": [{"date": "2026-12-03", "high_c": 3, "low_c": -2, "summary": "cloudy"}]}, {}),
       ("get_weather", {"city": "Budapest", "days": 4},
        {"forecast": [{"date": "2026-12-05", "high_c": 4, "low_c": -1, "summary": "fog, then sun"}]}, {})],
      [("search_hotels", {"city": "Vienna", "check_in": "2026-12-03", "nights": 2, "max_price_eur": 140},
        {"offers": [{"offer_id": "HX-70211", "hotel": "Hotel Josefstadt", "price_eur": 121}]}, {}),
       ("search_hotels", {"city": "Budapest", "check_in": "2026-12-05", "nights": 2, "max_price_eur": 120},
        {"offers": [{"offer_id": "HX-70388", "hotel": "Danube View Rooms", "price_eur": 84}]}, {}),
       ("convert_currency", {"amount": 900, "from": "CHF", "to": "EUR"}, {"amount": 961.2, "rate": 1.068}, {})],
      "Here's a plan within your 900 CHF (about 961 EUR): fly Zurich-Vienna on Austrian OS562 on December 3 (112 EUR), 2 nights at Hotel Josefstadt (242 EUR), train to Budapest on December 5 (about 30 EUR), 2 nights at Danube View Rooms (168 EUR). That leaves roughly 400 EUR for food, museums and the flight home. Expect 3-4°C, cloudy in Vienna and foggy mornings in Budapest."],
     {"extra_root": {"app.user.tier": "gold", "app.feature_flag": True}}),
    ("ski", "Is there snow in Chamonix this weekend, and how much would 3 nights cost?",
     [[("get_weather", {"city": "Chamonix", "days": 3},
        {"forecast": [{"date": "2026-11-28", "high_c": -1, "low_c": -8, "summary": "fresh snow 25 cm"}]}, {}),
       ("search_hotels", {"city": "Chamonix", "check_in": "2026-11-27", "nights": 3},
        {"offers": [{"offer_id": "HX-80410", "hotel": "Chalet Les Aiglons", "price_eur": 210}]}, {})],
      "Yes, 25 cm of fresh snow is forecast with highs around -1°C. Chalet Les Aiglons has rooms at 210 EUR per night, so 630 EUR for 3 nights."],
     {"model": "mistral-small-latest", "temperature": 0.4}),
    ("invalid-retry", "Any direct flights from Berlin to Oslo this Friday?",
     [[("search_flights", {"origin": "BER", "destination": "OSL", "date": "2026-11-20"},
        {"flights": [{"id": "DY1105", "dep": "09:20", "arr": "11:05", "price_eur": 76}]}, {})],
      "Yes: Norwegian DY1105 flies direct from Berlin at 09:20 and lands in Oslo at 11:05, from 76 EUR."],
     {"invalid_first": True, "res": "travel-dev"}),
]


def travel_agent_run(key, user, turns, opts, t0, conv=None, history=None):
    res = opts.get("res", "travel-prod")
    tr = Trace(f"travel-{key}", res, t0)
    model = opts.get("model", "mistral-large-latest")
    root_holder = {}
    root_start = t0
    messages = [{"role": "system", "content": TRAVEL_SYSTEM}] + (history or []) + [{"role": "user", "content": user}]
    # Build children first with a placeholder parent; the root span is created last but
    # must be the parent, so reserve its id by creating it at the end with a known id.
    pending = []
    cur = t0 + rng.randint(3, 15) * MS
    total_in = total_out = 0
    retry_count = 0
    if opts.get("invalid_first"):
        bad = messages + [{"role": "tool", "content": "{}", "tool_call_id": "stale0001"}]
        pending.append(("chat", cur, dict(messages=bad, tools=TRAVEL_TOOLS,
                                          error=(400, "invalid_request_error",
                                                 "Unexpected role 'tool' after role 'user'", "3230", rng.randint(90, 160)))))
        cur += 160 * MS + rng.randint(5, 30) * MS
        retry_count = 1
    final = None
    for tnum, turn in enumerate(turns):
        if isinstance(turn, str):
            final = turn
            pending.append(("chat", cur, dict(messages=list(messages), tools=TRAVEL_TOOLS if len(turns) > 1 else None,
                                              reply=turn)))
            break
        calls = [call(name, f"{key}/{tnum}/{name}", args) for name, args, _, _ in turn]
        pending.append(("chat", cur, dict(messages=list(messages), tools=TRAVEL_TOOLS, reply="", tool_calls=calls)))
        messages.append({"role": "assistant", "content": "", "tool_calls": calls})
        pending.append(("tools", None, list(zip(calls, turn))))
        for c, (name, args, result, o) in zip(calls, turn):
            if result is not None:
                messages.append({"role": "tool", "content": jdump(result), "tool_call_id": c["id"]})
            else:
                messages.append({"role": "tool", "content": jdump({"error": o["error"][1]}), "tool_call_id": c["id"]})
    # Lay out children in time.
    root_id_name = f"invoke_agent Trip planner"
    placeholder = {"spanId": span_id(f"{tr.key}/root")}
    children = []
    cur_t = t0 + rng.randint(3, 15) * MS
    for kind, _, payload in pending:
        if kind == "chat":
            extra = {}
            if retry_count and not payload.get("error"):
                extra = {"app.retry_count": retry_count}
                retry_count = 0
            sp, end = sdk_chat(tr, placeholder, cur_t, model, payload["messages"], tools=payload.get("tools"),
                               reply=payload.get("reply"), tool_calls=payload.get("tool_calls"),
                               error=payload.get("error"), conv=conv, extra=extra,
                               temperature=opts.get("temperature"), max_tokens=1024,
                               meta={"service": "travel-agent"})
            a = {x["key"]: x["value"] for x in sp["attributes"]}
            if "gen_ai.usage.input_tokens" in a:
                total_in += int(a["gen_ai.usage.input_tokens"]["intValue"])
                total_out += int(a["gen_ai.usage.output_tokens"]["intValue"])
            children.append(sp)
            cur_t = end + rng.randint(2, 25) * MS
        else:
            # Parallel tool calls start together; the next turn starts after the slowest.
            latest = cur_t
            for c, (name, args, result, o) in payload:
                st = cur_t + rng.randint(0, 4) * MS
                extra = {"app.retry_count": o["retry"]} if o.get("retry") else None
                err = o.get("error")
                sp, end = tool_span(tr, placeholder, st, name, c["id"], c["function"]["arguments"], result,
                                    scope=SCOPE_TRAVEL, error=err, dur_ms=5000 if err else None, extra=extra)
                if err:
                    tr.log(sp, end - MS, 13, f"tool {name} failed: {err[1]}; retrying",
                           {"gen_ai.tool.name": name, "app.retry_count": 0}, scope=("travel_agent.tools", ""))
                elif name in ("book_hotel", "cancel_booking"):
                    tr.log(sp, end - 2 * MS, 9, {"event": "booking_change", "tool": name,
                                                 "status": result["status"], "latency_ms": (end - st) // MS},
                           {"gen_ai.tool.call.id": c["id"]}, scope=("travel_agent.tools", ""))
                elif rng.random() < 0.5:
                    tr.log(sp, end - MS, 9, f"tool {name} returned in {(end - st) // MS} ms",
                           {"gen_ai.tool.name": name}, scope=("travel_agent.tools", ""))
                children.append(sp)
                latest = max(latest, end)
            cur_t = latest + rng.randint(2, 20) * MS
    root_end = cur_t + rng.randint(1, 8) * MS
    ra = {"gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": PROVIDER,
          "gen_ai.agent.id": AGENT_TRAVEL, "gen_ai.agent.name": "Trip planner", "gen_ai.agent.version": "4",
          "gen_ai.agent.description": "Plans trips and books flights and hotels for Wayfarer customers.",
          "gen_ai.conversation.id": conv, "gen_ai.request.model": model,
          "gen_ai.system_instructions": system_instructions(TRAVEL_SYSTEM),
          "gen_ai.input.messages": jdump([fmt_input({"role": "user", "content": user})]),
          "gen_ai.output.messages": jdump([fmt_output({"message": {"role": "assistant", "content": final},
                                                       "finish_reason": "stop"})]),
          "gen_ai.output.type": "text",
          "gen_ai.usage.input_tokens": total_in, "gen_ai.usage.output_tokens": total_out}
    if rng.random() < 0.6:
        ra["gen_ai.usage.cache_read.input_tokens"] = (total_in // 3) // 64 * 64
        ra["gen_ai.usage.cache_creation.input_tokens"] = rng.choice([0, 256, 512])
    ra.update(opts.get("extra_root", {}))
    root = tr.span(root_id_name, INTERNAL, SCOPE_TRAVEL, root_start, root_end, None, ra, OK)
    # Give the root the reserved id and move it first.
    root["spanId"] = placeholder["spanId"]
    tr.spans.insert(0, tr.spans.pop())
    tr.log(root, root_start + MS, 9, f"agent run started: {user[:60]}", {"app.channel": "web"},
           scope=("travel_agent.runner", ""))
    if any(st["status"]["code"] == ERROR for _, _, st in tr.spans):
        tr.log(root, root_end - MS, 13, "agent run completed after recovering from an error",
               {"app.retry_count": 1}, scope=("travel_agent.runner", ""))
    TRACES.append(tr)
    return tr, root_end, messages + [{"role": "assistant", "content": final}]


def travel_agent():
    for key, user, turns, opts in TRAVEL_SCENARIOS:
        travel_agent_run(key, user, turns, opts, start_time())
    # One conversation over two traces (weekend in Amsterdam, then booking).
    conv = conv_id("travel-amsterdam")
    t = start_time(day=17, hour=19)
    _, end, history = travel_agent_run(
        "amsterdam-1", "I'd like a weekend in Amsterdam, Dec 5-7, hotel under 180 EUR near the canals.",
        [[("search_hotels", {"city": "Amsterdam", "check_in": "2026-12-05", "nights": 2, "max_price_eur": 180},
           {"offers": [{"offer_id": "HX-61002", "hotel": "Canal House Inn", "price_eur": 172},
                       {"offer_id": "HX-61044", "hotel": "Hotel Jordaan", "price_eur": 158}]}, {})],
         "I found two options near the canals: Canal House Inn at 172 EUR/night and Hotel Jordaan at 158 EUR/night. Shall I book one?"],
        {}, t, conv=conv)
    travel_agent_run(
        "amsterdam-2", "Book the second one please.",
        [[("book_hotel", {"offer_id": "HX-61044", "guest_name": "Jonas Weber"},
           {"status": "confirmed", "confirmation": "WF-91877", "total_eur": 316}, {})],
         "Booked: Hotel Jordaan, December 5-7, confirmation WF-91877, 316 EUR in total."],
        {}, end + rng.randint(2, 6) * MIN, conv=conv, history=history[1:])
    travel_agent_run(
        "amsterdam-3", "What will the weather be like that weekend?",
        [[("get_weather", {"city": "Amsterdam", "days": 10},
           {"forecast": [{"date": "2026-12-05", "high_c": 7, "low_c": 3, "summary": "showers"}]}, {})],
         "Expect showers and 3-7°C in Amsterdam on December 5-7; bring a rain jacket."],
        {"model": "mistral-small-latest"}, end + rng.randint(25, 50) * MIN, conv=conv, history=history[1:])


# --------------------------------------------------------------------------------------------
# 4. support-bot: POST /chat handler around chat.complete, conversations over several requests
# --------------------------------------------------------------------------------------------

SUPPORT_SYSTEM = ("You are Brightdesk's support assistant. Be concise, use the knowledge base excerpts, "
                  "and use tools for account-specific questions. Escalate when unsure.")
SUPPORT_TOOLS = ["lookup_order", "get_invoice", "update_billing_profile", "create_ticket"]

KB = {
    "password": ["KB-112 Resetting your password", "KB-118 Reset links expire after 30 minutes",
                 "KB-230 Single sign-on troubleshooting"],
    "billing": ["KB-301 Downloading invoices", "KB-305 VAT numbers on invoices"],
    "seats": ["KB-020 Adding agent seats", "KB-021 Seat-based pricing"],
    "export": ["KB-410 Exporting tickets to CSV", "KB-411 Scheduled exports"],
    "api": ["KB-501 API rate limits", "KB-502 API keys"],
    "shipping": ["KB-610 Hardware shipping times", "KB-611 Tracking a shipment"],
}

# conversation key -> list of turns (user, kb topic or None, tool step or None, reply, options)
SUPPORT_CONVERSATIONS = [
    ("pwd", "support-prod", [
        ("I can't log into my Brightdesk account, the reset link says it expired.", "password", None,
         "Reset links expire after 30 minutes. Request a new one from the login page (Forgot password) and open it within 30 minutes, ideally in the same browser.", {}),
        ("Got a new link, but now it says 'token invalid'.", "password", None,
         "That usually means an older link was opened after the new one was issued. Close all Brightdesk tabs, request one more link and use only the latest email. If your company uses SSO, sign in with the SSO button instead.", {}),
    ]),
    ("invoice", "support-prod", [
        ("Where can I download my October invoice? Account BD-40921.", "billing",
         ("get_invoice", {"account_id": "BD-40921", "month": "2026-10"},
          {"url": "https://billing.brightdesk.example/inv/BD-40921-2026-10.pdf", "amount_eur": 348.0}),
         "Here is your October invoice: https://billing.brightdesk.example/inv/BD-40921-2026-10.pdf (348.00 EUR). You can also find all invoices under Settings > Billing.", {}),
        ("The invoice shows the wrong VAT number.", "billing", None,
         "Sorry about that. Invoices use the VAT number on your billing profile at the time they are issued. Send me the correct number and I can update the profile; finance can then reissue October's invoice.", {}),
        ("It should be FR 40 303265045. Please update it for future invoices too.", None,
         ("update_billing_profile", {"account_id": "BD-40921", "vat_number": "FR40303265045"},
          {"status": "updated", "effective_from": "2026-11-01"}),
         "Updated: future invoices will show FR40303265045. I've asked finance to reissue the October invoice; you'll get it by email within 2 business days.", {"prompt_name": "support-billing-v2"}),
    ]),
    ("order-fr", "support-prod", [
        ("Bonjour, ma commande A-10293 n'est toujours pas arrivée.", "shipping",
         ("lookup_order", {"order_id": "A-10293"},
          {"order_id": "A-10293", "status": "in_transit", "carrier": "DPD", "eta": "2026-11-24"}),
         "Bonjour ! Votre commande A-10293 est en cours d'acheminement avec DPD, livraison prévue le 24 novembre.", {"user_tier": "free"}),
        ("Le suivi DPD n'a pas bougé depuis 4 jours.", "shipping", None,
         "Je comprends. Un suivi figé plusieurs jours arrive parfois lors d'un transfert entre dépôts. Si rien ne bouge d'ici demain, je peux ouvrir une réclamation auprès du transporteur.", {"rate_limited_first": True}),
        ("Toujours rien aujourd'hui.", None,
         ("create_ticket", {"subject": "A-10293: DPD tracking stuck for 5 days", "priority": "high"},
          {"ticket_id": "T-77120", "queue": "logistics"}),
         "J'ai ouvert le ticket T-77120 auprès de notre équipe logistique (priorité haute). Ils vous recontacteront sous 24 h.", {}),
        ("Merci beaucoup !", None, None, "Avec plaisir, bonne journée !", {"model": "ministral-8b-latest"}),
    ]),
]

SUPPORT_CONVERSATIONS.append(
    ("sso", "support-staging", [
        ("Our Okta SSO login fails with 'SAML response signature invalid' since this morning.", "password", None,
         "That error usually means the signing certificate changed on the Okta side. Download the new certificate from Okta and upload it under Settings > Security > SSO.", {}),
        ("We rotated the cert yesterday, that must be it. Where exactly do I upload it?", "password", None,
         "Settings > Security > Single sign-on > Identity provider > Replace certificate. Paste the PEM or upload the .cer file, then click Test connection before saving.", {}),
        ("Test connection still fails. Can someone look at it?", None,
         ("create_ticket", {"subject": "SAML signature invalid after cert rotation (BD-51877)", "priority": "high"},
          {"ticket_id": "T-77342", "queue": "identity"}),
         "I've escalated this as ticket T-77342 to our identity team with high priority. Meanwhile, admins can still sign in with password + 2FA.", {"model": "mistral-large-latest"}),
    ]))

SUPPORT_SINGLES = [
    ("seats", "support-staging", "How do I add two more agent seats to our plan?", "seats", None,
     "Go to Settings > Subscription > Seats, increase the count by two and confirm. Seats are billed pro rata for the current month.", {}),
    ("export", "support-prod", "Can I export all tickets from last quarter to CSV?", "export", None,
     "Yes: Reports > Export, choose Tickets, set the date range to last quarter and pick CSV. Large exports are emailed when ready.", {"unavailable_first": True}),
    ("ratelimit", "support-staging", "Is there an API rate limit? We get 429s from time to time.", "api", None,
     "The Brightdesk API allows 600 requests per minute per account. 429 responses include a Retry-After header; back off for that many seconds and retry.", {"model": "mistral-large-latest"}),
    ("headset", "support-prod", "Has my headset order A-10877 shipped yet?", "shipping",
     ("lookup_order", {"order_id": "A-10877"},
      {"order_id": "A-10877", "status": "shipped", "carrier": "UPS", "tracking": "1Z999AA10123456784", "eta": "2026-11-26"}),
     "Yes, order A-10877 shipped with UPS (tracking 1Z999AA10123456784) and should arrive on November 26.", {"user_tier": "enterprise"}),
]


def support_request(key, res, t0, conv, history, user, topic, tool, reply, opts):
    tr = Trace(f"support-{key}", res, t0)
    model = opts.get("model", "mistral-small-latest")
    placeholder = {"spanId": span_id(f"{tr.key}/root")}
    cur = t0 + rng.randint(2, 8) * MS
    scope_app = SCOPE_SUPPORT
    messages = [{"role": "system", "content": SUPPORT_SYSTEM}] + history
    # Moderation call (no GenAI operation: the SDK leaves the operation id as the span name).
    if rng.random() < 0.4:
        a = {"agent.trace.public": ""}
        if conv:
            a["gen_ai.conversation.id"] = conv
        a.update(http_attrs("/v1/chat/moderations"))
        a["http.response.status_code"] = 200
        end = cur + rng.randint(60, 180) * MS + jitter()
        tr.span("chat_moderations_v1_chat_moderations_post", CLIENT, SCOPE_SDK, cur, end, placeholder, a, OK)
        cur = end + rng.randint(1, 5) * MS
    context = ""
    if topic:
        docs = KB[topic]
        end = cur + rng.randint(25, 140) * MS + jitter()
        ra = {"gen_ai.operation.name": "retrieval", "gen_ai.data_source.id": "kb-support-articles",
              "gen_ai.request.top_k": 5.0, "db.system.name": "postgresql", "app.retrieved.count": len(docs)}
        if conv:
            ra["gen_ai.conversation.id"] = conv
        rsp = tr.span("retrieval kb-support-articles", INTERNAL, scope_app, cur, end, placeholder, ra, UNSET)
        tr.log(rsp, end - MS, 9, f"retrieved {len(docs)} documents from kb-support-articles",
               {"app.retrieved.ids": [d.split()[0] for d in docs]}, scope=("support_bot.retrieval", ""))
        context = "\n".join(docs)
        cur = end + rng.randint(1, 6) * MS
    user_content = user if not context else f"{user}\n\nKnowledge base excerpts:\n{context}"
    messages = messages + [{"role": "user", "content": user_content}]
    extra = {}
    if opts.get("user_tier"):
        extra["app.user.tier"] = opts["user_tier"]
    common = dict(conv=conv, tools=SUPPORT_TOOLS, temperature=0.3, top_p=0.9 if res == "support-staging" else None,
                  prompt_name=opts.get("prompt_name", "support-triage-v3"), meta={"service": "support-bot"})
    if opts.get("rate_limited_first") or opts.get("unavailable_first"):
        err = ((429, "429", "Requests rate limit exceeded", "1300", rng.randint(80, 150))
               if opts.get("rate_limited_first") else
               (503, "503", "Service unavailable, please retry", None, rng.randint(900, 1400)))
        sp, end = sdk_chat(tr, placeholder, cur, model, messages, error=err, **common)
        tr.log(sp, end + MS, 13, f"upstream returned {err[0]}, retrying in 1s (attempt 1/3)",
               {"http.response.status_code": err[0], "app.retry_count": 1}, scope=("support_bot.chat", ""))
        cur = end + 1000 * MS + rng.randint(1, 30) * MS
        extra["app.retry_count"] = 1
    if tool:
        name, args, result = tool
        c = call(name, f"{tr.key}/{name}", args)
        sp, end = sdk_chat(tr, placeholder, cur, model, messages, reply="", tool_calls=[c], extra=extra, **common)
        cur = end + rng.randint(1, 10) * MS
        tsp, end = tool_span(tr, placeholder, cur, name, c["id"], args, result, scope=scope_app)
        tr.log(tsp, end - MS, 9, {"event": "tool_call", "tool": name, "latency_ms": (end - cur) // MS,
                                  "ok": True}, {"gen_ai.tool.call.id": c["id"]}, scope=("support_bot.tools", ""))
        cur = end + rng.randint(1, 10) * MS
        messages = messages + [{"role": "assistant", "content": "", "tool_calls": [c]},
                               {"role": "tool", "content": jdump(result), "tool_call_id": c["id"]}]
    sp, end = sdk_chat(tr, placeholder, cur, model, messages, reply=reply, extra=extra,
                       cached=rng.choice([None, 128, 256]) if history else None, **common)
    if (end - cur) > 4 * SEC:
        tr.log(sp, end, 13, f"slow LLM call: {(end - cur) / SEC:.1f}s", {"gen_ai.request.model": model},
               scope=("support_bot.chat", ""))
    root_end = end + rng.randint(2, 12) * MS
    ha = {"http.request.method": "POST", "http.route": "/chat", "url.path": "/chat", "url.scheme": "https",
          "server.address": "support.brightdesk.example", "server.port": 443, "network.protocol.version": "1.1",
          "user_agent.original": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Safari/605.1.15",
          "client.address": "203.0.113.%d" % rng.randint(2, 250), "http.response.status_code": 200,
          "gen_ai.conversation.id": conv}
    root = tr.span("POST /chat", SERVER, SCOPE_FASTAPI, t0, root_end, None, ha, UNSET)
    root["spanId"] = placeholder["spanId"]
    tr.spans.insert(0, tr.spans.pop())
    tr.log(root, t0 + MS, 9, f"chat request received (conversation={conv or 'none'}, turn={len(history) // 2 + 1})",
           {"app.channel": "widget"}, scope=("support_bot.api", ""))
    TRACES.append(tr)
    return root_end, [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]


def support_bot():
    for key, res, turns in SUPPORT_CONVERSATIONS:
        conv = conv_id("support-" + key)
        t = start_time()
        history = []
        for n, (user, topic, tool, reply, opts) in enumerate(turns):
            end, added = support_request(f"{key}-{n}", res, t, conv, history, user, topic, tool, reply, opts)
            history = history + added
            t = end + rng.randint(1, 9) * MIN + rng.randrange(SEC)
    for key, res, user, topic, tool, reply, opts in SUPPORT_SINGLES:
        support_request(key, res, start_time(), None, [], user, topic, tool, reply, opts)


# --------------------------------------------------------------------------------------------
# 5. rag-search: POST /search -> embeddings -> retrieval -> chat
# --------------------------------------------------------------------------------------------

RAG_QUERIES = [
    ("What is our parental leave policy in Germany?", ["HR-DE-014 Elternzeit", "HR-DE-015 Parental pay top-up"],
     "Employees in Germany get statutory Elternzeit of up to 3 years; Kestrel tops up Elterngeld to 80% of net salary for the first 3 months.", {}),
    ("How do I request a new laptop?", ["IT-003 Hardware requests", "IT-004 Refresh cycle"],
     "Open an IT request in the portal (Hardware > Laptop). Laptops are refreshed every 3 years; earlier replacements need manager approval.", {}),
    ("Which regions does the analytics warehouse replicate to?", ["ENG-220 Warehouse topology"],
     "The warehouse replicates from europe-west4 to europe-west1 every 15 minutes; there is no replication outside the EU.", {"model": "mistral-large-latest"}),
    ("Is there a travel budget for conferences?", ["FIN-101 Travel policy", "FIN-102 Conference budget"],
     "Each engineer has 2,000 EUR per year for conferences, covering tickets, travel and accommodation, approved by their manager.", {}),
    ("How many vacation days carry over?", ["HR-GEN-002 Paid time off"],
     "Up to 5 unused vacation days carry over to the next year and must be used by March 31.", {"timeout": True}),
    ("Who approves production database access?", ["SEC-040 Access control", "SEC-041 Break-glass access"],
     "Production database access is approved by the data platform lead and expires after 8 hours; break-glass access also pages security.", {"trace_state": True}),
    ("What's the on-call compensation?", ["HR-GEN-030 On-call"],
     "On-call pays 350 EUR per week plus 1.5x hourly pay for incidents outside business hours.", {"trace_state": True}),
    ("Summarise the incident review process.", ["ENG-310 Incident reviews", "ENG-311 Postmortem template"],
     "Every SEV1/SEV2 incident gets a blameless review within 5 business days using the postmortem template; action items are tracked in the reliability board.", {"model": "mistral-large-latest", "slow": True}),
    ("Can contractors use the VPN?", ["SEC-012 Remote access"],
     "Yes, contractors get VPN access through their sponsor; accounts expire with the contract end date.", {}),
]


def rag_search():
    for idx, (query, docs, answer, opts) in enumerate(RAG_QUERIES):
        tr = Trace(f"rag-{idx:02d}", "rag-prod", start_time())
        if opts.get("trace_state"):
            tr.trace_state = "kestrel=s:1;r:eu,rojo=00f067aa0ba902b7"
        placeholder = {"spanId": span_id(f"{tr.key}/root")}
        cur = tr.t0 + rng.randint(2, 6) * MS
        if opts.get("timeout"):
            sp, end = sdk_embeddings(tr, placeholder, cur, [query],
                                     error=("httpx.ReadTimeout", "The read operation timed out", 10000 - 2500))
            tr.log(sp, end, 17, "embedding request timed out after 7.5s", {"app.query.length": len(query)},
                   scope=("rag_search.pipeline", ""))
            root_end = end + rng.randint(2, 6) * MS
            ha = {"http.request.method": "POST", "http.route": "/search", "url.path": "/search",
                  "server.address": "search.kestrel.internal", "http.response.status_code": 504,
                  "error.type": "504", "gen_ai.workflow.name": "rag-answer"}
            root = tr.span("POST /search", SERVER, SCOPE_FASTAPI, tr.t0, root_end, None, ha, ERROR,
                           "upstream embeddings call timed out")
            root["spanId"] = placeholder["spanId"]
            tr.spans.insert(0, tr.spans.pop())
            TRACES.append(tr)
            continue
        search_query = query
        if idx % 2 == 0:  # rewrite the question into a search query first
            search_query = query.rstrip("?").lower()
            _, end = sdk_chat(tr, placeholder, cur, "ministral-8b-latest",
                              [{"role": "system", "content": "Rewrite the question as a short search query."},
                               {"role": "user", "content": query}], reply=search_query, max_tokens=32,
                              candidates=False)
            cur = end + rng.randint(1, 4) * MS
        _, end = sdk_embeddings(tr, placeholder, cur, [search_query])
        cur = end + rng.randint(1, 4) * MS
        end = cur + rng.randint(15, 90) * MS + jitter()
        ra = {"gen_ai.operation.name": "retrieval", "gen_ai.provider.name": PROVIDER,
              "gen_ai.data_source.id": "lib_kestrel_handbook", "gen_ai.request.top_k": 4.0,
              "app.retrieved.count": len(docs), "app.min_score": round(rng.uniform(0.55, 0.8), 3)}
        rsp = tr.span("retrieval lib_kestrel_handbook", CLIENT, SCOPE_RAG, cur, end, placeholder, ra, UNSET)
        tr.log(rsp, end - MS, 9, f"retrieved {len(docs)} documents", {"gen_ai.data_source.id": "lib_kestrel_handbook"},
               scope=("rag_search.pipeline", ""))
        cur = end + rng.randint(1, 4) * MS
        if idx % 4 == 1:  # a rerank step with a custom span
            end = cur + rng.randint(20, 70) * MS
            tr.span("rerank", INTERNAL, SCOPE_RAG, cur, end, placeholder,
                    {"app.rerank.model": "bge-reranker-v2", "app.rerank.candidates": 20}, UNSET)
            cur = end + MS
        model = opts.get("model", "mistral-small-latest")
        msgs = [{"role": "system", "content": "Answer only from the context. Say 'I don't know' otherwise.\n\nContext:\n" + "\n".join(docs)},
                {"role": "user", "content": query}]
        sp, end = sdk_chat(tr, placeholder, cur, model, msgs, reply=answer, temperature=0.1, max_tokens=400,
                           duration=6800 if opts.get("slow") else None,
                           extra={"gen_ai.data_source.id": "lib_kestrel_handbook"}, meta={"service": "rag-search", "rag": True})
        if opts.get("slow"):
            tr.log(sp, end, 13, "slow LLM call: 6.8s", {"gen_ai.request.model": model}, scope=("rag_search.pipeline", ""))
        root_end = end + rng.randint(2, 8) * MS
        ha = {"http.request.method": "POST", "http.route": "/search", "url.path": "/search",
              "server.address": "search.kestrel.internal", "http.response.status_code": 200,
              "gen_ai.workflow.name": "rag-answer"}
        root = tr.span("POST /search", SERVER, SCOPE_FASTAPI, tr.t0, root_end, None, ha, UNSET)
        root["spanId"] = placeholder["spanId"]
        tr.spans.insert(0, tr.spans.pop())
        TRACES.append(tr)


# --------------------------------------------------------------------------------------------
# 6. doc-ingest: upload -> OCR -> embeddings batches -> field extraction
# --------------------------------------------------------------------------------------------

DOCUMENTS = [
    ("invoice-2026-1104-acme.pdf", "invoice-ingestion", 3, 184_220, "ocr", "ingest-prod", {}),
    ("msa-kestrel-labs-2026.pdf", "contract-ingestion", 18, 1_902_554, "ocr", "ingest-prod", {}),
    ("receipts-batch-17.pdf", "invoice-ingestion", 42, 6_300_118, "generate_content", "ingest-prod", {}),
    ("employee-handbook-2026.pdf", "handbook-ingestion", 96, 11_480_302, "ocr", "ingest-staging", {}),
    ("scan-delivery-note-8812.png", "invoice-ingestion", 1, 412_776, "generate_content", "ingest-prod", {}),
    ("archive-2019-2025.pdf", "contract-ingestion", 1204, 88_120_455, "ocr", "ingest-staging", {"too_big": True}),
    ("invoice-2026-1119-nordlicht.pdf", "invoice-ingestion", 2, 151_034, "ocr", "ingest-prod", {"flag": True}),
]


def doc_ingest():
    for idx, (fname, workflow, pages, size, op, res, opts) in enumerate(DOCUMENTS):
        tr = Trace(f"ingest-{idx:02d}", res, start_time())
        placeholder = {"spanId": span_id(f"{tr.key}/root")}
        cur = tr.t0 + rng.randint(5, 20) * MS
        # Upload: no GenAI operation, only HTTP attributes.
        a = {"agent.trace.public": ""}
        a.update(http_attrs("/v1/files"))
        a["http.response.status_code"] = 200
        end = cur + (80 + size // 40_000) * MS + jitter()
        tr.span("files_api_routes_upload_file", CLIENT, SCOPE_SDK, cur, end, placeholder, a, OK)
        cur = end + rng.randint(2, 10) * MS
        # OCR
        a = {"agent.trace.public": ""}
        a.update(http_attrs("/v1/ocr"))
        a["gen_ai.operation.name"] = op
        a["gen_ai.provider.name"] = PROVIDER
        a["gen_ai.request.model"] = "mistral-ocr-latest"
        root_status, root_msg, root_extra = UNSET, "", {}
        if opts.get("too_big"):
            end = cur + rng.randint(300, 600) * MS + jitter()
            msg = "Document has 1204 pages, the maximum is 1000"
            a["http.response.status_code"] = 422
            a["error.type"] = "invalid_request_error"
            a["mistral_ai.error.code"] = "3310"
            osp = tr.span(f"{op} mistral-ocr-latest", CLIENT, SCOPE_SDK, cur, end, placeholder, a, ERROR, msg,
                          [(end - 100_000, "exception", {"exception.type": "invalid_request_error",
                                                         "exception.message": msg})])
            tr.log(osp, end + MS, 17, f"OCR rejected {fname}: {msg}", {"app.document.name": fname},
                   scope=("doc_ingest.pipeline", ""))
            root_status, root_msg = ERROR, "OCR failed: " + msg
            root_extra = {"error.type": "invalid_request_error"}
            cur = end + 2 * MS
        else:
            dur = min(7800, 900 + pages * rng.randint(50, 140))
            end = cur + dur * MS + jitter()
            a["http.response.status_code"] = 200
            a["gen_ai.response.model"] = "mistral-ocr-2505-completion"
            a["gen_ai.output.type"] = "text"
            a["mistral_ai.ocr.usage.pages_processed"] = pages
            a["mistral_ai.ocr.usage.doc_size_bytes"] = size
            osp = tr.span(f"{op} mistral-ocr-latest", CLIENT, SCOPE_SDK, cur, end, placeholder, a, OK)
            tr.log(osp, end + MS, 9, f"OCR processed {pages} pages ({size / 1e6:.1f} MB)",
                   {"app.document.name": fname, "app.document.pages": pages}, scope=("doc_ingest.pipeline", ""))
            cur = end + rng.randint(3, 15) * MS
            # Chunk embeddings in batches of 16 chunks
            chunks = max(1, pages * 3)
            batches = min(8, (chunks + 15) // 16)
            end = cur + (5 + pages // 2) * MS + jitter()
            tr.span("chunk_document", INTERNAL, SCOPE_INGEST, cur, end, placeholder,
                    {"app.chunk.count": chunks, "app.chunk.size_tokens": 512, "app.chunk.overlap_tokens": 64}, UNSET)
            cur = end + MS
            for b in range(batches):
                inputs = [f"{fname} chunk {b * 16 + k}: " + "lorem ipsum " * 30 for k in range(min(16, chunks - b * 16))]
                sp, end = sdk_embeddings(tr, placeholder, cur, inputs, fmt="float" if b % 2 == 0 else "base64")
                cur = end + rng.randint(1, 5) * MS
            tr.log(sp, end, 5, f"embedded {chunks} chunks in {batches} batches", {"app.document.name": fname},
                   scope=("doc_ingest.pipeline", ""))
            end = cur + rng.randint(20, 160) * MS + jitter()
            tr.span("store_vectors", CLIENT, SCOPE_INGEST, cur, end, placeholder,
                    {"db.system.name": "qdrant", "db.collection.name": workflow.replace("-ingestion", "-chunks"),
                     "db.operation.name": "upsert", "db.operation.batch.size": chunks,
                     "gen_ai.data_source.id": "qdrant-" + workflow.replace("-ingestion", "")}, UNSET)
            cur = end + rng.randint(1, 5) * MS
            # Field extraction on invoices/contracts
            if workflow != "handbook-ingestion":
                fields = ("vendor, invoice_number, total, currency, due_date" if workflow == "invoice-ingestion"
                          else "parties, effective_date, term_months, governing_law")
                msgs = [{"role": "system", "content": f"Extract {fields} as JSON. Use null for missing fields."},
                        {"role": "user", "content": f"[OCR markdown of {fname}, {pages} pages]"}]
                reply = ('{"vendor": "ACME GmbH", "invoice_number": "2026-1104", "total": 1290.5, "currency": "EUR", "due_date": "2026-12-04"}'
                         if workflow == "invoice-ingestion" else
                         '{"parties": ["Kestrel Labs", "Brightdesk SAS"], "effective_date": "2026-01-01", "term_months": 24, "governing_law": "France"}')
                extra = {"app.feature_flag": True, "app.pipeline.stage": "extract"} if opts.get("flag") else None
                sdk_chat(tr, placeholder, cur, "ministral-8b-latest", msgs, reply=reply, temperature=0.1,
                         max_tokens=300, output_type="json", seed=7, extra=extra, usage=(120 + pages * 650 if pages < 10 else 5200,
                                                                                        est_tokens(reply)),
                         meta={"service": "doc-ingest"})
                cur = int(tr.spans[-1][2]["endTimeUnixNano"]) + rng.randint(1, 5) * MS
        root_end = cur + rng.randint(2, 10) * MS
        ra = {"gen_ai.workflow.name": workflow, "app.document.name": fname, "app.document.bytes": size,
              "app.document.pages": pages}
        ra.update(root_extra)
        root = tr.span("ingest_document", INTERNAL, SCOPE_INGEST, tr.t0, root_end, None, ra, root_status, root_msg)
        root["spanId"] = placeholder["spanId"]
        tr.spans.insert(0, tr.spans.pop())
        TRACES.append(tr)


def orphan_trace():
    """Spans of a worker whose parent (in an upstream service that did not export) is missing."""
    tr = Trace("ingest-orphan", "ingest-staging", start_time(day=20, hour=3))
    tr.flags = 0x301  # sampled, parent is remote
    missing_parent = span_id("upstream-queue-consumer/missing")
    cur = tr.t0
    sp, end = sdk_embeddings(tr, None, cur, ["quarterly-report-q3.docx chunk 0: revenue and churn"],
                             extra={"app.retry_count": 2})
    sp["parentSpanId"] = missing_parent
    cur = end + 4 * MS
    end2 = cur + 2200 * MS + jitter()
    batch = tr.span("process_batch", INTERNAL, SCOPE_INGEST, cur, end2, None,
                    {"app.batch.id": "batch-20261122-0311", "app.batch.size": 1}, UNSET, parent_id=missing_parent)
    sdk_chat(tr, batch, cur + 5 * MS, "ministral-8b-latest",
             [{"role": "user", "content": "Give the document a short title: revenue and churn for Q3"}],
             reply="Q3 revenue and churn", usage=(24, 6), max_tokens=20, candidates=False)
    tr.log(batch, end2 - MS, 9, "batch batch-20261122-0311 processed (1 document)", {"app.batch.size": 1},
           scope=("doc_ingest.pipeline", ""))
    TRACES.append(tr)


# --------------------------------------------------------------------------------------------
# Evaluations
# --------------------------------------------------------------------------------------------

EXPLANATIONS = {
    ("helpfulness", "pass"): "The answer addresses the question directly and gives actionable steps.",
    ("helpfulness", "fail"): "The answer is vague and does not resolve the user's request.",
    ("toxicity", "safe"): "No insults, threats or harassment detected.",
    ("toxicity", "unsafe"): "The reply contains a dismissive remark toward the user.",
    ("groundedness", "pass"): "All claims are supported by the retrieved context.",
    ("groundedness", "fail"): "The answer states figures that do not appear in the retrieved context.",
    ("relevance", "pass"): "The reply stays on the user's topic.",
    ("relevance", "fail"): "The reply drifts away from the question.",
}


def evaluation(tr, sp, meta, name, t, score, version, use_attr):
    if name == "toxicity":
        label = "safe" if score < 0.3 else "unsafe"
    else:
        label = "pass" if score >= 0.6 else "fail"
    a = {}
    if use_attr:
        a["event.name"] = "gen_ai.evaluation.result"
    a["gen_ai.evaluation.name"] = name
    a["gen_ai.evaluation.score.value"] = round(score, 3)
    a["gen_ai.evaluation.score.label"] = label
    a["gen_ai.evaluation.explanation"] = EXPLANATIONS[(name, label)]
    a["gen_ai.response.id"] = meta["response_id"]
    a["gen_ai.conversation.id"] = meta.get("conversation")
    a["evaluator.version"] = version
    if name in ("helpfulness", "groundedness", "relevance"):
        a["evaluator.judge.model"] = "mistral-large-latest"
    else:
        a["evaluator.kind"] = "classifier"
    tr.log(sp, t, 9, None, a, scope=SCOPE_EVALS, event_name=None if use_attr else "gen_ai.evaluation.result")


def evaluations():
    ok = [(tr, sp, meta) for tr, sp, meta in CHAT_SPANS if sp["status"]["code"] != ERROR]
    picked = sorted(rng.sample(range(len(ok)), 20))
    n = 0
    for k, idx in enumerate(picked):
        tr, sp, meta = ok[idx]
        end = int(sp["endTimeUnixNano"])
        name = "groundedness" if meta.get("rag") else ["helpfulness", "toxicity", "relevance", "helpfulness"][k % 4]
        score = rng.uniform(0.0, 0.15) if name == "toxicity" else rng.choice([rng.uniform(0.7, 0.98), rng.uniform(0.2, 0.55)])
        t = end + rng.randint(2, 40) * MIN + rng.randrange(SEC)
        evaluation(tr, sp, meta, name, t, score, "2.3.0", use_attr=(n % 4 == 3))
        n += 1
        if k < 5:  # a second metric on the same span
            other = "toxicity" if name != "toxicity" else "helpfulness"
            s2 = rng.uniform(0.0, 0.1) if other == "toxicity" else rng.uniform(0.65, 0.95)
            evaluation(tr, sp, meta, other, t + rng.randint(1, 20) * SEC, s2, "2.3.0", use_attr=(n % 4 == 3))
            n += 1
        if k in (2, 9):  # re-evaluated later with a newer evaluator: "latest" keeps this one
            later = t + rng.randint(3, 30) * 60 * MIN
            s3 = max(0.0, min(1.0, (1.0 - score) if name != "toxicity" else score / 2))
            evaluation(tr, sp, meta, name, later, s3, "2.4.0", use_attr=False)
            n += 1
    return n


def error_logs():
    """An ERROR record for every failed span that no log mentions yet."""
    logged = {rec["spanId"] for _, _, rec in LOGS if rec["severityNumber"] >= 13}
    for tr in TRACES:
        for res, scope, sp in tr.spans:
            if sp["status"]["code"] == ERROR and sp["spanId"] not in logged:
                a = {x["key"]: x["value"] for x in sp["attributes"]}
                etype = a.get("error.type", {}).get("stringValue", "error")
                logger = {SCOPE_SDK[0]: "mistralai", SCOPE_FASTAPI[0]: "uvicorn.error"}.get(scope[0], scope[0])
                tr.log(sp, int(sp["endTimeUnixNano"]) + rng.randint(1, 3) * MS, 17,
                       f"{sp['name']} failed ({etype}): {sp['status'].get('message', '')}",
                       {"error.type": etype, "exception.type": etype}, scope=(logger, ""))


# --------------------------------------------------------------------------------------------
# Assembly and checks
# --------------------------------------------------------------------------------------------

def group(items, records_key, scope_key, entries_key):
    """items: (resource key, (scope name, version), record). Keeps first-appearance order."""
    out = []
    by_res = {}
    for res, scope, rec in items:
        if res not in by_res:
            by_res[res] = {"resource": {"attributes": attributes(RESOURCES[res])}, scope_key: [], "_scopes": {}}
            out.append(by_res[res])
        r = by_res[res]
        if scope not in r["_scopes"]:
            sc = {"scope": {"name": scope[0], "version": scope[1]} if scope[1] else {"name": scope[0]},
                  entries_key: []}
            r["_scopes"][scope] = sc
            r[scope_key].append(sc)
        r["_scopes"][scope][entries_key].append(rec)
    for r in out:
        del r["_scopes"]
    return {records_key: out}


def check(traces, logs):
    lo, hi = to_ns(WINDOW_START), to_ns(WINDOW_END)
    spans = {}
    ids = set()
    for tr in traces:
        for _, _, sp in tr.spans:
            assert sp["spanId"] not in ids, sp["spanId"]
            ids.add(sp["spanId"])
            spans[(sp["traceId"], sp["spanId"])] = sp
            st, en = int(sp["startTimeUnixNano"]), int(sp["endTimeUnixNano"])
            assert lo <= st <= en <= hi, (tr.key, sp["name"])
            assert MS <= en - st <= 30 * SEC, (tr.key, sp["name"], en - st)
    for tr in traces:
        for _, _, sp in tr.spans:
            p = sp["parentSpanId"]
            if p and tr.key != "ingest-orphan":
                parent = spans[(tr.id, p)]
                assert int(parent["startTimeUnixNano"]) <= int(sp["startTimeUnixNano"])
                assert int(sp["endTimeUnixNano"]) <= int(parent["endTimeUnixNano"]), (tr.key, sp["name"])
            if p and tr.key == "ingest-orphan":
                assert (tr.id, p) in spans or p == span_id("upstream-queue-consumer/missing")
    for _, _, rec in logs:
        assert (rec["traceId"], rec["spanId"]) in spans, rec


def build():
    simple_chats()
    fim_calls()
    create_agents()
    sdk_failures()
    conversation_api()
    travel_agent()
    support_bot()
    rag_search()
    doc_ingest()
    orphan_trace()
    n_evals = evaluations()
    error_logs()
    TRACES.sort(key=lambda tr: (tr.start, tr.id))
    check(TRACES, LOGS)
    span_items = [item for tr in TRACES for item in tr.spans]
    traces = group(span_items, "resourceSpans", "scopeSpans", "spans")
    log_items = sorted(LOGS, key=lambda x: (int(x[2]["timeUnixNano"]), x[2]["spanId"]))
    logs = group(log_items, "resourceLogs", "scopeLogs", "logRecords")
    stats = {"traces": len(TRACES), "spans": len(span_items), "logs": len(LOGS), "evaluations": n_evals}
    return traces, logs, stats


def render(obj):
    return json.dumps(obj, indent=1, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify the files are current instead of writing them")
    args = ap.parse_args()
    traces, logs, stats = build()
    files = {OUT_DIR / "traces.json": render(traces), OUT_DIR / "logs.json": render(logs)}
    if args.check:
        stale = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print("stale: " + ", ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
            return 1
        print("telemetry fixtures are current")
        return 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for p, text in files.items():
        assert len(text.encode()) < 1_500_000, (p, len(text))
        p.write_text(text, encoding="utf-8")
    print(", ".join(f"{k}={v}" for k, v in stats.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
