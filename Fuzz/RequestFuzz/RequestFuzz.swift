// libFuzzer target for whole requests: the bytes are parsed as HTTP/1.1 requests by the server's
// own parser, and each request goes through the real route table, auth, handlers, store (a
// temporary SQLite database seeded from Fixtures/) and error mapping, as a connection would send
// it. Built by Fuzz/run.sh through SwiftPM (`OBS_FUZZ=1 swift build --sanitize=fuzzer ...`).
//
// Besides "no crash, no hang, no sanitizer report", every answer must be a real HTTP status
// other than 500 (a 500 is a bug by the emulator's own contract), and every error must carry the
// documented `{"detail": {...}}` body (the inference routes: their own error shapes, see `check`).

import EmulatorHTTP
import EmulatorJSON
import Foundation
import Logging
import ObservabilityEmulator

/// One emulator for the whole run, started once: what a shared test server looks like after a
/// long run of odd requests.
let application: EmulatorApplication = {
    var configuration = EmulatorConfiguration()
    configuration.fixturesDirectory = ProcessInfo.processInfo.environment["OBS_FUZZ_FIXTURES"] ?? "Fixtures"
    configuration.idSeed = 1
    configuration.clock = "step:2026-01-01T00:00:00Z,1000"
    configuration.journalSize = 10
    // The corpus names its Host "fuzz"; the Host and Origin rules run as in the server.
    configuration.allowedHosts = ["fuzz"]
    var logger = Logger(label: "fuzz")
    logger.logLevel = .critical
    let application: EmulatorApplication
    do {
        application = try buildApplication(configuration, logger: logger)
    } catch {
        fatalError("the emulator did not start: \(error)")
    }
    runSetup(application)
    return application
}()

/// Replays Fuzz/request-setup.json: resources (a dataset, a record, a campaign, an import task)
/// that the seed corpus names by id. `{N}` in a path or body is the `id` of setup response N,
/// `{judge}` the first seeded judge of the workspace, `{event}` the newest fixture event.
/// Fuzz/make-request-corpus.py makes the same requests with the same id seed, so the ids agree.
func runSetup(_ application: EmulatorApplication) {
    let directory = ProcessInfo.processInfo.environment["OBS_FUZZ_SETUP"] ?? "Fuzz/request-setup.json"
    guard let data = FileManager.default.contents(atPath: directory), case .array(let steps)? = try? JSON.parse(Array(data)) else {
        fatalError("cannot read \(directory)")
    }
    func call(_ method: String, _ target: String, _ body: [UInt8] = [], contentType: String = "application/json") -> JSON {
        let request = HTTPRequest(method: method, target: target, headers: [("Authorization", "Bearer fuzz"), ("Content-Type", contentType)], body: body)
        let response = application.respond(to: request)
        precondition(response.status < 300, "setup \(method) \(target) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        return (try? JSON.parse(response.body)) ?? .null
    }
    var names: [String: String] = [:]
    if case .object(let judges)? = call("GET", "/v1/observability/judges?page_size=1").objectValue?["judges"],
       case .array(let results)? = judges["results"], case .string(let id)? = results.first?.objectValue?["id"] {
        names["judge"] = id
    }
    let events = call("POST", "/v1/observability/chat-completion-events/search?page_size=1", Array(#"{"search_params":{"filters":null}}"#.utf8))
    if case .object(let page)? = events.objectValue?["completion_events"], case .array(let results)? = page["results"],
       case .string(let id)? = results.first?.objectValue?["event_id"] {
        names["event"] = id
    }
    func fill(_ text: String) -> String {
        names.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
    for (index, step) in steps.enumerated() {
        guard case .object(let object) = step, case .string(let method)? = object["method"], case .string(let path)? = object["path"] else {
            fatalError("setup step \(index): needs method and path")
        }
        let answer: JSON
        if case .string(let raw)? = object["raw_body"], case .string(let contentType)? = object["content_type"] {
            answer = call(method, fill(path), Array(raw.utf8), contentType: contentType)
        } else {
            answer = call(method, fill(path), object["body"].map { Array(fill($0.text).utf8) } ?? [])
        }
        if case .string(let id)? = answer.objectValue?["id"] { names[String(index)] = id }
    }
}

let limits: HTTPLimits = {
    var limits = HTTPLimits()
    limits.maxBodyBytes = 64 * 1024
    return limits
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var parser = HTTPRequestParser(limits: limits)
    parser.append(Array(UnsafeBufferPointer(start: data, count: size)))
    // A few pipelined requests per input, so one input can create a resource and then use it.
    for _ in 0..<8 {
        guard case .request(let head, let body) = parser.next() else { break }
        let request = head.makeRequest(body: body)
        let response = application.respond(to: request)
        check(response, for: request)
    }
    return 0
}

/// The inference routes answer their own errors in the inference API's shapes: a 422
/// is `{"detail": [{"loc", "msg", "type"}]}`, any other status `{"object": "error", "message",
/// "type", ...}`. A responder may answer any error status, 500 included, but not as `internal_error`.
let inferencePrefixes = ["/v1/chat/", "/v1/fim/", "/v1/embeddings", "/v1/models"]

func check(_ response: HTTPResponse, for request: HTTPRequest) {
    let summary = "\(request.method) \(request.target.prefix(120)) -> \(response.status)"
    precondition((100..<600).contains(response.status), "not an HTTP status: \(summary)")
    let text = String(decoding: response.body.prefix(400), as: UTF8.self)
    guard response.status >= 400 else { return }
    // The OTLP receiver answers its own refusals as a google.rpc.Status: JSON `{code, message}`
    // for a JSON export, protobuf otherwise (auth and injected faults keep the API's shape).
    if request.target.hasPrefix("/telemetry/") {
        precondition(response.status != 500, "internal error: \(summary): \(text)")
        let contentType = response.headers.first { $0.name.lowercased() == "content-type" }?.value ?? ""
        if contentType.hasPrefix("application/x-protobuf") { return }
        if case .object(let status)? = try? JSON.parse(response.body), case .string? = status["message"] { return }
    }
    let body = try? JSON.parse(response.body)
    if case .object(let detail)? = body?["detail"], case .string? = detail["message"] {
        precondition(response.status != 500, "internal error: \(summary): \(text)")
        return
    }
    precondition(inferencePrefixes.contains(where: request.path.hasPrefix), "error without a detail body: \(summary): \(text)")
    if response.status == 422, case .array(let items)? = body?["detail"], case .array? = items.first?["loc"], case .string? = items.first?["msg"] { return }
    guard case .string? = body?["message"], case .string(let type)? = body?["type"] else {
        preconditionFailure("inference error without its body: \(summary): \(text)")
    }
    precondition(response.status != 500 || type != "internal_error", "internal error: \(summary): \(text)")
}
