#!/usr/bin/env python3
"""Writes the OTLP bodies the decoder tests read, encoded by the official opentelemetry-proto
package (pip install opentelemetry-proto), so the Swift decoders are checked against another
implementation's bytes, not only their own test encoder: traces.pb and logs.pb (protobuf), and
traces.json and logs.json, the same messages in the OTLP JSON encoding (the protobuf JSON mapping
with hex ids and integer enums):

    python3 make-otlp-fixtures.py
"""
import base64
import json
import os

from google.protobuf.json_format import MessageToDict

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, KeyValue, KeyValueList
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

HERE = os.path.dirname(os.path.abspath(__file__))


def kv(key, **value):
    return KeyValue(key=key, value=AnyValue(**value))


traces = ExportTraceServiceRequest()
rs = traces.resource_spans.add()
rs.resource.attributes.extend([kv("service.name", string_value="support-bot"), kv("deployment.environment.name", string_value="prod")])
ss = rs.scope_spans.add()
ss.scope.name = "mistralai_sdk"
ss.scope.version = "3.7.0"
root = ss.spans.add(trace_id=bytes(range(16)), span_id=bytes(range(1, 9)), name="chat mistral-large-latest",
                    kind=Span.SPAN_KIND_CLIENT, start_time_unix_nano=1_764_513_600_000_000_000,
                    end_time_unix_nano=1_764_513_601_250_000_000, flags=0x100)
root.attributes.extend([
    kv("gen_ai.operation.name", string_value="chat"),
    kv("gen_ai.request.model", string_value="mistral-large-latest"),
    kv("gen_ai.usage.input_tokens", int_value=42),
    kv("gen_ai.request.temperature", double_value=0.25),
    kv("gen_ai.response.finish_reasons", array_value=ArrayValue(values=[AnyValue(string_value="stop")])),
    kv("app.flags", kvlist_value=KeyValueList(values=[kv("beta", bool_value=True)])),
    kv("app.blob", bytes_value=b"\x00\x01\xff"),
])
root.events.add(time_unix_nano=1_764_513_600_500_000_000, name="gen_ai.choice")
root.status.CopyFrom(Status(code=Status.STATUS_CODE_OK))
child = ss.spans.add(trace_id=bytes(range(16)), span_id=bytes(range(2, 10)), parent_span_id=bytes(range(1, 9)),
                     name="execute_tool get_weather", kind=Span.SPAN_KIND_INTERNAL,
                     start_time_unix_nano=1_764_513_600_100_000_000, end_time_unix_nano=1_764_513_600_200_000_000)
child.status.CopyFrom(Status(code=Status.STATUS_CODE_ERROR, message="timeout"))
child.attributes.append(kv("error.type", string_value="TimeoutError"))
with open(os.path.join(HERE, "traces.pb"), "wb") as f:
    f.write(traces.SerializeToString())

logs = ExportLogsServiceRequest()
rl = logs.resource_logs.add()
rl.resource.attributes.append(kv("service.name", string_value="support-bot"))
sl = rl.scope_logs.add()
sl.scope.name = "evals"
record = sl.log_records.add(time_unix_nano=1_764_513_602_000_000_000, severity_number=9, severity_text="INFO",
                            trace_id=bytes(range(16)), span_id=bytes(range(1, 9)), event_name="gen_ai.evaluation.result")
record.body.CopyFrom(AnyValue(string_value="evaluated"))
record.attributes.extend([kv("gen_ai.evaluation.name", string_value="helpfulness"), kv("gen_ai.evaluation.score.value", double_value=0.9)])
with open(os.path.join(HERE, "logs.pb"), "wb") as f:
    f.write(logs.SerializeToString())


def otlp_json(message):
    """MessageToDict, with OTLP's deviations: ids as hex, enums as numbers."""
    def fix(value):
        if isinstance(value, dict):
            return {key: (base64.b64decode(item).hex() if key in ("traceId", "spanId", "parentSpanId") else fix(item))
                    for key, item in value.items()}
        if isinstance(value, list):
            return [fix(item) for item in value]
        return value
    return fix(MessageToDict(message, use_integers_for_enums=True))


for name, message in (("traces.json", traces), ("logs.json", logs)):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(otlp_json(message), f, indent=1)
print("wrote traces.pb, logs.pb, traces.json and logs.json")
