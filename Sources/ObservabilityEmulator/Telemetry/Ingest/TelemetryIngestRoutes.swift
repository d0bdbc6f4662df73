import EmulatorHTTP
import EmulatorJSON

/// `POST /telemetry/v1/{traces,logs,metrics}`: the OTLP/HTTP receiver. Protobuf or
/// JSON, optionally gzip; a body that does not decode is a 400 `google.rpc.Status` and stores
/// nothing; individually invalid spans and records are dropped and counted in
/// `partial_success`, the rest stored in one transaction before the 200.
enum TelemetryIngestRoutes {
    static func traces(_ call: Call) throws -> HTTPResponseBox {
        try ingest(call, rejectedField: "rejectedSpans") { body, encoding in
            let spans = encoding == .protobuf ? try OTLPProtobuf.decodeTraces(body) : try OTLPJSON.decodeTraces(body)
            var resources = SpanDraft.ResourceCache()
            let (drafts, rejections) = draftsAndRejections(spans, item: "span") { SpanDraft.make($0, &resources) }
            try call.store.ingestSpans(drafts, workspace: call.workspace)
            return rejections
        }
    }

    static func logs(_ call: Call) throws -> HTTPResponseBox {
        try ingest(call, rejectedField: "rejectedLogRecords") { body, encoding in
            let records = encoding == .protobuf ? try OTLPProtobuf.decodeLogs(body) : try OTLPJSON.decodeLogs(body)
            let (drafts, rejections) = draftsAndRejections(records, item: "log record", LogDraft.make)
            try call.store.insertLogs(drafts, workspaceKey: call.workspace.id)
            return rejections
        }
    }

    /// The rows to store and the rejections, from the decoded items.
    private static func draftsAndRejections<Item, Draft>(_ items: [Item], item: String,
                                                         _ make: (Item) -> Result<Draft, TelemetryRejection>) -> ([Draft], Rejections) {
        var drafts: [Draft] = []
        drafts.reserveCapacity(items.count)
        var rejections = Rejections()
        for (index, element) in items.enumerated() {
            switch make(element) {
            case .success(let draft): drafts.append(draft)
            case .failure(let reason): rejections.add("\(item) \(index)", reason)
            }
        }
        return (drafts, rejections)
    }

    static func metrics(_ call: Call) throws -> HTTPResponseBox {
        try ingest(call, rejectedField: "rejectedDataPoints") { body, encoding in
            let count = encoding == .protobuf ? try OTLPProtobuf.countMetrics(body) : try OTLPJSON.countMetrics(body)
            call.store.metricsReceived.withLock { $0 += count }
            return Rejections()
        }
    }

    /// The dropped items of one export: how many, and the first one's reason.
    struct Rejections {
        var count = 0
        var message = ""

        mutating func add(_ item: String, _ reason: TelemetryRejection) {
            if count == 0 { message = "\(item): \(reason.message)" }
            count += 1
        }
    }

    private static func ingest(_ call: Call, rejectedField: String,
                               _ store: ([UInt8], OTLPEncoding) throws -> Rejections) throws -> HTTPResponseBox {
        let request = call.request
        guard let encoding = OTLPEncoding(contentType: request.header(HTTPHeader.contentType)) else {
            let given = request.header(HTTPHeader.contentType) ?? "none"
            return .raw(OTLPEncoding.json.status(415, "Content-Type '\(given.prefix(100))' is not supported: send application/x-protobuf or application/json"))
        }
        let limit = call.app.configuration.limits.maxBodyBytes
        var body = request.body
        switch (request.header("Content-Encoding") ?? "identity").lowercased() {
        case "gzip":
            do {
                body = try Gzip.inflate(body, limit: limit)
            } catch Gzip.InflateError.tooLarge(let limit) {
                return .raw(encoding.status(413, "the decompressed body exceeds the limit of \(limit) bytes (--max-body)"))
            } catch Gzip.InflateError.corrupt(let reason) {
                return .raw(encoding.status(400, "the gzip body does not decompress: \(reason)"))
            }
        case "identity", "":
            break
        case let other:
            return .raw(encoding.status(415, "Content-Encoding '\(other.prefix(40))' is not supported: send gzip or no encoding"))
        }
        let rejections: Rejections
        do {
            rejections = try store(body, encoding)
        } catch let error as ProtobufReader.DecodeError {
            return .raw(encoding.status(400, "the body is not a valid OTLP protobuf export: \(error)"))
        } catch let error as OTLPJSON.DecodeError {
            return .raw(encoding.status(400, "the body is not a valid OTLP JSON export: \(error)"))
        }
        return .raw(encoding.exportResponse(rejectedField: rejectedField, rejected: rejections.count, message: rejections.message))
    }
}
