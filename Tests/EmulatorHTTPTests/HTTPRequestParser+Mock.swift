@testable import EmulatorHTTP

extension HTTPRequestParser {
    /// A parser with default limits, or the ones given.
    static func make(_ configure: (inout HTTPLimits) -> Void = { _ in }) -> HTTPRequestParser {
        var limits = HTTPLimits()
        configure(&limits)
        return HTTPRequestParser(limits: limits)
    }

    /// Appends `text` and collects events until the parser needs more bytes (the `.needMore`
    /// that ends the run is not included).
    mutating func feed(_ text: String) -> [Event] {
        feed(Array(text.utf8))
    }

    mutating func feed(_ bytes: [UInt8]) -> [Event] {
        append(bytes)
        return drain()
    }

    /// Collects events from what is already buffered, stopping at `.needMore` or a failure.
    mutating func drain() -> [Event] {
        var events: [Event] = []
        while true {
            let event = next()
            if case .needMore = event { return events }
            events.append(event)
            if case .failure = event { return events }
            if events.count > 100 { return events }
        }
    }
}

extension HTTPRequestParser.Event {
    var head: HTTPRequestHead? {
        if case .request(let head, _) = self { return head }
        return nil
    }

    var body: [UInt8]? {
        if case .request(_, let body) = self { return body }
        return nil
    }

    var bodyText: String? { body.map { String(decoding: $0, as: UTF8.self) } }

    var failure: HTTPParseError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
