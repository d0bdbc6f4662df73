import Foundation

/// Lower-case UUID helpers: parsing path ids, name-based v5 ids, and formatting.
enum UUIDText {
    /// The RFC 4122 URL namespace; any fixed namespace would do, this one is documented.
    static let namespace: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]

    /// True for the 8-4-4-4-12 hex form (either case); what a `format: uuid` path parameter needs.
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != UInt8(ascii: "-") { return false }
            } else if !((b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70)) {
                return false
            }
        }
        return true
    }

    /// Name-based UUID (version 5, SHA-1) under the fixed namespace.
    static func v5(_ name: String) -> String {
        var digest = Array(SHA1.hash(namespace + Array(name.utf8)).prefix(16))
        digest[6] = (digest[6] & 0x0F) | 0x50
        digest[8] = (digest[8] & 0x3F) | 0x80
        return format(digest)
    }

    static func v4(from bytes: [UInt8]) -> String {
        var b = bytes
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        return format(b)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// 8-4-4-4-12 lower-case hex; written byte by byte (this runs 100 000 times for synthetic data).
    static func format(_ b: [UInt8]) -> String {
        var out = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var position = 0
        for (index, byte) in b.prefix(16).enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { position += 1 }
            out[position] = hexDigits[Int(byte >> 4)]
            out[position + 1] = hexDigits[Int(byte & 0x0F)]
            position += 2
        }
        return String(decoding: out, as: UTF8.self)
    }
}

