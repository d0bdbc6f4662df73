import Dispatch
import EmulatorJSON
import EmulatorStore
import Foundation
import Synchronization

/// The product's data: one `DatabasePool`, the clock and the id generator. Feature extensions
/// (`ObservabilityStore+Events.swift`, `+Judges`, …) hold the SQL of each area.
///
/// `@unchecked Sendable`: every field is immutable and Sendable or synchronised itself (the pool
/// hands each connection to one thread at a time) except `DispatchGroup`, which is thread-safe
/// but not marked Sendable in corelibs-dispatch.
final class ObservabilityStore: @unchecked Sendable {
    let pool: DatabasePool
    let clock: EmulatorClock
    let ids: IDGenerator
    /// Set when the database is a temporary file the emulator must delete at exit.
    let temporaryPath: String?
    /// Entered while the full-text index (and, with synthetic events, the secondary indexes) is
    /// being built in the background after seeding.
    let searchIndexGate = DispatchGroup()
    /// Why building the search indexes failed, written by the background build, read by health.
    let searchIndexError = Mutex<String?>(nil)
    /// OTLP metrics are decoded, checked and counted, not stored (health reports the count).
    let metricsReceived = Mutex<Int>(0)

    /// Each workspace's responders and model cards, between the writes that change them.
    let rulesCache = WorkspaceRulesCache()

    /// Fills the full-text index of ingested events after their commit, in batches.
    let textIndexer: EventTextIndexer

    /// The most ingested spans and events kept (`--max-spans`, `--max-events`).
    let retention: RetentionLimits

    init(path: String?, clock: EmulatorClock, ids: IDGenerator, retention: RetentionLimits = .unlimited) throws {
        self.retention = retention
        let resolved: String
        if let path {
            resolved = path
            temporaryPath = nil
        } else {
            // The default database is a temporary file, not ":memory:": WAL and the reader pool need
            // a file that several connections share. It is removed at exit.
            let directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
            Self.removeOrphanedDatabases(in: directory)
            resolved = "\(directory)/\(Self.temporaryPrefix)\(getpid())-\(UUID().uuidString.prefix(8)).sqlite"
            temporaryPath = resolved
        }
        var writerOptions = Database.Options()
        // The temporary database is deleted at exit: durability buys nothing there.
        writerOptions.synchronousOff = path == nil
        writerOptions.cacheKiB = 16 * 1024
        pool = try DatabasePool(path: resolved, readerCount: 3, writerOptions: writerOptions, migrations: Schema.migrations) { db in
            try SQLFunctions.register(on: db)
        }
        self.clock = clock
        self.ids = ids
        textIndexer = EventTextIndexer(pool: pool)
        let cache = detailCache
        pool.didWrite = { cache.invalidate() }
        try backfillDatasetSlugs()
    }

    /// Serialised event details: an event is immutable, but its judge annotations are not, so
    /// any write empties the cache.
    let detailCache = ResultCache(capacity: 4096)

    /// Temporary databases are `<TMPDIR>/observability-emulator-<pid>-<random>.sqlite`.
    static let temporaryPrefix = "observability-emulator-"

    /// Removes the temporary databases of emulators that were killed (SIGKILL, a crash) before
    /// they could remove their own: a file `observability-emulator-<pid>-*.sqlite` whose process
    /// no longer exists. A live process with that pid, emulator or not, keeps its file.
    static func removeOrphanedDatabases(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(temporaryPrefix) && name.hasSuffix(".sqlite") {
            let parts = name.dropFirst(temporaryPrefix.count).split(separator: "-")
            guard let pid = parts.first.flatMap({ Int32($0) }), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            for suffix in ["", "-wal", "-shm", "-next"] { unlink("\(directory)/\(name)\(suffix)") }
        }
    }

    /// Checkpoints the WAL and removes a temporary database.
    func close() {
        textIndexer.flush()
        pool.checkpoint()
        // The copy a restore would have used (see `Snapshots`) is not needed by the next run.
        unlink(pool.replacementPath)
        if let temporaryPath {
            for suffix in ["", "-wal", "-shm"] { unlink(temporaryPath + suffix) }
        }
    }

    func nowMs() -> Int64 { clock.nowMs() }
}
