// libFuzzer target for the OTLP protobuf decoder (Sources/ObservabilityEmulator/Telemetry/Ingest).
// Built by Fuzz/run.sh through SwiftPM (`OBS_FUZZ=1`, `--sanitize=fuzzer`).
//
// Every input is decoded as traces, logs and metrics. Properties: no crash, no hang, no
// sanitizer report; a failure is a DecodeError whose offset lies within the body; a body that
// decodes as traces decodes the same way twice (the decoder keeps no state).

@testable import ObservabilityEmulator

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOTLP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let spans = try OTLPProtobuf.decodeTraces(bytes)
        precondition(spans == (try? OTLPProtobuf.decodeTraces(bytes)), "decoding is not deterministic")
        for span in spans { for attribute in span.attributes { _ = attribute.value?.flattened } }
    } catch let error as ProtobufReader.DecodeError {
        precondition(error.offset >= 0 && error.offset <= size, "offset \(error.offset) outside a body of \(size) bytes")
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    _ = try? OTLPProtobuf.decodeLogs(bytes)
    _ = try? OTLPProtobuf.countMetrics(bytes)
    return 0
}
