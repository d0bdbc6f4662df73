import EmulatorHTTP
import EmulatorJSON
import EmulatorStore

/// A `multipart/form-data` body (RFC 7578), parsed strictly enough to name what is wrong.
enum Multipart {
    struct Part {
        var name: String
        var filename: String?
        var body: [UInt8]
    }

    static func parse(body: [UInt8], contentType: String) throws -> [Part] {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else {
            throw APIError.validation("body: expected Content-Type multipart/form-data, got '\(contentType.prefix(60))'")
        }
        guard let boundaryRange = contentType.range(of: "boundary=", options: .caseInsensitive) else {
            throw APIError.validation("body: multipart Content-Type without a boundary")
        }
        var boundary = String(contentType[boundaryRange.upperBound...].split(separator: ";").first ?? "")
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard !boundary.isEmpty, boundary.count <= 200 else { throw APIError.validation("body: invalid multipart boundary") }
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [Part] = []
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw APIError.validation("body: malformed multipart body (boundary not found)") }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            if partStart + 1 < body.count, body[partStart] == 0x0D, body[partStart + 1] == 0x0A { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, body[partEnd - 2] == 0x0D, body[partEnd - 1] == 0x0A { partEnd -= 2 }
            guard partStart <= partEnd else { continue }
            let chunk = Array(body[partStart..<partEnd])
            guard let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: chunk, from: 0) else {
                throw APIError.validation("body: multipart part without headers")
            }
            let headers = String(decoding: chunk[0..<headerEnd], as: UTF8.self)
            var name: String?
            var filename: String?
            for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: String(line))
                filename = parameter("filename", in: String(line))
            }
            guard let name else { throw APIError.validation("body: multipart part without a name") }
            parts.append(Part(name: name, filename: filename, body: Array(chunk[(headerEnd + 4)...])))
        }
        return parts
    }

    static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";") {
            let trimmed = piece.trimmedSpaces
            guard trimmed.lowercased().hasPrefix(key + "=") else { continue }
            var value = String(trimmed.dropFirst(key.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var matched = true
                for j in 1..<needle.count where haystack[i + j] != needle[j] { matched = false; break }
                if matched { return i }
            }
            i += 1
        }
        return nil
    }
}
