import Foundation

/// The string `format`s the instance generator writes and the validator checks: date-time, date,
/// time, duration, email, uri/url (and the iri and reference forms), uuid, ipv4, ipv6, hostname,
/// json-pointer, regex and base64 `byte`/`binary`. Values are fixed shapes with a few generated
/// parts (digits, a word), so they pass Python jsonschema's format checker; other formats are
/// written as plain text and always accepted.
enum SchemaFormat {
    /// Formats whose value has a free part (`filler`) that can grow or shrink to meet
    /// `minLength`/`maxLength`.
    static let padded: Set<String> = ["email", "idn-email", "uri", "url", "iri", "uri-reference", "iri-reference",
                                      "hostname", "idn-hostname", "json-pointer"]

    static func isKnown(_ format: String) -> Bool { shapes[format] != nil || padded.contains(format) }

    /// A value of the format (nil for an unknown one); `filler` is a lower-case word.
    static func make(_ format: String, random: inout SplitMix64, filler: String) -> String? {
        func number(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        switch format {
        case "date-time":
            return "\(number(2024...2026))-\(two(number(1...12)))-\(two(number(1...28)))T\(two(number(0...23))):\(two(number(0...59))):\(two(number(0...59)))Z"
        case "date": return "\(number(2024...2026))-\(two(number(1...12)))-\(two(number(1...28)))"
        case "time": return "\(two(number(0...23))):\(two(number(0...59))):\(two(number(0...59)))Z"
        case "duration": return "P\(number(1...30))DT\(number(1...23))H"
        case "email", "idn-email": return "\(filler)@example.com"
        case "uri", "url", "iri": return "https://example.com/\(filler)"
        case "uri-reference", "iri-reference": return "/\(filler)"
        case "hostname", "idn-hostname": return "\(filler).example.com"
        case "json-pointer": return "/\(filler)"
        case "relative-json-pointer": return "0"
        case "uri-template": return "https://example.com/{id}"
        case "regex": return "^[a-z]+$"
        case "uuid":
            let hex = Array("0123456789abcdef")
            var digits = (0..<32).map { _ in hex[Int(random.next() % 16)] }
            digits[12] = "4"
            digits[16] = hex[8 + Int(random.next() % 4)]
            let text = String(digits)
            let cuts = [0, 8, 12, 16, 20, 32].map { text.index(text.startIndex, offsetBy: $0) }
            return (0..<5).map { String(text[cuts[$0]..<cuts[$0 + 1]]) }.joined(separator: "-")
        case "ipv4": return "192.0.2.\(number(1...254))"
        case "ipv6": return "2001:db8::\(String(number(1...0xfffe), radix: 16))"
        case "byte", "binary", "base64": return Data(filler.utf8).base64EncodedString()
        default: return nil
        }
    }

    /// Shapes checked by regular expression, for the formats with one.
    private static let shapes: [String: String] = [
        "date-time": #"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#,
        "date": #"^\d{4}-\d{2}-\d{2}$"#,
        "time": #"^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#,
        "duration": #"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"#,
        "uuid": #"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"#,
        "ipv4": #"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$"#,
        "ipv6": #"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$"#,
        "hostname": #"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"#,
        "uri": #"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$"#,
        "url": #"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$"#,
        "email": #"^[^@\s]+@[^@\s]+$"#,
        "json-pointer": #"^(/([^~/]|~[01])*)*$"#,
    ]

    static func accepts(_ format: String, _ text: String) -> Bool {
        guard let shape = shapes[format] else { return true }
        return SchemaValidator.matches(shape, text)
    }
}
