#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmulatorJSON
import Synchronization

/// How log lines are written: swift-log's text layout, or one JSON object per line.
public enum LogFormat: String, Sendable {
    case text, json
}

/// The one access line per request (`--log-level info`, the default), formatted straight into
/// bytes and handed to the buffered `LogSink`: no Logger message, metadata dictionary or
/// per-line timestamp formatting on the request path. The lines read exactly as the log
/// handlers write theirs (`LogLine`), so a log collector sees one format.
final class AccessLog: Sendable {
    let format: LogFormat
    let label: String
    let sink: LogSink

    init(format: LogFormat, label: String, sink: LogSink) {
        self.format = format
        self.label = label
        self.sink = sink
    }

    /// `GET /v1/observability/judges 200 0.42ms`, with the caller's workspace.
    func record(method: String, path: String, status: String, durationMs: Double, workspaceID: String?) {
        guard format == .text else {
            recordJSON(method: method, path: path, status: status, durationMs: durationMs, workspaceID: workspaceID)
            return
        }
        // The text layout, appended piece by piece into the sink's buffer: this runs once per
        // request, so no intermediate strings.
        let timestamp = LogLine.localTimestampBytes()
        sink.append { line in
            line.append(contentsOf: timestamp)
            line.append(contentsOf: " info ".utf8)
            line.append(contentsOf: label.utf8)
            line.append(contentsOf: ": workspace=".utf8)
            line.append(contentsOf: (workspaceID ?? "-").utf8)
            line.append(contentsOf: " [ObservabilityEmulator] ".utf8)
            line.append(contentsOf: method.utf8)
            line.append(0x20)
            line.append(contentsOf: path.utf8)
            line.append(0x20)
            line.append(contentsOf: status.utf8)
            line.append(0x20)
            LogLine.appendMilliseconds(durationMs, to: &line)
            line.append(contentsOf: "ms\n".utf8)
        }
    }

    private func recordJSON(method: String, path: String, status: String, durationMs: Double, workspaceID: String?) {
        var message = method
        message += " "
        message += path
        message += " "
        message += status
        message += " "
        message += LogLine.milliseconds(durationMs)
        message += "ms"
        sink.write(LogLine.format(format, level: "info", label: label, source: "ObservabilityEmulator",
                                  message: message, metadata: [("workspace", workspaceID ?? "-")]))
    }
}

/// The layout of a log line, shared by the access log and the CLI's log handlers.
public enum LogLine {
    /// `2026-11-30T16:25:19+0000 info observability-emulator: key=value [Source] message` (the
    /// layout of swift-log's StreamLogHandler), or a JSON object with sorted keys.
    public static func format(_ format: LogFormat, level: String, label: String, source: String, message: String,
                              metadata: [(String, String)]) -> [UInt8] {
        let message = bounded(message), metadata = metadata.map { ($0.0, bounded($0.1)) }
        switch format {
        case .text:
            var line = localTimestamp()
            line += " \(level)\(label.isEmpty ? "" : " ")\(label):"
            for (key, value) in metadata.sorted(by: { $0.0 < $1.0 }) { line += " \(key)=\(oneLine(value))" }
            line += " [\(source)] \(oneLine(message))\n"
            return Array(line.utf8)
        case .json:
            var fields: [(String, String)] = [("level", level), ("logger", label), ("message", message), ("time", utcTimestamp())]
            for (key, value) in metadata where !fields.contains(where: { $0.0 == key }) { fields.append((key, value)) }
            fields.sort { $0.0 < $1.0 }
            var line = JSON.object(JSONObject(fields.map { ($0.0, JSON.string($0.1)) })).serialized()
            line.append(UInt8(ascii: "\n"))
            return line
        }
    }

    /// The longest message or metadata value a line carries, in bytes; the rest is cut with
    /// a note of how much was left out. A line stays short whatever an error quotes (an SQL
    /// text, a request body).
    public static let maximumValueBytes = 2_048

    static func bounded(_ text: String) -> String {
        let size = text.utf8.count
        guard size > maximumValueBytes else { return text }
        // Cut before the last, possibly partial, character of the prefix.
        var bytes = Array(text.utf8.prefix(maximumValueBytes))
        while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }
        if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
        return "\(String(decoding: bytes, as: UTF8.self))… (\(size - bytes.count) more bytes)"
    }

    /// A text line holds one record: a line break in a value is written `\n`, so a value
    /// cannot start a line of its own.
    static func oneLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Two decimals without Foundation's `String(format:)`: `0.42`, `12.00`.
    static func milliseconds(_ value: Double) -> String {
        var bytes: [UInt8] = []
        appendMilliseconds(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendMilliseconds(_ value: Double, to bytes: inout [UInt8]) {
        let hundredths = value.isFinite && value >= 0 && value < 1e12 ? Int((value * 100).rounded()) : 0
        var whole = hundredths / 100
        let start = bytes.count
        repeat {
            bytes.append(UInt8(48 + whole % 10))
            whole /= 10
        } while whole > 0
        bytes[start...].reverse()
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(48 + (hundredths % 100) / 10))
        bytes.append(UInt8(48 + hundredths % 10))
    }

    /// A timestamp that changes once a second, formatted once per second (text and bytes).
    final class SecondCache: Sendable {
        private let cached = Mutex<(second: time_t, text: String, bytes: [UInt8])>((-1, "", []))
        private let format: @Sendable (time_t) -> String

        init(_ format: @escaping @Sendable (time_t) -> String) { self.format = format }

        func now() -> (text: String, bytes: [UInt8]) {
            let second = time(nil)
            return cached.withLock { cached in
                if cached.second != second {
                    let text = format(second)
                    cached = (second, text, Array(text.utf8))
                }
                return (cached.text, cached.bytes)
            }
        }
    }

    /// Local time with its offset, as StreamLogHandler writes it.
    private static let local = SecondCache { second in
        var seconds = second
        var parts = tm()
        localtime_r(&seconds, &parts)
        return strftime(parts, "%Y-%m-%dT%H:%M:%S%z")
    }

    /// UTC, as ISO8601DateFormatter writes it (`2026-11-30T16:25:19Z`).
    private static let utc = SecondCache { second in
        var seconds = second
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return strftime(parts, "%Y-%m-%dT%H:%M:%SZ")
    }

    static func localTimestamp() -> String { local.now().text }
    static func localTimestampBytes() -> [UInt8] { local.now().bytes }
    static func utcTimestamp() -> String { utc.now().text }

    private static func strftime(_ parts: tm, _ pattern: String) -> String {
        var parts = parts
        var buffer = [Int8](repeating: 0, count: 64)
        let count = Glibc.strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
