import EmulatorJSON

/// An OTLP `AnyValue`: what an attribute, a log body or an array item holds.
indirect enum OTLPValue: Equatable, Sendable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([OTLPValue])
    case map([OTLPAttribute])

    /// The value as the telemetry rows store every attribute: strings as they are, booleans
    /// `true`/`false`, numbers in their shortest form, bytes as base64, arrays and maps as
    /// compact JSON.
    var flattened: String {
        switch self {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return number.isFinite ? JSON.double(number).text : Self.nonFinite(number)
        case .bytes, .array, .map: return json.text
        }
    }

    /// NaN and the infinities as the OTLP JSON mapping spells them (JSON has no number for them).
    static func nonFinite(_ number: Double) -> String {
        number.isNaN ? "NaN" : (number < 0 ? "-Infinity" : "Infinity")
    }

    /// Equal when every part is equal; doubles compare by bit pattern, so a value holding NaN
    /// equals itself (decoding the same bytes twice must give equal values).
    static func == (lhs: OTLPValue, rhs: OTLPValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)): return a == b
        default: return false
        }
    }

    /// The value as JSON: bytes as base64 (the OTLP JSON mapping's choice), maps as objects.
    var json: JSON {
        switch self {
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return number.isFinite ? .double(number) : .string(Self.nonFinite(number))
        case .bytes(let bytes): return .string(Base64.encode(bytes))
        case .array(let items): return .array(items.map(\.json))
        case .map(let entries): return .object(JSONObject(entries.map { ($0.key, $0.value?.json ?? .null) }))
        }
    }
}

/// An OTLP `KeyValue`; a value may be absent on the wire.
struct OTLPAttribute: Equatable, Sendable {
    let key: String
    let value: OTLPValue?
}

/// Standard base64 with padding, for `bytes` values.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index], b1 = index + 1 < bytes.count ? bytes[index + 1] : 0, b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard or URL-safe base64, padding optional; nil when it is not base64.
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for c in text.utf8 {
            switch c {
            case 65...90: values.append(c - 65)
            case 97...122: values.append(c - 71)
            case 48...57: values.append(c + 4)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "/"), UInt8(ascii: "_"): values.append(63)
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            let v = Array(chunk) + Array(repeating: 0, count: 4 - chunk.count)
            out.append(v[0] << 2 | v[1] >> 4)
            if chunk.count > 2 { out.append((v[1] & 0x0F) << 4 | v[2] >> 2) }
            if chunk.count > 3 { out.append((v[2] & 0x03) << 6 | v[3]) }
            index += 4
        }
        return out
    }
}
