import EmulatorJSON
import EmulatorStore

/// A span ready to store: the `GetSpan` columns computed from a decoded OTLP span.
struct SpanDraft: Sendable, Equatable {
    var traceID = "", spanID = "", parentSpanID = "", traceState = ""
    var startNs: Int64 = 0, endNs: Int64 = 0
    var name = "", kind = "", serviceName = "", statusCode = "", statusMessage = ""
    /// The GenAI columns, in `SpanAttributeMapping.columns` order.
    var mapped: [DatabaseValue] = []
    var resourceAttributes = "{}", spanAttributes = "{}"
    var scopeName = "", scopeVersion = ""
    /// The resource's `deployment.environment.name` (or `deployment.environment`): a trace column.
    var environment = ""

    /// About the bytes of the span's text columns, to size its packed row in one allocation.
    var estimatedTextBytes: Int {
        var total = 200 + name.utf8.count + resourceAttributes.utf8.count + spanAttributes.utf8.count
        for case .text(let text) in mapped { total += text.utf8.count }
        return total
    }

    static let kindNames = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"]
    static let statusNames = ["Unset", "Ok", "Error"]

    /// The resource columns of the last resource seen: every span of an export shares its
    /// resource's storage, so consecutive spans of one resource skip the work.
    struct ResourceCache {
        var resource: OTLPResource?
        var serviceName = "", environment = "", attributes = "{}"

        mutating func columns(_ resource: OTLPResource) -> (service: String, environment: String, attributes: String) {
            if resource != self.resource {
                let lookup = AttributeLookup(resource.attributes)
                serviceName = lookup.text("service.name")
                environment = lookup.text("deployment.environment.name").nonEmpty ?? lookup.text("deployment.environment")
                attributes = lookup.mapText
                self.resource = resource
            }
            return (serviceName, environment, attributes)
        }
    }

    /// The span's columns, or why it is rejected (the `partial_success` message names it).
    static func make(_ span: OTLPSpan) -> Result<SpanDraft, TelemetryRejection> {
        var cache = ResourceCache()
        return make(span, &cache)
    }

    static func make(_ span: OTLPSpan, _ cache: inout ResourceCache) -> Result<SpanDraft, TelemetryRejection> {
        guard span.traceID.count == 16, span.traceID.contains(where: { $0 != 0 }) else {
            return .failure(TelemetryRejection("trace_id must be 16 bytes, not all zero (got \(span.traceID.count) bytes)"))
        }
        guard span.spanID.count == 8, span.spanID.contains(where: { $0 != 0 }) else {
            return .failure(TelemetryRejection("span_id must be 8 bytes, not all zero (got \(span.spanID.count) bytes)"))
        }
        guard span.parentSpanID.isEmpty || span.parentSpanID.count == 8 else {
            return .failure(TelemetryRejection("parent_span_id must be empty or 8 bytes (got \(span.parentSpanID.count) bytes)"))
        }
        guard let start = Int64(exactly: span.startTimeUnixNano), let end = Int64(exactly: span.endTimeUnixNano), start > 0 else {
            return .failure(TelemetryRejection("start_time_unix_nano and end_time_unix_nano must be set and before the year 2262"))
        }
        guard end >= start else {
            return .failure(TelemetryRejection("end_time_unix_nano (\(end)) is before start_time_unix_nano (\(start))"))
        }
        var draft = SpanDraft()
        draft.traceID = Hex.encode(span.traceID)
        draft.spanID = Hex.encode(span.spanID)
        draft.parentSpanID = span.parentSpanID.allSatisfy({ $0 == 0 }) ? "" : Hex.encode(span.parentSpanID)
        draft.traceState = span.traceState
        draft.startNs = start
        draft.endNs = end
        draft.name = span.name
        draft.kind = span.kind < UInt64(kindNames.count) ? kindNames[Int(span.kind)] : "Unspecified"
        draft.statusCode = span.statusCode < 3 ? statusNames[Int(span.statusCode)] : "Unset"
        draft.statusMessage = span.statusMessage
        (draft.serviceName, draft.environment, draft.resourceAttributes) = cache.columns(span.resource)
        draft.mapped = Self.mappedColumns(span.attributes)
        draft.spanAttributes = AttributeLookup.mapText(span.attributes)
        draft.scopeName = span.scope.name
        draft.scopeVersion = span.scope.version
        return .success(draft)
    }

    /// The GenAI columns of a span's attributes, in one pass: each mapped key goes to its
    /// column (the last copy of a key wins; a fallback spelling only fills a column its main
    /// attribute left empty). Spans of the other conventions get a second pass that fills what
    /// is still empty (`SpanConventions`).
    static func mappedColumns(_ attributes: [OTLPAttribute]) -> [DatabaseValue] {
        let kinds = SpanAttributeMapping.kinds
        var values = [OTLPValue?](repeating: nil, count: kinds.count)
        var fromFallback = [Bool](repeating: false, count: kinds.count)
        var otherConvention = false
        for attribute in attributes {
            guard let slots = SpanAttributeMapping.slotsByAttribute[attribute.key] else {
                if !otherConvention { otherConvention = SpanConventions.mayApply(attribute.key) }
                continue
            }
            for (slot, isFallback) in slots {
                if isFallback, values[slot] != nil, !fromFallback[slot] { continue }
                values[slot] = attribute.value
                fromFallback[slot] = isFallback
            }
        }
        if otherConvention { SpanConventions.fill(&values, from: attributes) }
        var columns: [DatabaseValue] = []
        columns.reserveCapacity(kinds.count)
        for slot in kinds.indices { columns.append(columnValue(values[slot], kinds[slot])) }
        return columns
    }

    static func columnValue(_ value: OTLPValue?, _ kind: SpanAttributeMapping.Kind) -> DatabaseValue {
        switch kind {
        case .text:
            return .text(value?.flattened ?? "")
        case .integer:
            switch value {
            case .int(let number): return .integer(number)
            case .double(let number): return .integer(Int64(exactly: number) ?? 0)
            case .string(let text): return .integer(Int64(text) ?? 0)
            default: return .integer(0)
            }
        case .optionalReal:
            switch value {
            case .double(let number) where number.isFinite: return .real(number)
            case .int(let number): return .real(Double(number))
            case .string(let text): return Double(text).map { .real($0) } ?? .null
            default: return .null
            }
        case .stringList:
            switch value {
            case .array(let items): return .text(JSON.array(items.map { .string($0.flattened) }).text)
            case .some(let single): return .text(JSON.array([.string(single.flattened)]).text)
            case nil: return .text("[]")
            }
        }
    }
}

/// Why one span or log record of an export was dropped.
struct TelemetryRejection: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A log record ready to store, with the span evaluation it carries when its event name is
/// `gen_ai.evaluation.result`.
struct LogDraft: Sendable {
    var timeNs: Int64 = 0
    var traceID = "", spanID = ""
    var traceFlags: Int64 = 0
    var severityText = "", severityNumber: Int64 = 0
    var serviceName = "", body = "", eventName = ""
    var resourceSchemaURL = "", resourceAttributes = "{}"
    var scopeSchemaURL = "", scopeName = "", scopeVersion = "", scopeAttributes = "{}"
    var logAttributes = "{}"
    /// Identifies the record: a re-sent copy replaces the earlier one.
    var fingerprint = ""
    var evaluation: EvaluationDraft?

    static let evaluationEvent = "gen_ai.evaluation.result"

    static func make(_ record: OTLPLogRecord) -> Result<LogDraft, TelemetryRejection> {
        guard record.traceID.isEmpty || record.traceID.count == 16 else {
            return .failure(TelemetryRejection("trace_id must be empty or 16 bytes (got \(record.traceID.count) bytes)"))
        }
        guard record.spanID.isEmpty || record.spanID.count == 8 else {
            return .failure(TelemetryRejection("span_id must be empty or 8 bytes (got \(record.spanID.count) bytes)"))
        }
        let time = record.timeUnixNano != 0 ? record.timeUnixNano : record.observedTimeUnixNano
        guard let timeNs = Int64(exactly: time) else {
            return .failure(TelemetryRejection("time_unix_nano is after the year 2262"))
        }
        var draft = LogDraft()
        draft.timeNs = timeNs
        draft.traceID = record.traceID.allSatisfy({ $0 == 0 }) ? "" : Hex.encode(record.traceID)
        draft.spanID = record.spanID.allSatisfy({ $0 == 0 }) ? "" : Hex.encode(record.spanID)
        draft.traceFlags = Int64(record.flags & 0xFF)
        draft.severityText = record.severityText
        draft.severityNumber = Int64(min(record.severityNumber, 24))
        let attributes = AttributeLookup(record.attributes)
        let resource = AttributeLookup(record.resource.attributes)
        draft.serviceName = resource.text("service.name")
        if let body = record.body {
            if case .string(let text) = body { draft.body = text } else { draft.body = body.json.text }
        }
        draft.eventName = record.eventName.nonEmpty ?? attributes.text("event.name")
        draft.resourceSchemaURL = record.resource.schemaURL
        draft.resourceAttributes = resource.mapText
        draft.scopeSchemaURL = record.scope.schemaURL
        draft.scopeName = record.scope.name
        draft.scopeVersion = record.scope.version
        draft.scopeAttributes = AttributeLookup(record.scope.attributes).mapText
        draft.logAttributes = attributes.mapText
        let identity = [String(timeNs), String(record.observedTimeUnixNano), draft.traceID, draft.spanID, String(draft.severityNumber),
                        draft.severityText, draft.body, draft.eventName, draft.logAttributes, draft.resourceAttributes,
                        draft.scopeName, draft.scopeVersion].joined(separator: "\u{1F}")
        draft.fingerprint = Hex.encode(SHA1.hash(Array(identity.utf8)))
        if draft.eventName == evaluationEvent, draft.traceID.count == 32, draft.spanID.count == 16 {
            draft.evaluation = EvaluationDraft(log: draft, attributes: attributes)
        }
        return .success(draft)
    }
}

/// A `GetSpanEvaluation` row: from a `gen_ai.evaluation.result` log record, or written by an
/// online pipeline.
struct EvaluationDraft: Sendable {
    var key = ""
    var traceID = "", spanID = ""
    var timeNs: Int64 = 0
    var evaluationName = "", scoreLabel = "", explanation = "", responseID = "", conversationID = ""
    var scoreValue: Double = 0
    var metadata = "{}"

    static let mappedKeys: Set<String> = [
        "gen_ai.evaluation.name", "gen_ai.evaluation.score.value", "gen_ai.evaluation.score.label",
        "gen_ai.evaluation.explanation", "gen_ai.response.id", "gen_ai.conversation.id", "event.name",
    ]

    init(key: String, traceID: String, spanID: String, timeNs: Int64) {
        self.key = key
        self.traceID = traceID
        self.spanID = spanID
        self.timeNs = timeNs
    }

    init(log: LogDraft, attributes: AttributeLookup) {
        self.init(key: log.fingerprint, traceID: log.traceID, spanID: log.spanID, timeNs: log.timeNs)
        evaluationName = attributes.text("gen_ai.evaluation.name")
        switch attributes.value("gen_ai.evaluation.score.value") {
        case .double(let number) where number.isFinite: scoreValue = number
        case .int(let number): scoreValue = Double(number)
        case .string(let text): scoreValue = Double(text).flatMap { $0.isFinite ? $0 : nil } ?? 0
        default: scoreValue = 0
        }
        scoreLabel = attributes.text("gen_ai.evaluation.score.label")
        explanation = attributes.text("gen_ai.evaluation.explanation")
        responseID = attributes.text("gen_ai.response.id")
        conversationID = attributes.text("gen_ai.conversation.id")
        metadata = attributes.mapText(excluding: Self.mappedKeys)
    }
}

/// Attributes by key (the last copy of a repeated key wins), and as the stored JSON map of strings.
struct AttributeLookup {
    private var entries: [(String, OTLPValue?)] = []
    private var index: [String: Int] = [:]

    init(_ attributes: [OTLPAttribute]) {
        for attribute in attributes {
            if let at = index[attribute.key] {
                entries[at] = (attribute.key, attribute.value)
            } else {
                index[attribute.key] = entries.count
                entries.append((attribute.key, attribute.value))
            }
        }
    }

    func value(_ key: String) -> OTLPValue? { index[key].flatMap { entries[$0].1 } }

    func text(_ key: String) -> String { value(key)?.flattened ?? "" }

    var mapText: String { mapText(excluding: []) }

    func mapText(excluding: Set<String>) -> String {
        Self.write(entries.lazy.filter { !excluding.contains($0.0) })
    }

    /// The stored map of a list of attributes, without building a lookup first (the span hot
    /// path): keys in first-seen order, the last copy of a repeated key winning, as above. A
    /// short list is scanned in place; a long one (a hostile span with thousands of attributes)
    /// goes through the lookup, so the cost stays linear.
    static func mapText(_ attributes: [OTLPAttribute]) -> String {
        guard attributes.count <= 16 else { return AttributeLookup(attributes).mapText }
        return object(reserving: attributes.count * 48) { out in
            for index in attributes.indices {
                let key = attributes[index].key
                // A key seen earlier: its value is written there (the last copy's).
                if attributes[..<index].contains(where: { $0.key == key }) { continue }
                var value = attributes[index].value
                for later in attributes[(index + 1)...] where later.key == key { value = later.value }
                append(key, value, to: &out)
            }
        }
    }

    /// The stored JSON map of strings, written straight to bytes.
    private static func write(_ entries: some Sequence<(String, OTLPValue?)>) -> String {
        object(reserving: 0) { out in
            for (key, value) in entries { append(key, value, to: &out) }
        }
    }

    private static func object(reserving capacity: Int, _ fill: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(capacity)
        fill(&out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ key: String, _ value: OTLPValue?, to out: inout [UInt8]) {
        if out.count > 1 { out.append(UInt8(ascii: ",")) }
        JSON.writeString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        JSON.writeString(value?.flattened ?? "", into: &out)
    }
}

/// Lower-case hex, as the API writes trace and span ids.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// Nil for the empty string, for `a.nonEmpty ?? b`.
    var nonEmpty: String? { isEmpty ? nil : self }
}
