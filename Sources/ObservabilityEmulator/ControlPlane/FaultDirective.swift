import EmulatorJSON
import Foundation

/// What to do to one request: answer a status, add latency, or drop the connection.
struct FaultDirective: Equatable {
    var status: Int?
    var errorCode: String?
    var message: String?
    var delayMs: Int = 0
    var drop = false

    /// Parses `X-Emulator-Fault: status=503;delay=300;drop` (any of the parts).
    static func parse(header: String) -> Result<FaultDirective, APIError> {
        var directive = FaultDirective()
        for part in header.split(separator: ";") {
            let item = part.trimmedSpaces
            if item.isEmpty { continue }
            if item == "drop" { directive.drop = true; continue }
            let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmedSpaces }
            guard kv.count == 2 else {
                return .failure(APIError(400, nil, "X-Emulator-Fault: cannot read '\(item.prefix(40))'; expected status=<code>, delay=<ms> or drop"))
            }
            switch kv[0] {
            case "status":
                guard let code = Int(kv[1]), (200...599).contains(code) else {
                    return .failure(APIError(400, nil, "X-Emulator-Fault: status must be an HTTP status between 200 and 599"))
                }
                directive.status = code
            case "delay":
                guard let ms = Int(kv[1]), (0...60_000).contains(ms) else {
                    return .failure(APIError(400, nil, "X-Emulator-Fault: delay must be 0 to 60000 milliseconds"))
                }
                directive.delayMs = ms
            default:
                return .failure(APIError(400, nil, "X-Emulator-Fault: unknown part '\(kv[0].prefix(40))'; expected status, delay or drop"))
            }
        }
        return .success(directive)
    }
}
