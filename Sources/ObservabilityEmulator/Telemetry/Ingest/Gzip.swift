import CZlib

/// gzip for OTLP bodies (`Content-Encoding: gzip`), through zlib. Inflating is bounded: the
/// output may not exceed `limit` bytes whatever the compressed size, so a small bomb is a 413
/// rather than memory exhaustion.
enum Gzip {
    enum InflateError: Error, Equatable {
        /// The output would exceed the limit.
        case tooLarge(limit: Int)
        /// Not gzip data, or truncated, or corrupt; zlib's reason.
        case corrupt(String)
    }

    static func inflate(_ input: [UInt8], limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: a gzip header and trailer, checked.
        guard czlib_inflate_init2(&stream, 16 + MAX_WBITS) == Z_OK else { throw InflateError.corrupt("zlib could not start") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        return try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                let (status, produced) = buffer.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(chunk)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, chunk - Int(stream.avail_out))
                }
                if output.count + produced > limit { throw InflateError.tooLarge(limit: limit) }
                output.append(contentsOf: buffer[0..<produced])
                switch status {
                case Z_STREAM_END:
                    // Concatenated gzip members are not expected from exporters; trailing bytes are an error.
                    guard stream.avail_in == 0 else { throw InflateError.corrupt("trailing bytes after the gzip stream") }
                    return output
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw InflateError.corrupt("the gzip stream is truncated")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw InflateError.corrupt(reason)
                }
            }
        }
    }

    /// Compresses (tests and benchmarks send gzip bodies).
    static func deflate(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard czlib_deflate_init2(&stream, Z_DEFAULT_COMPRESSION, 16 + MAX_WBITS) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
        let written = input.withUnsafeBufferPointer { source -> Int in
            output.withUnsafeMutableBufferPointer { target -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                guard CZlib.deflate(&stream, Z_FINISH) == Z_STREAM_END else { return 0 }
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }
}
