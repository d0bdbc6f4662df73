import EmulatorStore
import Foundation

/// Named copies of the whole database (`/__emulator/snapshots`, `--import`, `--export-on-exit`):
/// a suite seeds once, saves, and restores before each test. Each snapshot is a standalone
/// SQLite file `<name>.sqlite` in the snapshot directory, written and read back with SQLite's
/// online backup API.
struct Snapshots: Sendable {
    struct Entry: Equatable {
        let name: String
        let sizeBytes: Int64
        let createdMs: Int64
    }

    let directory: String

    static let maximumNameLength = 64

    /// A name is 1–64 letters, digits, `.`, `_` or `-`, not starting with `.`: a file name that
    /// cannot leave the directory.
    static func checkName(_ name: String, field: String) throws {
        let allowed = name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard !name.isEmpty, name.utf8.count <= maximumNameLength, allowed, !name.hasPrefix(".") else {
            throw APIError.validation("\(field): '\(name.prefix(80))' is not a snapshot name (1–\(maximumNameLength) letters, digits, '.', '_' or '-', not starting with '.')")
        }
    }

    func path(of name: String) -> String { "\(directory)/\(name).sqlite" }

    /// The file `--import` and `--export-on-exit` mean: the path itself when it names a
    /// `.sqlite` file, else `observability-emulator.sqlite` in that folder (as Firebase's
    /// emulators take a folder).
    static func file(at path: String) -> String {
        path.hasSuffix(".sqlite") ? path : (path as NSString).appendingPathComponent("observability-emulator.sqlite")
    }

    func save(_ name: String, store: ObservabilityStore) throws -> Entry {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store.textIndexer.flush()
        try store.pool.saveCopy(to: path(of: name))
        guard let entry = entry(name) else { throw APIError.internalError("snapshot \(name) was not written") }
        return entry
    }

    /// Restores the named snapshot; false when there is none.
    func restore(_ name: String, store: ObservabilityStore) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path(of: name)) else { return false }
        store.textIndexer.flush()
        try store.pool.restoreCopy(from: path(of: name))
        return true
    }

    func delete(_ name: String) -> Bool { unlink(path(of: name)) == 0 }

    func entry(_ name: String) -> Entry? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path(of: name)) else { return nil }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let created = ((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0) * 1000
        return Entry(name: name, sizeBytes: size, createdMs: Int64(created))
    }

    /// Every snapshot, by name.
    func list() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".sqlite") && !$0.hasPrefix(".") }
            .map { String($0.dropLast(".sqlite".count)) }.sorted().compactMap(entry)
    }
}
