import Logging
import ObservabilityEmulator

/// The emulator's log handler: text (swift-log's StreamLogHandler layout) or JSON lines
/// (`--log-format json`), written through the buffered `LogSink` on stderr. Lines of level
/// warning and above are flushed at once; the rest within a second.
struct SinkLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, format: LogFormat) {
        self.label = label
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        let line = LogLine.format(format, level: event.level.rawValue, label: label, source: event.source, message: event.message.description,
                                  metadata: merged.map { ($0.key, $0.value.description) })
        LogSink.standardError.write(line)
        if event.level >= .warning { LogSink.standardError.flush() }
    }
}
