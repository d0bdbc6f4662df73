// libFuzzer target for the search expression parser (Sources/ObservabilityEmulator/Filters/
// SearchExpressionParser.swift). Built by Fuzz/run.sh through SwiftPM (`OBS_FUZZ=1`).
//
// Properties: no crash, no hang; a rejection is a SearchExpressionError whose column lies within
// the expression (or just past its end); parsing is deterministic.

@testable import ObservabilityEmulator

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let parsed = try SearchExpressionParser.parse(text)
        precondition(parsed == (try? SearchExpressionParser.parse(text)), "parsing is not deterministic")
    } catch let error as SearchExpressionError {
        let length = text.unicodeScalars.count
        precondition(error.column >= 1 && error.column <= max(length, SearchExpressionParser.maximumLength) + 1,
                     "column \(error.column) outside an expression of \(length) characters")
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    return 0
}
