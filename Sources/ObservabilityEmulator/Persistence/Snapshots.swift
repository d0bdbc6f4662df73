import EmulatorStore
import Foundation

/// Named copies of the whole database (`/__emulator/snapshots`, `--import`, `--export-on-exit`):
/// a suite seeds once, saves, and restores before each test. Each snapshot is a standalone
/// SQLite file `<name>.sqlite` in the snapshot directory, written with SQLite's online backup
/// API. A restore puts a copy of that file in the database's place (`DatabasePool.replaceFile`);
/// the copy of the snapshot last saved or restored is made ahead, in the background, so that
/// restoring it again is a rename.
struct Snapshots: Sendable {
    struct Entry: Equatable {
        let name: String
        let sizeBytes: Int64
        let createdMs: Int64
    }

    let directory: String
    let ahead = CopyAhead()

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
        ahead.prepare(path(of: name), pool: store.pool)
        return entry
    }

    /// Restores the named snapshot; false when there is none.
    func restore(_ name: String, store: ObservabilityStore) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path(of: name)) else { return false }
        store.textIndexer.flush()
        try ahead.restore(path(of: name), pool: store.pool)
        return true
    }

    func delete(_ name: String) -> Bool {
        ahead.forget(path(of: name))
        return unlink(path(of: name)) == 0
    }

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

/// The copy of one snapshot file made ahead of its restore, beside the database
/// (`DatabasePool.replacementPath`), on a background queue: a suite that restores the same
/// snapshot before every test waits for a copy only when its tests are faster than the copy.
/// A copy is used only if the snapshot file is still the one copied (same inode, size and
/// modification time); otherwise the restore copies it itself.
final class CopyAhead: @unchecked Sendable {
    /// Held for a whole restore, and to read or replace `job`.
    private let lock = NSLock()
    /// Serial: two copies never write the replacement file at once.
    private let queue = DispatchQueue(label: "snapshot-copy-ahead", qos: .utility)
    private var job: Job?

    private final class Job: @unchecked Sendable {
        let file: String
        let identity: FileIdentity
        let done = DispatchGroup()
        /// Written on the queue before `done` is left, read after waiting for it.
        var succeeded = false
        init(file: String, identity: FileIdentity) {
            self.file = file
            self.identity = identity
        }
    }

    /// Starts copying `file` for a later restore.
    func prepare(_ file: String, pool: DatabasePool) {
        lock.withLock { schedule(file, pool: pool) }
    }

    /// Puts `file` in the database's place: the copy made ahead when there is a current one,
    /// else a copy made now; then starts the next copy.
    func restore(_ file: String, pool: DatabasePool) throws {
        try lock.withLock {
            job?.done.wait()
            let ready = job.map { $0.succeeded && $0.file == file && $0.identity == FileIdentity(file) } ?? false
            job = nil
            if !ready { try pool.prepareReplacement(copying: file) }
            try pool.replaceFile(with: pool.replacementPath)
            schedule(file, pool: pool)
        }
    }

    /// Drops the copy of `file`, if that is the one made ahead (the snapshot is being deleted).
    func forget(_ file: String) {
        lock.withLock {
            guard let job, job.file == file else { return }
            job.done.wait()
            self.job = nil
        }
    }

    /// Waits for a copy in progress (before the database closes at exit).
    func finish() {
        lock.withLock {
            job?.done.wait()
            job = nil
        }
    }

    /// With `lock` held.
    private func schedule(_ file: String, pool: DatabasePool) {
        guard let identity = FileIdentity(file) else { job = nil; return }
        let job = Job(file: file, identity: identity)
        self.job = job
        job.done.enter()
        queue.async {
            defer { job.done.leave() }
            job.succeeded = (try? pool.prepareReplacement(copying: file)) != nil
        }
    }
}

/// Which file a path names, and which version of it.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedNs: Int64

    init?(_ path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedNs = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
    }
}
