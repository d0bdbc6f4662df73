// Decode throughput of the hand-written OTLP protobuf decoder: batches of 512 GenAI spans, each
// with the attributes the Mistral SDK's instrumentation sets, decoded over and over for a few
// seconds. Prints spans per second and MB per second.
//
//     scripts/bench-otlp-decode.sh
//
// Built only with OBS_BENCH=1 (see Package.swift), with -enable-testing for the decoder's
// internal API.

import Foundation
@testable import ObservabilityEmulator

func varint(_ value: UInt64) -> [UInt8] {
    var value = value, out: [UInt8] = []
    repeat {
        out.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
        value >>= 7
    } while value > 0
    return out
}
func key(_ number: UInt64, _ wire: UInt64) -> [UInt8] { varint(number << 3 | wire) }
func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] { key(number, 2) + varint(UInt64(payload.count)) + payload }
func string(_ number: UInt64, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }
func fixed64(_ number: UInt64, _ value: UInt64) -> [UInt8] { key(number, 1) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
func attribute(_ name: String, _ value: [UInt8]) -> [UInt8] { field(9, string(1, name) + field(2, value)) }
func text(_ value: String) -> [UInt8] { string(1, value) }
func int(_ value: Int64) -> [UInt8] { key(3, 0) + varint(UInt64(bitPattern: value)) }

func span(_ index: Int) -> [UInt8] {
    let traceID = (0..<16).map { UInt8(truncatingIfNeeded: index / 8 + $0) }
    let spanID = (0..<8).map { UInt8(truncatingIfNeeded: index &* 31 + $0) }
    let start = UInt64(1_764_513_600_000_000_000 + index * 1_000_000)
    var bytes = field(1, traceID) + field(2, spanID) + string(5, "chat mistral-large-latest") + key(6, 0) + varint(3)
    bytes += fixed64(7, start) + fixed64(8, start + 850_000_000)
    bytes += attribute("gen_ai.operation.name", text("chat"))
    bytes += attribute("gen_ai.system", text("mistral_ai"))
    bytes += attribute("gen_ai.request.model", text("mistral-large-latest"))
    bytes += attribute("gen_ai.response.model", text("mistral-large-2411"))
    bytes += attribute("gen_ai.response.id", text("cmpl-\(index)"))
    bytes += attribute("gen_ai.usage.input_tokens", int(Int64(100 + index % 400)))
    bytes += attribute("gen_ai.usage.output_tokens", int(Int64(50 + index % 300)))
    bytes += attribute("gen_ai.conversation.id", text("conv-\(index / 4)"))
    bytes += attribute("gen_ai.input.messages", text(#"[{"role":"user","parts":[{"type":"text","content":"How do I reset my password? I tried the link twice."}]}]"#))
    bytes += attribute("gen_ai.output.messages", text(#"[{"role":"assistant","parts":[{"type":"text","content":"Open Settings, then Security, then Reset password."}],"finish_reason":"stop"}]"#))
    bytes += attribute("server.address", text("api.mistral.ai"))
    bytes += field(15, key(3, 0) + varint(1))
    return bytes
}

let resource = field(1, field(1, string(1, "service.name") + field(2, text("support-bot"))))
let scope = field(1, string(1, "mistralai_sdk") + string(2, "3.7.0"))
let spans = (0..<512).flatMap { field(2, span($0)) }
let body = field(1, resource + field(2, scope + spans))

let seconds = Double(CommandLine.arguments.dropFirst().first ?? "") ?? 3
var decoded = 0, batches = 0
let started = Date()
while Date().timeIntervalSince(started) < seconds {
    decoded += try OTLPProtobuf.decodeTraces(body).count
    batches += 1
}
let elapsed = Date().timeIntervalSince(started)
print(String(format: "OTLP protobuf decode: %d batches of 512 spans (%d bytes each) in %.2f s: %.0f spans/s, %.1f MB/s",
             batches, body.count, elapsed, Double(decoded) / elapsed, Double(body.count * batches) / elapsed / 1_000_000))
