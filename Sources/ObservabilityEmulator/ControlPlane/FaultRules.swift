import EmulatorJSON
import Foundation
import Synchronization

/// Fault rules set through `POST /__emulator/faults`. Probabilities draw from a seeded generator
/// so a test run with the same rules and requests sees the same faults. A rule added with a
/// Bearer token is its workspace's (it matches only requests under that token's workspace, so
/// tests running side by side do not fault each other); one added without applies to everyone.
final class FaultRules: Sendable {
    struct Rule {
        let id: String
        /// nil: every caller's requests.
        let workspaceID: String?
        let method: String?
        let path: String
        let directive: FaultDirective
        var remaining: Int?
        let probability: Double?
        let created: Int64

        func matches(method: String, path: String, workspaceID: String?) -> Bool {
            if let scope = self.workspaceID, scope != workspaceID { return false }
            if let m = self.method, m.uppercased() != method.uppercased() { return false }
            return FaultRules.glob(self.path, path)
        }

        var json: JSON {
            .object(JSONObject([
                ("id", .string(id)), ("workspace_id", .string(workspaceID)), ("method", .string(method)), ("path", .string(path)),
                ("status", directive.status.map { .int(Int64($0)) } ?? .null), ("error_code", .string(directive.errorCode)),
                ("message", .string(directive.message)), ("delay_ms", .int(Int64(directive.delayMs))), ("drop", .bool(directive.drop)),
                ("count", remaining.map { .int(Int64($0)) } ?? .null), ("remaining", remaining.map { .int(Int64($0)) } ?? .null),
                ("probability", probability.map { .double($0) } ?? .null),
            ]))
        }
    }

    /// The rules, how many were ever added (their ids), and the generator probabilities draw from.
    private struct State {
        var rules: [Rule] = []
        var counter: Int64 = 0
        var random = SplitMix64(state: 0xFA17)
    }

    private let state = Mutex(State())

    func add(workspaceID: String?, method: String?, path: String, directive: FaultDirective, count: Int?, probability: Double?) -> Rule {
        state.withLock { state in
            state.counter += 1
            let id = UUIDText.v5("fault:\(state.counter)")
            let rule = Rule(id: id, workspaceID: workspaceID, method: method, path: path, directive: directive, remaining: count, probability: probability, created: state.counter)
            state.rules.append(rule)
            return rule
        }
    }

    /// Every rule (`workspaceID` nil), or those a workspace's requests can meet: its own and
    /// everyone's.
    func list(visibleTo workspaceID: String? = nil) -> [Rule] {
        state.withLock { state in
            guard let workspaceID else { return state.rules }
            return state.rules.filter { $0.workspaceID == nil || $0.workspaceID == workspaceID }
        }
    }

    /// Every rule, and the generator back to its seed.
    func clear() {
        state.withLock { $0.rules.removeAll(); $0.random = SplitMix64(state: 0xFA17) }
    }

    /// One workspace's own rules (a reset of that workspace, or a clear under its token).
    func clear(workspaceID: String) {
        state.withLock { $0.rules.removeAll { $0.workspaceID == workspaceID } }
    }

    func remove(id: String) -> Bool {
        state.withLock { state in
            let before = state.rules.count
            state.rules.removeAll { $0.id == id }
            return state.rules.count != before
        }
    }

    /// The first active rule matching the request, consuming one of its uses.
    func match(method: String, path: String, workspaceID: String?) -> FaultDirective? {
        state.withLock { state in
            for index in state.rules.indices where state.rules[index].matches(method: method, path: path, workspaceID: workspaceID) {
                if let p = state.rules[index].probability, state.random.nextDouble() >= p { continue }
                let directive = state.rules[index].directive
                if let remaining = state.rules[index].remaining {
                    if remaining <= 1 { state.rules.remove(at: index) } else { state.rules[index].remaining = remaining - 1 }
                }
                return directive
            }
            return nil
        }
    }

    /// `*` matches any run of characters; everything else literally.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && p[pi] == UInt8(ascii: "*") { star = pi; mark = ti; pi += 1 }
            else if pi < p.count && p[pi] == t[ti] { pi += 1; ti += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
