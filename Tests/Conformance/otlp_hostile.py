"""Deterministic hostile OTLP/HTTP bodies for test_telemetry_ingest.py.

Every body is built here byte by byte (a small protobuf wire-format writer, no random input), so
each case means exactly one thing: a truncated message, a length prefix that lies, a known field
with the wrong wire type, a gzip bomb, ids of the wrong size, and so on. `cases()` returns them
with what the receiver must answer (docs/openapi.yaml `emulator_otlp_*`):

- a body that does not decode (or gzip that does not inflate): 400 with a `google.rpc.Status`
  in the request's encoding, nothing stored;
- a decompressed size above `--max-body`: 413, nothing stored;
- a content type other than protobuf/JSON: 415, nothing stored;
- a body that decodes but carries individually invalid items: 200 with `partial_success`
  counting them, the valid items stored;
- a valid body, however odd (empty, a 1 MB attribute, moderately nested values): 200.

The module has no dependency beyond the standard library.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from dataclasses import dataclass, field

MAX_BODY = 10 * 1024 * 1024  # the emulator's default --max-body
PROTOBUF = "application/x-protobuf"
JSON = "application/json"
SERVICE = "otlp-hostile-corpus"
BASE_NS = 1_790_000_000_000_000_000  # 2026-09-21T...Z, a fixed instant
BIG_VALUE_BYTES = 1_000_000


# --------------------------------------------------------------------------------------------
# The protobuf wire format
# --------------------------------------------------------------------------------------------

VARINT, FIXED64, LEN, START_GROUP, END_GROUP, FIXED32 = 0, 1, 2, 3, 4, 5


def varint(n: int) -> bytes:
    assert n >= 0
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def key(number: int, wire_type: int) -> bytes:
    return varint((number << 3) | wire_type)


def ld(number: int, payload: bytes) -> bytes:
    """A length-delimited field (string, bytes, embedded message)."""
    return key(number, LEN) + varint(len(payload)) + payload


def string(number: int, text: str) -> bytes:
    return ld(number, text.encode("utf-8"))


def fixed64(number: int, value: int) -> bytes:
    return key(number, FIXED64) + struct.pack("<Q", value)


def uint(number: int, value: int) -> bytes:
    return key(number, VARINT) + varint(value)


# --------------------------------------------------------------------------------------------
# OTLP messages (opentelemetry/proto/{common,resource,trace,logs}/v1)
# --------------------------------------------------------------------------------------------

def any_string(text: str) -> bytes:
    """AnyValue{string_value}."""
    return string(1, text)


def any_int(n: int) -> bytes:
    return uint(3, n)


def any_array(values: list[bytes]) -> bytes:
    """AnyValue{array_value: ArrayValue{values}}."""
    return ld(5, b"".join(ld(1, v) for v in values))


def any_kvlist(pairs: list[tuple[str, bytes]]) -> bytes:
    """AnyValue{kvlist_value: KeyValueList{values}}."""
    return ld(6, b"".join(ld(1, key_value(k, v)) for k, v in pairs))


def key_value(name: str, any_value: bytes) -> bytes:
    return string(1, name) + ld(2, any_value)


def resource(service: str = SERVICE) -> bytes:
    return ld(1, key_value("service.name", any_string(service)))


def ids(label: str) -> tuple[bytes, bytes]:
    """A deterministic 16-byte trace id and 8-byte span id from a label."""
    digest = hashlib.sha256(label.encode()).digest()
    return digest[:16], digest[16:24]


def span(label: str, *, trace_id: bytes | None = None, span_id: bytes | None = None, name: str | None = None,
         start: int | None = None, end: int | None = None, attributes: list[bytes] = (),
         parent: bytes = b"") -> bytes:
    """A Span message; ids from the label unless given."""
    t, s = ids(label)
    trace_id = t if trace_id is None else trace_id
    span_id = s if span_id is None else span_id
    start = BASE_NS if start is None else start
    end = start + 1_500_000 if end is None else end
    out = ld(1, trace_id) + ld(2, span_id)
    if parent:
        out += ld(4, parent)
    out += string(5, name or label) + uint(6, 1) + fixed64(7, start) + fixed64(8, end)
    out += b"".join(ld(9, a) for a in attributes)
    return out


def traces_request(spans: list[bytes], service: str = SERVICE) -> bytes:
    """ExportTraceServiceRequest{resource_spans: [ResourceSpans{resource, scope_spans}]}."""
    scope_spans = ld(1, string(1, "otlp_hostile") + string(2, "1.0")) + b"".join(ld(2, s) for s in spans)
    resource_spans = ld(1, resource(service)) + ld(2, scope_spans)
    return ld(1, resource_spans)


def log_record(label: str, *, trace_id: bytes | None = None, span_id: bytes | None = None,
               body: str = "hostile log", time_ns: int = BASE_NS) -> bytes:
    t, s = ids(label)
    trace_id = t if trace_id is None else trace_id
    span_id = s if span_id is None else span_id
    return (fixed64(1, time_ns) + uint(2, 9) + string(3, "INFO") + ld(5, any_string(body))
            + ld(6, key_value("case", any_string(label))) + ld(9, trace_id) + ld(10, span_id))


def logs_request(records: list[bytes], service: str = SERVICE) -> bytes:
    scope_logs = ld(1, string(1, "otlp_hostile")) + b"".join(ld(2, r) for r in records)
    return ld(1, ld(1, resource(service)) + ld(2, scope_logs))


# --------------------------------------------------------------------------------------------
# OTLP JSON
# --------------------------------------------------------------------------------------------

def json_span(label: str, *, trace_id: str | None = None, span_id: str | None = None,
              attributes: list[dict] = (), start: int = BASE_NS, end: int | None = None) -> dict:
    t, s = ids(label)
    return {
        "traceId": t.hex() if trace_id is None else trace_id,
        "spanId": s.hex() if span_id is None else span_id,
        "name": label, "kind": 1,
        "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 1_500_000 if end is None else end),
        "attributes": list(attributes),
    }


def json_traces(spans: list, service: str = SERVICE) -> dict:
    return {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeSpans": [{"scope": {"name": "otlp_hostile"}, "spans": spans}],
    }]}


def json_bytes(doc) -> bytes:
    return json.dumps(doc, separators=(",", ":")).encode()


# --------------------------------------------------------------------------------------------
# Nested values and their expected flattening (compact JSON)
# --------------------------------------------------------------------------------------------

def nested_proto(depth: int, kind: str) -> bytes:
    """An AnyValue `depth` levels deep: kvlist {"k": ...} or array [...] around a string."""
    value = any_string("leaf")
    for _ in range(depth):
        value = any_kvlist([("k", value)]) if kind == "kvlist" else any_array([value])
    return value


def nested_json(depth: int, kind: str) -> dict:
    value: dict = {"stringValue": "leaf"}
    for _ in range(depth):
        if kind == "kvlist":
            value = {"kvlistValue": {"values": [{"key": "k", "value": value}]}}
        else:
            value = {"arrayValue": {"values": [value]}}
    return value


def nested_flattened(depth: int, kind: str) -> str:
    value: object = "leaf"
    for _ in range(depth):
        value = {"k": value} if kind == "kvlist" else [value]
    return json.dumps(value, separators=(",", ":"))


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HostileCase:
    id: str
    signal: str                      # "traces" or "logs"
    content_type: str | None
    body: bytes
    status: int
    content_encoding: str | None = None
    rejected: int = 0                # for a 200: partial_success count
    stored: int = 0                  # for a 200: items the workspace gains
    message_contains: str | None = None
    # for a 200: (span name, attribute key, expected string value) to read back
    attribute: tuple[str, str, str] | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return f"/telemetry/v1/{self.signal}"

    @property
    def response_encoding(self) -> str:
        """The encoding the answer must use: the request's, JSON for an unsupported type."""
        return PROTOBUF if self.content_type == PROTOBUF else JSON

    def headers(self) -> dict[str, str]:
        h: dict[str, str] = {}
        if self.content_type is not None:
            h["Content-Type"] = self.content_type
        if self.content_encoding:
            h["Content-Encoding"] = self.content_encoding
        return h


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _good_pair(prefix: str) -> list[bytes]:
    return [span(f"{prefix}-a"), span(f"{prefix}-b")]


def cases() -> list[HostileCase]:
    valid = traces_request(_good_pair("valid"))
    out: list[HostileCase] = []

    def add(*args, **kw):
        out.append(HostileCase(*args, **kw))

    # -- truncation and corrupt bytes ---------------------------------------------------------
    add("proto-truncated-half", "traces", PROTOBUF, valid[: len(valid) // 2], 400)
    add("proto-truncated-last-byte", "traces", PROTOBUF, valid[:-1], 400)
    add("proto-corrupt-continuation-bytes", "traces", PROTOBUF, b"\xde\xad\xbe\xef" * 16, 400)
    add("proto-field-number-zero", "traces", PROTOBUF, b"\x00\x00" + valid, 400)
    add("proto-wire-type-7", "traces", PROTOBUF, key(1, 7) + b"\x01\x02\x03", 400)
    add("proto-varint-11-bytes", "traces", PROTOBUF, key(1, LEN) + b"\x80" * 10 + b"\x01", 400)
    t, s = ids("utf8")
    add("proto-invalid-utf8-span-name", "traces", PROTOBUF, traces_request(
        [ld(1, t) + ld(2, s) + ld(5, b"\xff\xfe\xfd") + fixed64(7, BASE_NS) + fixed64(8, BASE_NS + 1)]), 400)

    # -- known fields with the wrong wire type --------------------------------------------------
    add("proto-wrong-wire-type-resource-spans", "traces", PROTOBUF, uint(1, 5), 400)
    add("proto-wrong-wire-type-resource-spans-fixed64", "traces", PROTOBUF, fixed64(1, 5), 400)
    t, s = ids("wire")
    add("proto-wrong-wire-type-trace-id", "traces", PROTOBUF,
        traces_request([uint(1, 12345) + ld(2, s) + string(5, "wire") + fixed64(7, BASE_NS) + fixed64(8, BASE_NS + 1)]), 400)
    add("proto-wrong-wire-type-start-time", "traces", PROTOBUF,
        traces_request([ld(1, t) + ld(2, s) + string(5, "wire") + ld(7, b"12345678") + fixed64(8, BASE_NS + 1)]), 400)
    add("proto-wrong-wire-type-span-name", "traces", PROTOBUF,
        traces_request([ld(1, t) + ld(2, s) + uint(5, 7) + fixed64(7, BASE_NS) + fixed64(8, BASE_NS + 1)]), 400)
    add("proto-group-for-scope-spans", "traces", PROTOBUF,
        ld(1, ld(1, resource()) + key(2, START_GROUP) + key(2, END_GROUP)), 400)

    # -- lying length prefixes -------------------------------------------------------------------
    add("proto-length-past-end", "traces", PROTOBUF, key(1, LEN) + varint(100) + b"\x0a" * 10, 400)
    add("proto-huge-varint-length", "traces", PROTOBUF, key(1, LEN) + varint(2**63) + b"\x0a\x00", 400)
    add("proto-max-varint-length", "traces", PROTOBUF, key(1, LEN) + varint(2**64 - 1) + b"\x0a\x00", 400)
    inner = ld(1, resource()) + key(2, LEN) + varint(500) + span("inner")  # scope_spans claims 500 bytes
    add("proto-inner-length-past-parent", "traces", PROTOBUF, ld(1, inner) + valid + b"\x00" * 600, 400)
    add("proto-logs-length-past-end", "logs", PROTOBUF, key(1, LEN) + varint(64) + b"\x0a\x02", 400)

    # -- individually invalid items: partial success, not 400 -----------------------------------
    add("proto-ids-wrong-size", "traces", PROTOBUF, traces_request([
        span("ok-1"),
        span("short-trace", trace_id=b"\x01" * 8),
        span("short-span", span_id=b"\x02" * 4),
        span("zero-trace", trace_id=b"\x00" * 16),
        span("long-trace", trace_id=b"\x03" * 32),
        span("ok-2"),
    ]), 200, rejected=4, stored=2, message_contains="trace_id")
    add("proto-bad-times", "traces", PROTOBUF, traces_request([
        span("end-before-start", start=BASE_NS + 10, end=BASE_NS),
        span("start-zero", start=0, end=BASE_NS),
        span("ok-times"),
    ]), 200, rejected=2, stored=1, message_contains="end_time_unix_nano")
    add("proto-logs-ids-wrong-size", "logs", PROTOBUF, logs_request([
        log_record("log-ok"),
        log_record("log-short-trace", trace_id=b"\x01" * 5),
        log_record("log-short-span", span_id=b"\x01" * 3),
    ]), 200, rejected=2, stored=1, message_contains="trace_id")
    add("json-ids-wrong-size", "traces", JSON, json_bytes(json_traces([
        json_span("json-short-trace", trace_id="abcd"),
        json_span("json-ok"),
        json_span("json-short-span", span_id="0102"),
    ])), 200, rejected=2, stored=1, message_contains="trace_id")

    # -- compression ----------------------------------------------------------------------------
    bomb_span = span("gzip-bomb", attributes=[key_value("payload", any_string("a" * (MAX_BODY + 1024 * 1024)))])
    bomb = _gzip(traces_request([bomb_span]))
    assert len(bomb) < 64 * 1024, len(bomb)
    add("gzip-bomb", "traces", PROTOBUF, bomb, 413, content_encoding="gzip")
    add("gzip-bomb-json", "traces", JSON,
        _gzip(json_bytes(json_traces([json_span("json-bomb", attributes=[
            {"key": "payload", "value": {"stringValue": "b" * (MAX_BODY + 1024)}}])]))), 413, content_encoding="gzip")
    add("gzip-corrupt", "traces", PROTOBUF, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff\x00garbage\x13" * 8,
        400, content_encoding="gzip")
    good_gz = bytearray(_gzip(valid))
    good_gz[-8] ^= 0xFF  # the CRC32 of the trailer
    add("gzip-bad-crc", "traces", PROTOBUF, bytes(good_gz), 400, content_encoding="gzip")
    add("gzip-truncated", "traces", PROTOBUF, _gzip(valid)[:-12], 400, content_encoding="gzip")
    add("gzip-claimed-but-plain", "traces", PROTOBUF, valid, 400, content_encoding="gzip")
    add("gzip-json-corrupt", "traces", JSON, b"\x1f\x8b\x08\x00" + b"\x00" * 20, 400, content_encoding="gzip")

    # -- size ---------------------------------------------------------------------------------------
    add("raw-over-max-body", "traces", PROTOBUF,
        traces_request([span("raw-big", attributes=[key_value("payload", any_string("r" * MAX_BODY))])]), 413)

    # -- nesting ------------------------------------------------------------------------------------
    for kind in ("kvlist", "array"):
        add(f"proto-nested-{kind}-200", "traces", PROTOBUF, traces_request([
            span(f"nest-{kind}", attributes=[key_value("deep", nested_proto(200, kind))])]), 400)
        add(f"json-nested-{kind}-200", "traces", JSON, json_bytes(json_traces([
            json_span(f"jnest-{kind}", attributes=[{"key": "deep", "value": nested_json(200, kind)}])])), 400)
        add(f"proto-nested-{kind}-10", "traces", PROTOBUF, traces_request([
            span(f"nest10-{kind}", attributes=[key_value("nested", nested_proto(10, kind))])]), 200, stored=1,
            attribute=(f"nest10-{kind}", "nested", nested_flattened(10, kind)))

    # -- big values ---------------------------------------------------------------------------------
    big = ("abcdefghijklmnopqrstuvwxyz0123456789" * (BIG_VALUE_BYTES // 36))[: BIG_VALUE_BYTES - 8] + "été-end"
    add("proto-1mb-attribute", "traces", PROTOBUF, traces_request([
        span("big-attribute", attributes=[key_value("big", any_string(big))])]), 200, stored=1,
        attribute=("big-attribute", "big", big))
    add("json-1mb-attribute", "traces", JSON, json_bytes(json_traces([
        json_span("json-big-attribute", attributes=[{"key": "big", "value": {"stringValue": big}}])])), 200, stored=1,
        attribute=("json-big-attribute", "big", big))

    # -- empty bodies ---------------------------------------------------------------------------------
    add("proto-empty-body", "traces", PROTOBUF, b"", 200)
    add("proto-empty-logs-body", "logs", PROTOBUF, b"", 200)
    add("json-empty-body", "traces", JSON, b"", 400)
    add("json-empty-object", "traces", JSON, b"{}", 200)

    # -- content types -------------------------------------------------------------------------------
    add("content-type-text-plain", "traces", "text/plain", valid, 415)
    add("content-type-xml", "traces", "application/xml", b"<spans/>", 415)
    add("content-type-missing", "traces", None, valid, 415)
    add("content-type-text-plain-logs", "logs", "text/plain", logs_request([log_record("plain")]), 415)

    # -- JSON of the wrong shape ----------------------------------------------------------------------
    add("json-not-json", "traces", JSON, b'{"resourceSpans": [', 400)
    add("json-spans-number", "traces", JSON, b'{"resourceSpans":[{"scopeSpans":[{"spans":5}]}]}', 400)
    add("json-resource-spans-object", "traces", JSON, b'{"resourceSpans":{}}', 400)
    add("json-top-level-array", "traces", JSON, b"[]", 400)
    add("json-start-time-not-a-number", "traces", JSON,
        json_bytes(json_traces([dict(json_span("json-bad-time"), startTimeUnixNano="soon")])), 400)
    add("json-attributes-string", "traces", JSON,
        json_bytes(json_traces([dict(json_span("json-bad-attrs"), attributes="many")])), 400)
    add("json-log-records-string", "logs", JSON, b'{"resourceLogs":[{"scopeLogs":[{"logRecords":"x"}]}]}', 400)

    ids_seen = [c.id for c in out]
    assert len(ids_seen) == len(set(ids_seen)), "case ids must be unique"
    return out
