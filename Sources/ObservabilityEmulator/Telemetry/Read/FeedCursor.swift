import EmulatorStore

/// Opaque, tamper-evident feed cursors: the position of the last row returned and a digest of
/// the request it belongs to, so a cursor replayed with another body or window is refused.
enum FeedCursor {
    static let key = Array("observability-emulator feed cursor v1".utf8)

    static func encode(resource: String, request: String, position: [DatabaseValue]) -> String {
        let fields = position.map { value -> String in
            switch value {
            case .integer(let n): return "i" + String(n)
            case .text(let s): return "s" + s
            default: return "n"
            }
        }
        return CursorToken.seal(Array((["f1", resource, digest(request)] + fields).joined(separator: "|").utf8), key: key)
    }

    static func decode(_ token: String, resource: String, request: String) throws -> [DatabaseValue] {
        let invalid = CursorToken.invalid
        guard let payload = CursorToken.open(token, key: key) else { throw invalid }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 4, fields[0] == "f1", fields[1] == resource else { throw invalid }
        guard fields[2] == digest(request) else {
            throw APIError.searchBadRequest("cursor: this cursor belongs to a search with another body, window or page size; start again without a cursor")
        }
        return try fields.dropFirst(3).map { field -> DatabaseValue in
            if field.hasPrefix("i"), let n = Int64(field.dropFirst()) { return .integer(n) }
            if field.hasPrefix("s") { return .text(String(field.dropFirst())) }
            throw invalid
        }
    }

    private static func digest(_ request: String) -> String { Hex.encode(Array(SHA1.hash(Array(request.utf8)).prefix(6))) }
}
