// libFuzzer target for the filter language: JSON text → Filter.parse → QueryCompiler.compile
// (Sources/ObservabilityEmulator/Filters/, Fields/FieldCatalog.swift, and the JSON parser). Built by Fuzz/run.sh through SwiftPM (`OBS_FUZZ=1`, `--sanitize=fuzzer`).
//
// Properties: no crash; every rejection is an APIError with status 400 or 422 whose message
// starts with the path of the offending part; and no byte of any string value from the input
// (longer than 3 characters) ever appears in the SQL text: values are always bound parameters.

import EmulatorJSON
@testable import ObservabilityEmulator

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFilter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSON.parse(bytes) else { return 0 }
    let compiler = QueryCompiler(.events(workspaceID: "00000000-0000-0000-0000-000000000000") { id in
        id.hasPrefix("a") ? .TEXT : id.hasPrefix("b") ? .FLOAT : nil
    })
    do {
        let filter = try Filter.parse(value, path: "search_params.filters")
        let compiled = try compiler.compile(filter)
        // Identifier-like words can coincide with column names (`value` in `value_text`); any
        // string with a quote, space or other punctuation must never appear in the SQL.
        for text in strings(in: value) where text.count > 3 && !text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            precondition(!compiled.sql.contains(text), "input string reached SQL text: \(text)")
        }
    } catch let error as QueryError {
        let error = APIError(error)
        precondition(error.status == 400, "unexpected status \(error.status)")
        precondition(error.message.hasPrefix("search_params.filters"), "message without a path: \(error.message)")
    } catch let error as APIError {
        precondition(error.status == 400 || error.status == 422, "unexpected status \(error.status)")
        precondition(error.message.hasPrefix("search_params.filters"), "message without a path: \(error.message)")
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    return 0
}

/// Every string value in the input (object keys are the schema's own words).
func strings(in value: JSON) -> [String] {
    switch value {
    case .string(let s): return [s]
    case .array(let items): return items.flatMap(strings)
    case .object(let object): return object.pairs.flatMap { strings(in: $0.value) }
    default: return []
    }
}
