import EmulatorJSON

/// Decodes OTLP/HTTP JSON bodies (the protobuf JSON mapping with OTLP's deviations): lowerCamelCase
/// keys, trace and span ids as case-insensitive hex, enums as integers, 64-bit integers as
/// decimal strings or numbers, `bytesValue` as base64. Unknown keys are ignored, as receivers
/// must. A value of the wrong type throws a `DecodeError` naming its path
/// (`resourceSpans[0].scopeSpans[0].spans[1].traceId: not hex`).
enum OTLPJSON {
    struct DecodeError: Error, Equatable, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func decodeTraces(_ body: [UInt8]) throws -> [OTLPSpan] {
        try decodeItems(body, keys: ("resourceSpans", "scopeSpans", "spans"), read: readSpan) { span, resource, scope in
            span.resource = resource
            span.scope = scope
        }
    }

    static func decodeLogs(_ body: [UInt8]) throws -> [OTLPLogRecord] {
        try decodeItems(body, keys: ("resourceLogs", "scopeLogs", "logRecords"), read: readLogRecord) { record, resource, scope in
            record.resource = resource
            record.scope = scope
        }
    }

    /// The walk traces and logs share: resource entries, each with a `resource` and scope
    /// entries, each with a `scope` and the items. `read` reads one item at its path.
    private static func decodeItems<Item>(_ body: [UInt8], keys: (resource: String, scope: String, item: String),
                                          read: (JSON, String) throws -> Item,
                                          attach: (inout Item, OTLPResource, OTLPScope) -> Void) throws -> [Item] {
        let root = try parse(body)
        var items: [Item] = []
        for (r, resourceItems) in try objects(root, keys.resource, "").enumerated() {
            let path = "\(keys.resource)[\(r)]"
            var resource = try readResource(resourceItems["resource"], path + ".resource")
            resource.schemaURL = try string(resourceItems, "schemaUrl", path)
            for (s, scopeItems) in try objects(resourceItems, keys.scope, path).enumerated() {
                let scopePath = "\(path).\(keys.scope)[\(s)]"
                var scope = try readScope(scopeItems["scope"], scopePath + ".scope")
                scope.schemaURL = try string(scopeItems, "schemaUrl", scopePath)
                for (index, object) in try objects(scopeItems, keys.item, scopePath).enumerated() {
                    var item = try read(object, "\(scopePath).\(keys.item)[\(index)]")
                    attach(&item, resource, scope)
                    items.append(item)
                }
            }
        }
        return items
    }

    static func countMetrics(_ body: [UInt8]) throws -> Int {
        let root = try parse(body)
        var count = 0
        for (r, resourceMetrics) in try objects(root, "resourceMetrics", "").enumerated() {
            for scopeMetrics in try objects(resourceMetrics, "scopeMetrics", "resourceMetrics[\(r)]") {
                count += try objects(scopeMetrics, "metrics", "resourceMetrics[\(r)].scopeMetrics").count
            }
        }
        return count
    }

    // MARK: Messages

    private static func parse(_ body: [UInt8]) throws -> JSON {
        let value: JSON
        do { value = try JSON.parse(body) } catch { throw DecodeError(message: "body: invalid JSON: \(error)") }
        guard case .object = value else { throw DecodeError(message: "body: expected a JSON object, got \(value.typeDescription)") }
        return value
    }

    private static func field(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The objects of an array field; absent or null is empty.
    private static func objects(_ parent: JSON, _ key: String, _ path: String) throws -> [JSON] {
        guard let value = parent[key], !value.isNull else { return [] }
        guard case .array(let items) = value else { throw DecodeError(message: "\(field(path, key)): expected an array, got \(value.typeDescription)") }
        return try items.enumerated().map { index, item in
            guard case .object = item else { throw DecodeError(message: "\(field(path, key))[\(index)]: expected an object, got \(item.typeDescription)") }
            return item
        }
    }

    private static func string(_ parent: JSON, _ key: String, _ path: String) throws -> String {
        guard let value = parent[key], !value.isNull else { return "" }
        guard case .string(let text) = value else { throw DecodeError(message: "\(field(path, key)): expected a string, got \(value.typeDescription)") }
        return text
    }

    /// A 64-bit unsigned integer: a decimal string or a JSON number.
    private static func uint64(_ parent: JSON, _ key: String, _ path: String) throws -> UInt64 {
        guard let value = parent[key], !value.isNull else { return 0 }
        switch value {
        case .int(let number) where number >= 0: return UInt64(number)
        case .string(let text):
            guard let number = UInt64(text) else { throw DecodeError(message: "\(field(path, key)): '\(text.prefix(40))' is not an unsigned 64-bit integer") }
            return number
        default: throw DecodeError(message: "\(field(path, key)): expected an unsigned integer, got \(value.typeDescription)")
        }
    }

    /// An enum: an integer (OTLP JSON forbids the names).
    private static func enumeration(_ parent: JSON, _ key: String, _ path: String) throws -> UInt64 {
        guard let value = parent[key], !value.isNull else { return 0 }
        guard case .int(let number) = value, number >= 0 else {
            throw DecodeError(message: "\(field(path, key)): expected an enum number, got \(value.typeDescription)")
        }
        return UInt64(number)
    }

    /// A trace or span id: case-insensitive hex.
    private static func hex(_ parent: JSON, _ key: String, _ path: String) throws -> [UInt8] {
        let text = try string(parent, key, path)
        var bytes: [UInt8] = []
        var high: UInt8?
        for c in text.utf8 {
            let nibble: UInt8
            switch c {
            case 48...57: nibble = c - 48
            case 65...70: nibble = c - 55
            case 97...102: nibble = c - 87
            default: throw DecodeError(message: "\(field(path, key)): '\(text.prefix(40))' is not hex")
            }
            if let h = high { bytes.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        guard high == nil else { throw DecodeError(message: "\(field(path, key)): '\(text.prefix(40))' has an odd number of hex digits") }
        return bytes
    }

    private static func readResource(_ value: JSON?, _ path: String) throws -> OTLPResource {
        guard let value, !value.isNull else { return OTLPResource() }
        guard case .object = value else { throw DecodeError(message: "\(path): expected an object, got \(value.typeDescription)") }
        return OTLPResource(attributes: try attributes(value, "attributes", path))
    }

    private static func readScope(_ value: JSON?, _ path: String) throws -> OTLPScope {
        guard let value, !value.isNull else { return OTLPScope() }
        guard case .object = value else { throw DecodeError(message: "\(path): expected an object, got \(value.typeDescription)") }
        return OTLPScope(name: try string(value, "name", path), version: try string(value, "version", path),
                         attributes: try attributes(value, "attributes", path))
    }

    private static func readSpan(_ object: JSON, _ path: String) throws -> OTLPSpan {
        var span = OTLPSpan()
        span.traceID = try hex(object, "traceId", path)
        span.spanID = try hex(object, "spanId", path)
        span.parentSpanID = try hex(object, "parentSpanId", path)
        span.traceState = try string(object, "traceState", path)
        span.name = try string(object, "name", path)
        span.kind = try enumeration(object, "kind", path)
        span.startTimeUnixNano = try uint64(object, "startTimeUnixNano", path)
        span.endTimeUnixNano = try uint64(object, "endTimeUnixNano", path)
        span.attributes = try attributes(object, "attributes", path)
        span.flags = UInt32(truncatingIfNeeded: try uint64(object, "flags", path))
        span.eventCount = try objects(object, "events", path).count
        span.linkCount = try objects(object, "links", path).count
        if let status = object["status"], !status.isNull {
            guard case .object = status else { throw DecodeError(message: "\(path).status: expected an object, got \(status.typeDescription)") }
            span.statusCode = try enumeration(status, "code", path + ".status")
            span.statusMessage = try string(status, "message", path + ".status")
        }
        return span
    }

    private static func readLogRecord(_ object: JSON, _ path: String) throws -> OTLPLogRecord {
        var record = OTLPLogRecord()
        record.timeUnixNano = try uint64(object, "timeUnixNano", path)
        record.observedTimeUnixNano = try uint64(object, "observedTimeUnixNano", path)
        record.severityNumber = try enumeration(object, "severityNumber", path)
        record.severityText = try string(object, "severityText", path)
        if let body = object["body"], !body.isNull { record.body = try anyValue(body, path + ".body") }
        record.attributes = try attributes(object, "attributes", path)
        record.flags = UInt32(truncatingIfNeeded: try uint64(object, "flags", path))
        record.traceID = try hex(object, "traceId", path)
        record.spanID = try hex(object, "spanId", path)
        record.eventName = try string(object, "eventName", path)
        return record
    }

    private static func attributes(_ parent: JSON, _ key: String, _ path: String) throws -> [OTLPAttribute] {
        try objects(parent, key, path).enumerated().map { index, item in
            let itemPath = "\(field(path, key))[\(index)]"
            let value = item["value"].flatMap { $0.isNull ? nil : $0 }
            return OTLPAttribute(key: try string(item, "key", itemPath), value: try value.flatMap { try anyValue($0, itemPath + ".value") })
        }
    }

    /// An `AnyValue` object: `{"stringValue": …}`, `{"intValue": "42"}`, `{"arrayValue": {"values": […]}}`, …
    private static func anyValue(_ value: JSON, _ path: String) throws -> OTLPValue? {
        guard case .object(let object) = value else { throw DecodeError(message: "\(path): expected an AnyValue object, got \(value.typeDescription)") }
        if let text = object["stringValue"] {
            guard case .string(let s) = text else { throw DecodeError(message: "\(path).stringValue: expected a string") }
            return .string(s)
        }
        if let flag = object["boolValue"] {
            guard case .bool(let b) = flag else { throw DecodeError(message: "\(path).boolValue: expected a boolean") }
            return .bool(b)
        }
        if let number = object["intValue"] {
            switch number {
            case .int(let n): return .int(n)
            case .string(let s):
                guard let n = Int64(s) else { throw DecodeError(message: "\(path).intValue: '\(s.prefix(40))' is not a 64-bit integer") }
                return .int(n)
            default: throw DecodeError(message: "\(path).intValue: expected an integer")
            }
        }
        if let number = object["doubleValue"] {
            switch number {
            case .double(let d): return .double(d)
            case .int(let n): return .double(Double(n))
            case .string(let s):
                let special: [String: Double] = ["NaN": .nan, "Infinity": .infinity, "-Infinity": -.infinity]
                guard let d = special[s] ?? Double(s) else { throw DecodeError(message: "\(path).doubleValue: '\(s.prefix(40))' is not a number") }
                return .double(d)
            default: throw DecodeError(message: "\(path).doubleValue: expected a number")
            }
        }
        if let array = object["arrayValue"] {
            let items = try objects(array, "values", path + ".arrayValue")
            return .array(try items.enumerated().map { index, item in try anyValue(item, "\(path).arrayValue.values[\(index)]") ?? .string("") })
        }
        if let list = object["kvlistValue"] {
            return .map(try attributes(list, "values", path + ".kvlistValue"))
        }
        if let bytes = object["bytesValue"] {
            guard case .string(let text) = bytes, let decoded = Base64.decode(text) else {
                throw DecodeError(message: "\(path).bytesValue: expected base64")
            }
            return .bytes(decoded)
        }
        return nil
    }
}
