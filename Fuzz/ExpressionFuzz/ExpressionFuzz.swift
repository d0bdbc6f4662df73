// libFuzzer target for the search expression parser and compiler (Sources/ObservabilityEmulator/
// Filters/SearchExpressionParser.swift, Query/QueryCompiler+Expression.swift). Built by
// Fuzz/run.sh through SwiftPM (`OBS_FUZZ=1`).
//
// Properties: no crash, no hang; a rejection is a SearchExpressionError whose column lies within
// the expression (or just past its end); parsing is deterministic; an expression that parses
// either compiles, over spans and over traces, to SQL whose placeholders match its arguments
// and that SQLite accepts and runs against the real schema, or is refused with a 400.

import EmulatorStore
@testable import ObservabilityEmulator

/// One store for the whole run (the real schema and SQL functions, a few seeded spans).
nonisolated(unsafe) let store: ObservabilityStore = {
    let store = try! ObservabilityStore(path: nil, clock: EmulatorClock(mode: .system), ids: IDGenerator(seed: 1))
    var random = SplitMix64(state: 1)
    try! store.insertSpans(SyntheticTraces.makeTrace(0, &random), workspaceKey: "")
    return store
}()
let tenant = TelemetryTenant(Workspace(token: "fuzz"))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parsed: SearchExpression
    do {
        parsed = try SearchExpressionParser.parse(text)
        precondition(parsed == (try? SearchExpressionParser.parse(text)), "parsing is not deterministic")
    } catch let error as SearchExpressionError {
        let length = text.unicodeScalars.count
        precondition(error.column >= 1 && error.column <= max(length, SearchExpressionParser.maximumLength) + 1,
                     "column \(error.column) outside an expression of \(length) characters")
        return 0
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    for resource in [TelemetryResource.spans, .traces] {
        do {
            let compiled = try QueryCompiler(.telemetry(resource, tenant: tenant)).compile(parsed)
            precondition(compiled.sql.filter { $0 == "?" }.count == compiled.arguments.count, "placeholders and arguments differ: \(compiled.sql)")
            do {
                _ = try store.pool.read { db in
                    try db.queryOne("SELECT COUNT(*) FROM \(resource.table) AS t WHERE \(compiled.sql)", compiled.arguments) { $0.int(0) }
                }
            } catch let error as DatabaseError {
                // A regular expression over its time budget is the one refusal SQLite may give.
                precondition(error.message.contains(BoundedRegex.timeoutMessage), "SQLite refused compiled SQL: \(error) for \(compiled.sql)")
            }
        } catch let error as QueryError {
            precondition(APIError(error).status == 400, "unexpected status \(APIError(error).status)")
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
    return 0
}
