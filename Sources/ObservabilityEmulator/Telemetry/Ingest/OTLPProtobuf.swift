/// Decodes OTLP/HTTP protobuf bodies (`ExportTraceServiceRequest`, `ExportLogsServiceRequest`,
/// `ExportMetricsServiceRequest`) with `ProtobufReader`, field numbers from the OTLP v1 protos.
/// A body that does not decode throws `ProtobufReader.DecodeError`; nothing is returned in part.
enum OTLPProtobuf {
    typealias Reader = ProtobufReader

    static func decodeTraces(_ body: [UInt8]) throws -> [OTLPSpan] {
        try decodeItems(body, names: ("resource_spans", "scope_spans", "spans"), read: readSpan) { span, resource, scope in
            span.resource = resource
            span.scope = scope
        }
    }

    static func decodeLogs(_ body: [UInt8]) throws -> [OTLPLogRecord] {
        try decodeItems(body, names: ("resource_logs", "scope_logs", "log_records"), read: readLogRecord) { record, resource, scope in
            record.resource = resource
            record.scope = scope
        }
    }

    /// The walk traces and logs share: `Export*ServiceRequest { repeated Resource* = 1 }`,
    /// `Resource* { Resource resource = 1; repeated Scope* = 2 }`, `Scope* { InstrumentationScope
    /// scope = 1; repeated Item items = 2 }`. Each item is read by `read` and given its resource
    /// and scope by `attach`; `names` are the proto field names, for errors.
    private static func decodeItems<Item>(_ body: [UInt8], names: (resource: String, scope: String, item: String),
                                          read: (inout Reader) throws -> Item,
                                          attach: (inout Item, OTLPResource, OTLPScope) -> Void) throws -> [Item] {
        try body.withUnsafeBytes { raw in
            var reader = Reader(raw)
            var items: [Item] = []
            while let (number, wire) = try reader.nextField() {
                guard number == 1 else { try reader.skip(wire); continue }
                try reader.expect(.lengthDelimited, wire, field: names.resource)
                var resourceItems = try reader.readMessage()
                var resource = OTLPResource()
                var schemaURL = ""
                var scopes: [Reader] = []
                while let (number, wire) = try resourceItems.nextField() {
                    switch number {
                    case 1:
                        try resourceItems.expect(.lengthDelimited, wire, field: "resource")
                        var message = try resourceItems.readMessage()
                        resource = try readResource(&message)
                    case 2:
                        try resourceItems.expect(.lengthDelimited, wire, field: names.scope)
                        scopes.append(try resourceItems.readMessage())
                    case 3:
                        try resourceItems.expect(.lengthDelimited, wire, field: "\(names.resource).schema_url")
                        schemaURL = try resourceItems.readString()
                    default: try resourceItems.skip(wire)
                    }
                }
                resource.schemaURL = schemaURL
                for var scopeItems in scopes {
                    var scope = OTLPScope()
                    var scopeSchemaURL = ""
                    var itemReaders: [Reader] = []
                    while let (number, wire) = try scopeItems.nextField() {
                        switch number {
                        case 1:
                            try scopeItems.expect(.lengthDelimited, wire, field: "scope")
                            var message = try scopeItems.readMessage()
                            scope = try readScope(&message)
                        case 2:
                            try scopeItems.expect(.lengthDelimited, wire, field: names.item)
                            itemReaders.append(try scopeItems.readMessage())
                        case 3:
                            try scopeItems.expect(.lengthDelimited, wire, field: "\(names.scope).schema_url")
                            scopeSchemaURL = try scopeItems.readString()
                        default: try scopeItems.skip(wire)
                        }
                    }
                    scope.schemaURL = scopeSchemaURL
                    for var itemReader in itemReaders {
                        var item = try read(&itemReader)
                        attach(&item, resource, scope)
                        items.append(item)
                    }
                }
            }
            return items
        }
    }

    /// The number of `Metric` messages: metrics are checked and counted, not stored.
    static func countMetrics(_ body: [UInt8]) throws -> Int {
        try body.withUnsafeBytes { raw in
            var reader = Reader(raw)
            var count = 0
            while let (number, wire) = try reader.nextField() {
                guard number == 1 else { try reader.skip(wire); continue }  // resource_metrics
                try reader.expect(.lengthDelimited, wire, field: "resource_metrics")
                var resourceMetrics = try reader.readMessage()
                while let (number, wire) = try resourceMetrics.nextField() {
                    switch number {
                    case 1:
                        try resourceMetrics.expect(.lengthDelimited, wire, field: "resource")
                        var message = try resourceMetrics.readMessage()
                        _ = try readResource(&message)
                    case 2:
                        try resourceMetrics.expect(.lengthDelimited, wire, field: "scope_metrics")
                        var scopeMetrics = try resourceMetrics.readMessage()
                        while let (number, wire) = try scopeMetrics.nextField() {
                            if number == 2 {
                                try scopeMetrics.expect(.lengthDelimited, wire, field: "metrics")
                                _ = try scopeMetrics.readMessage()
                                count += 1
                            } else {
                                try scopeMetrics.skip(wire)
                            }
                        }
                    default: try resourceMetrics.skip(wire)
                    }
                }
            }
            return count
        }
    }

    // MARK: Messages

    static func readResource(_ reader: inout Reader) throws -> OTLPResource {
        var resource = OTLPResource()
        while let (number, wire) = try reader.nextField() {
            if number == 1 {
                try reader.expect(.lengthDelimited, wire, field: "resource.attributes")
                var message = try reader.readMessage()
                resource.attributes.append(try readKeyValue(&message))
            } else {
                try reader.skip(wire)
            }
        }
        return resource
    }

    static func readScope(_ reader: inout Reader) throws -> OTLPScope {
        var scope = OTLPScope()
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1: try reader.expect(.lengthDelimited, wire, field: "scope.name"); scope.name = try reader.readString()
            case 2: try reader.expect(.lengthDelimited, wire, field: "scope.version"); scope.version = try reader.readString()
            case 3:
                try reader.expect(.lengthDelimited, wire, field: "scope.attributes")
                var message = try reader.readMessage()
                scope.attributes.append(try readKeyValue(&message))
            default: try reader.skip(wire)
            }
        }
        return scope
    }

    static func readSpan(_ reader: inout Reader) throws -> OTLPSpan {
        var span = OTLPSpan()
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1: try reader.expect(.lengthDelimited, wire, field: "span.trace_id"); span.traceID = try reader.readBytes()
            case 2: try reader.expect(.lengthDelimited, wire, field: "span.span_id"); span.spanID = try reader.readBytes()
            case 3: try reader.expect(.lengthDelimited, wire, field: "span.trace_state"); span.traceState = try reader.readString()
            case 4: try reader.expect(.lengthDelimited, wire, field: "span.parent_span_id"); span.parentSpanID = try reader.readBytes()
            case 5: try reader.expect(.lengthDelimited, wire, field: "span.name"); span.name = try reader.readString()
            case 6: try reader.expect(.varint, wire, field: "span.kind"); span.kind = try reader.readVarint()
            case 7: try reader.expect(.fixed64, wire, field: "span.start_time_unix_nano"); span.startTimeUnixNano = try reader.readFixed64()
            case 8: try reader.expect(.fixed64, wire, field: "span.end_time_unix_nano"); span.endTimeUnixNano = try reader.readFixed64()
            case 9:
                try reader.expect(.lengthDelimited, wire, field: "span.attributes")
                var message = try reader.readMessage()
                span.attributes.append(try readKeyValue(&message))
            case 11: try reader.expect(.lengthDelimited, wire, field: "span.events"); _ = try reader.readMessage(); span.eventCount += 1
            case 13: try reader.expect(.lengthDelimited, wire, field: "span.links"); _ = try reader.readMessage(); span.linkCount += 1
            case 15:
                try reader.expect(.lengthDelimited, wire, field: "span.status")
                var status = try reader.readMessage()
                while let (number, wire) = try status.nextField() {
                    switch number {
                    case 2: try status.expect(.lengthDelimited, wire, field: "status.message"); span.statusMessage = try status.readString()
                    case 3: try status.expect(.varint, wire, field: "status.code"); span.statusCode = try status.readVarint()
                    default: try status.skip(wire)
                    }
                }
            case 16: try reader.expect(.fixed32, wire, field: "span.flags"); span.flags = try reader.readFixed32()
            default: try reader.skip(wire)
            }
        }
        return span
    }

    static func readLogRecord(_ reader: inout Reader) throws -> OTLPLogRecord {
        var record = OTLPLogRecord()
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1: try reader.expect(.fixed64, wire, field: "log_record.time_unix_nano"); record.timeUnixNano = try reader.readFixed64()
            case 2: try reader.expect(.varint, wire, field: "log_record.severity_number"); record.severityNumber = try reader.readVarint()
            case 3: try reader.expect(.lengthDelimited, wire, field: "log_record.severity_text"); record.severityText = try reader.readString()
            case 5:
                try reader.expect(.lengthDelimited, wire, field: "log_record.body")
                var message = try reader.readMessage()
                record.body = try readAnyValue(&message)
            case 6:
                try reader.expect(.lengthDelimited, wire, field: "log_record.attributes")
                var message = try reader.readMessage()
                record.attributes.append(try readKeyValue(&message))
            case 8: try reader.expect(.fixed32, wire, field: "log_record.flags"); record.flags = try reader.readFixed32()
            case 9: try reader.expect(.lengthDelimited, wire, field: "log_record.trace_id"); record.traceID = try reader.readBytes()
            case 10: try reader.expect(.lengthDelimited, wire, field: "log_record.span_id"); record.spanID = try reader.readBytes()
            case 11: try reader.expect(.fixed64, wire, field: "log_record.observed_time_unix_nano"); record.observedTimeUnixNano = try reader.readFixed64()
            case 12: try reader.expect(.lengthDelimited, wire, field: "log_record.event_name"); record.eventName = try reader.readString()
            default: try reader.skip(wire)
            }
        }
        return record
    }

    static func readKeyValue(_ reader: inout Reader) throws -> OTLPAttribute {
        var key = ""
        var value: OTLPValue?
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1: try reader.expect(.lengthDelimited, wire, field: "key_value.key"); key = try reader.readString()
            case 2:
                try reader.expect(.lengthDelimited, wire, field: "key_value.value")
                var message = try reader.readMessage()
                value = try readAnyValue(&message)
            default: try reader.skip(wire)
            }
        }
        return OTLPAttribute(key: key, value: value)
    }

    /// An `AnyValue`; nil when no branch of the oneof is set. The last branch on the wire wins.
    static func readAnyValue(_ reader: inout Reader) throws -> OTLPValue? {
        var value: OTLPValue?
        while let (number, wire) = try reader.nextField() {
            switch number {
            case 1: try reader.expect(.lengthDelimited, wire, field: "any_value.string_value"); value = .string(try reader.readString())
            case 2: try reader.expect(.varint, wire, field: "any_value.bool_value"); value = .bool(try reader.readVarint() != 0)
            case 3: try reader.expect(.varint, wire, field: "any_value.int_value"); value = .int(Int64(bitPattern: try reader.readVarint()))
            case 4: try reader.expect(.fixed64, wire, field: "any_value.double_value"); value = .double(Double(bitPattern: try reader.readFixed64()))
            case 5:
                try reader.expect(.lengthDelimited, wire, field: "any_value.array_value")
                var array = try reader.readMessage()
                var items: [OTLPValue] = []
                while let (number, wire) = try array.nextField() {
                    guard number == 1 else { try array.skip(wire); continue }
                    try array.expect(.lengthDelimited, wire, field: "array_value.values")
                    var item = try array.readMessage()
                    items.append(try readAnyValue(&item) ?? .string(""))
                }
                value = .array(items)
            case 6:
                try reader.expect(.lengthDelimited, wire, field: "any_value.kvlist_value")
                var list = try reader.readMessage()
                var entries: [OTLPAttribute] = []
                while let (number, wire) = try list.nextField() {
                    guard number == 1 else { try list.skip(wire); continue }
                    try list.expect(.lengthDelimited, wire, field: "kvlist_value.values")
                    var entry = try list.readMessage()
                    entries.append(try readKeyValue(&entry))
                }
                value = .map(entries)
            case 7: try reader.expect(.lengthDelimited, wire, field: "any_value.bytes_value"); value = .bytes(try reader.readBytes())
            default: try reader.skip(wire)
            }
        }
        return value
    }
}
