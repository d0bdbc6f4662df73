import Dispatch
import EmulatorJSON
import Foundation

/// The seed data: `events.jsonl` (one `ChatCompletionEvent` per line) and `judges.json` (an array
/// of `PostJudgeInSchema` bodies) from the fixtures directory.
struct Fixtures {
    /// Events in `events.jsonl`, counted as they are seeded (the parsed events are not kept).
    var eventCount = 0
    var judges: [JudgeDefinition] = []
    /// Seeded spans (fixtures and synthetic) and log records.
    var telemetry = TelemetryFixtures.Counts()
    var directory: String?

    /// The directory to seed from: the given one, or the default; nil when seeding is off.
    static func resolve(directory: String?, enabled: Bool) throws -> String? {
        guard enabled else { return nil }
        guard let directory = directory ?? locateDefault() else {
            throw EmulatorStartupError("no Fixtures directory found (looked beside the binary, in the working directory and in the source tree); pass --fixtures DIR, or --no-seed to start empty")
        }
        return directory
    }

    /// Parses `events.jsonl`, handing the events to `send` in batches as it goes, so they can be
    /// stored while the rest is parsed.
    static func loadEvents(from directory: String, batchSize: Int = 32, send: ([EventDraft]) -> Void) throws {
        let eventsPath = directory + "/events.jsonl"
        guard let eventsData = FileManager.default.contents(atPath: eventsPath) else {
            throw EmulatorStartupError("cannot read \(eventsPath)")
        }
        let bytes = [UInt8](eventsData)
        var batch: [EventDraft] = []
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
                batch.append(try EventDraft.make(from: value, path: "", makeID: { UUID().uuidString.lowercased() }, nowMs: { 0 }))
            } catch let error as JSONParseError {
                throw EmulatorStartupError("\(eventsPath) line \(lineNumber): invalid JSON: \(error)")
            } catch let error as APIError {
                throw EmulatorStartupError("\(eventsPath) line \(lineNumber): \(error.message)")
            }
            if batch.count == batchSize {
                send(batch)
                batch = []
            }
        }
        if !batch.isEmpty { send(batch) }
    }

    /// The judges, their rules checked (patterns compiled); none when `judges.json` is absent.
    static func loadJudges(from directory: String) throws -> [JudgeDefinition] {
        let judgesPath = directory + "/judges.json"
        guard let judgesData = FileManager.default.contents(atPath: judgesPath) else { return [] }
        do {
            guard case .array(let items) = try JSON.parse(Array(judgesData)) else {
                throw EmulatorStartupError("\(judgesPath): expected a JSON array of judges")
            }
            return try items.enumerated().map { index, item in
                guard case .object(let object) = item else { throw EmulatorStartupError("\(judgesPath)[\(index)]: expected an object") }
                return try JudgeDefinition.parse(BodyReader(object: object, path: "[\(index)]"))
            }
        } catch let error as JSONParseError {
            throw EmulatorStartupError("\(judgesPath): invalid JSON: \(error)")
        } catch let error as APIError {
            throw EmulatorStartupError("\(judgesPath): \(error.message)")
        }
    }

    /// `Fixtures/` beside the executable, in the image's share folder, in the working directory,
    /// or in the source tree this binary was built from (for `swift run` and tests).
    static func locateDefault() -> String? {
        BundledFiles.locate(sourcePath: "Fixtures/events.jsonl", installedName: "Fixtures/events.jsonl")
            .map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
    }
}
