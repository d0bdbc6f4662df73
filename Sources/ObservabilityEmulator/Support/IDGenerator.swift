import Foundation

/// Makes ids for resources created through the API. With `--id-seed` they come from one seeded
/// generator in creation order, so two runs with the same calls give the same ids.
final class IDGenerator: @unchecked Sendable {
    private let lock = NSLock()
    private var generator: SplitMix64?
    let seed: UInt64?

    init(seed: UInt64?) {
        self.seed = seed
        generator = seed.map { SplitMix64(state: $0) }
    }

    func reset() {
        lock.lock(); defer { lock.unlock() }
        generator = seed.map { SplitMix64(state: $0) }
    }

    func next() -> String {
        lock.lock()
        defer { lock.unlock() }
        if var g = generator {
            let a = g.next(), b = g.next()
            generator = g
            var bytes: [UInt8] = []
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: a >> UInt64(shift))) }
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: b >> UInt64(shift))) }
            return UUIDText.v4(from: bytes)
        }
        return UUID().uuidString.lowercased()
    }

    /// An unguessable token for export URLs; never drawn from the seeded generator.
    func secretToken() -> String {
        (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
    }
}
