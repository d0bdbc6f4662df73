/// What an OTLP export carries, flattened to one value per span or log record, each with its
/// resource and instrumentation scope (shared copies: arrays are copy-on-write).
struct OTLPResource: Equatable, Sendable {
    var attributes: [OTLPAttribute] = []
    /// The `schema_url` of the `ResourceSpans` / `ResourceLogs` entry.
    var schemaURL = ""
}

struct OTLPScope: Equatable, Sendable {
    var name = ""
    var version = ""
    var attributes: [OTLPAttribute] = []
    /// The `schema_url` of the `ScopeSpans` / `ScopeLogs` entry.
    var schemaURL = ""
}

struct OTLPSpan: Equatable, Sendable {
    var traceID: [UInt8] = []
    var spanID: [UInt8] = []
    var parentSpanID: [UInt8] = []
    var traceState = ""
    var name = ""
    /// `Span.SpanKind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
    var kind: UInt64 = 0
    var startTimeUnixNano: UInt64 = 0
    var endTimeUnixNano: UInt64 = 0
    var attributes: [OTLPAttribute] = []
    var flags: UInt32 = 0
    var eventCount = 0
    var linkCount = 0
    /// `Status.StatusCode`: 0 unset, 1 ok, 2 error.
    var statusCode: UInt64 = 0
    var statusMessage = ""
    var scope = OTLPScope()
    var resource = OTLPResource()
}

struct OTLPLogRecord: Equatable, Sendable {
    var timeUnixNano: UInt64 = 0
    var observedTimeUnixNano: UInt64 = 0
    var severityNumber: UInt64 = 0
    var severityText = ""
    var body: OTLPValue?
    var attributes: [OTLPAttribute] = []
    var flags: UInt32 = 0
    var traceID: [UInt8] = []
    var spanID: [UInt8] = []
    var eventName = ""
    var scope = OTLPScope()
    var resource = OTLPResource()
}
