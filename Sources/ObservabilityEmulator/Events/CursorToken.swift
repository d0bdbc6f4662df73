import EmulatorJSON

/// Opaque, tamper-evident keyset cursors: base64url of the position plus an HMAC.
enum CursorToken {
    static let key = Array("observability-emulator cursor v1".utf8)

    static let invalid = APIError.searchBadRequest("cursor: invalid or tampered cursor; pass the 'cursor' value of a previous page unchanged")

    static func encode(_ position: EventPosition) -> String {
        seal(Array("v1|\(position.createdMs)|\(position.eventID)".utf8), key: key)
    }

    static func decode(_ token: String) throws -> EventPosition {
        guard let payload = open(token, key: key) else { throw invalid }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|")
        guard fields.count == 3, fields[0] == "v1", let ms = Int64(fields[1]) else { throw invalid }
        return EventPosition(createdMs: ms, eventID: String(fields[2]))
    }

    /// `base64url(payload).base64url(HMAC)`: the payload readable, any change to it detected.
    static func seal(_ payload: [UInt8], key: [UInt8]) -> String {
        base64url(payload) + "." + base64url(Array(SHA1.hmac(key: key, message: payload).prefix(10)))
    }

    /// The payload of a token `seal` made with this key; nil for anything else.
    static func open(_ token: String, key: [UInt8]) -> [UInt8]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = unbase64url(String(parts[0])), let mac = unbase64url(String(parts[1])),
              Array(SHA1.hmac(key: key, message: payload).prefix(10)) == mac else { return nil }
        return payload
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func base64url(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index], b1 = index + 1 < bytes.count ? bytes[index + 1] : 0, b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            if index + 1 < bytes.count { out.append(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)]) }
            if index + 2 < bytes.count { out.append(alphabet[Int(b2 & 0x3F)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unbase64url(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            guard let index = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt8(index))
        }
        if values.count % 4 == 1 { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = Array(values[index..<min(index + 4, values.count)])
            out.append(chunk[0] << 2 | (chunk.count > 1 ? chunk[1] >> 4 : 0))
            if chunk.count > 2 { out.append((chunk[1] & 0x0F) << 4 | chunk[2] >> 2) }
            if chunk.count > 3 { out.append((chunk[2] & 0x03) << 6 | chunk[3]) }
            index += 4
        }
        return out
    }
}
