// libFuzzer target for the filter language: JSON text → Filter.parse → FilterCompiler.compile
// (Sources/ObservabilityEmulator/Filter.swift, FilterCompiler.swift, FieldCatalog.swift, and the
// JSON parser). Built by Fuzz/run.sh with `swiftc -sanitize=fuzzer,address`.
//
// Properties: no crash; every rejection is an APIError with status 400 or 422 whose message
// starts with the path of the offending part; and no byte of any string value from the input
// (longer than 3 characters) ever appears in the SQL text: values are always bound parameters.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFilter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSON.parse(bytes) else { return 0 }
    let compiler = FilterCompiler(workspaceID: "00000000-0000-0000-0000-000000000000") { id in
        id.hasPrefix("a") ? .TEXT : id.hasPrefix("b") ? .FLOAT : nil
    }
    do {
        let filter = try Filter.parse(value, path: "search_params.filters")
        let compiled = try compiler.compile(filter)
        for text in strings(in: value) where text.count > 3 && !safeWords.contains(text) {
            precondition(!compiled.sql.contains(text), "input string reached SQL text: \(text)")
        }
    } catch let error as APIError {
        precondition(error.status == 400 || error.status == 422, "unexpected status \(error.status)")
        precondition(error.message.hasPrefix("search_params.filters"), "message without a path: \(error.message)")
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    return 0
}

/// Field and operator names legitimately appear in SQL as catalogue column names.
let safeWords: Set<String> = Set(FieldCatalog.fixed.map(\.name) + FilterOperator.allCases.map(\.rawValue)
    + ["event_id", "created_ms", "model_name", "metadata", "true", "false", "null"])

func strings(in value: JSON) -> [String] {
    switch value {
    case .string(let s): return [s]
    case .array(let items): return items.flatMap(strings)
    case .object(let object): return object.pairs.flatMap { [$0.key] + strings(in: $0.value) }
    default: return []
    }
}
