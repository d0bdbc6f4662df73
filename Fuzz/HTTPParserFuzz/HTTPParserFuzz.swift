// libFuzzer target for the HTTP/1.1 request parser (Sources/EmulatorHTTP/HTTPRequestParser.swift).
// Built by Fuzz/run.sh through SwiftPM (`OBS_FUZZ=1`, `--sanitize=fuzzer`).
//
// Properties checked on every input, besides "no crash, no hang, no sanitizer report":
//  - feeding the bytes in two pieces (split where the first byte says) gives exactly the same
//    events as feeding them at once: the incremental parser does not depend on packet boundaries;
//  - a parsed request never carries a body larger than the limit, and a failure is a 4xx/5xx.

import EmulatorHTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = HTTPLimits()
    limits.maxBodyBytes = 4096
    limits.maxHeaderBytes = 2048
    limits.maxHeaderLineBytes = 512
    limits.maxRequestLineBytes = 512
    limits.maxHeaderCount = 16

    func events(_ pieces: [[UInt8]]) -> [String] {
        var parser = HTTPRequestParser(limits: limits)
        var seen: [String] = []
        for piece in pieces {
            parser.append(piece)
            drain: for _ in 0..<64 {
                switch parser.next() {
                case .needMore:
                    break drain
                case .sendContinue:
                    seen.append("100")
                case .failure(let error):
                    precondition((400..<600).contains(error.status), "failure with status \(error.status)")
                    seen.append("fail \(error.status)")
                    return seen
                case .request(let head, let body):
                    precondition(body.count <= limits.maxBodyBytes, "body over the limit")
                    let request = head.makeRequest(body: body)
                    _ = request.queryItems
                    _ = request.wantsKeepAlive
                    seen.append("\(head.method) \(head.target) \(body.count)")
                }
            }
        }
        return seen
    }

    let whole = events([bytes])
    if size > 1 {
        let cut = Int(bytes[0]) % size
        let split = events([Array(bytes[..<cut]), Array(bytes[cut...])])
        // Splitting can only delay a 100-continue (sent when the head arrives alone), never change
        // requests or failures.
        precondition(whole.filter { $0 != "100" } == split.filter { $0 != "100" }, "split changed the parse: \(whole) vs \(split)")
    }
    return 0
}
