import EmulatorJSON
import Foundation

/// The seed data: `events.jsonl` (one `ChatCompletionEvent` per line) and `judges.json` (an array
/// of `PostJudgeInSchema` bodies) from the fixtures directory.
struct Fixtures {
    /// Parsed events; emptied once they are seeded (`eventCount` stays).
    var events: [EventDraft] = [] {
        didSet { eventCount = max(eventCount, events.count) }
    }
    private(set) var eventCount = 0
    var judges: [JudgeDefinition] = []
    var directory: String?

    static func load(directory: String?, enabled: Bool) throws -> Fixtures {
        guard enabled else { return Fixtures() }
        guard let directory = directory ?? locateDefault() else {
            throw EmulatorStartupError("no Fixtures directory found (looked beside the binary, in the working directory and in the source tree); pass --fixtures DIR, or --no-seed to start empty")
        }
        var fixtures = Fixtures(directory: directory)
        let eventsPath = directory + "/events.jsonl"
        guard let eventsData = FileManager.default.contents(atPath: eventsPath) else {
            throw EmulatorStartupError("cannot read \(eventsPath)")
        }
        let bytes = [UInt8](eventsData)
        var lineNumber = 0
        var lineStart = 0
        // A plain scan for newlines: `Data.split` costs more than parsing the JSON itself.
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            do {
                let value = try JSON.parse(Array(line))
                fixtures.events.append(try EventDraft.make(from: value, path: "", makeID: { UUID().uuidString.lowercased() }, nowMs: { 0 }))
            } catch let error as JSONParseError {
                throw EmulatorStartupError("\(eventsPath) line \(lineNumber): invalid JSON: \(error)")
            } catch let error as APIError {
                throw EmulatorStartupError("\(eventsPath) line \(lineNumber): \(error.message)")
            }
        }
        let judgesPath = directory + "/judges.json"
        if let judgesData = FileManager.default.contents(atPath: judgesPath) {
            do {
                guard case .array(let items) = try JSON.parse(Array(judgesData)) else {
                    throw EmulatorStartupError("\(judgesPath): expected a JSON array of judges")
                }
                for (index, item) in items.enumerated() {
                    guard case .object(let object) = item else { throw EmulatorStartupError("\(judgesPath)[\(index)]: expected an object") }
                    fixtures.judges.append(try JudgeDefinition.parse(BodyReader(object: object, path: "[\(index)]")))
                }
            } catch let error as JSONParseError {
                throw EmulatorStartupError("\(judgesPath): invalid JSON: \(error)")
            } catch let error as APIError {
                throw EmulatorStartupError("\(judgesPath): \(error.message)")
            }
        }
        return fixtures
    }

    /// `Fixtures/` beside the executable, in the image's share folder, in the working directory,
    /// or in the source tree this binary was built from (for `swift run` and tests).
    static func locateDefault() -> String? {
        var candidates: [String] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("Fixtures").path)
        candidates.append(executable.appendingPathComponent("../share/observability-emulator/Fixtures").standardized.path)
        candidates.append(FileManager.default.currentDirectoryPath + "/Fixtures")
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(sourceRoot.appendingPathComponent("Fixtures").path)
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/events.jsonl") }
    }
}
