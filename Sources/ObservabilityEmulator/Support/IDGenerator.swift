import Foundation
import Synchronization

/// Makes ids for resources created through the API. With `--id-seed` they come from one seeded
/// generator in creation order, so two runs with the same calls give the same ids.
final class IDGenerator: Sendable {
    private let generator: Mutex<SplitMix64?>
    let seed: UInt64?

    init(seed: UInt64?) {
        self.seed = seed
        generator = Mutex(seed.map { SplitMix64(state: $0) })
    }

    func reset() {
        generator.withLock { $0 = seed.map { SplitMix64(state: $0) } }
    }

    func next() -> String {
        let drawn: (UInt64, UInt64)? = generator.withLock { state in
            guard var g = state else { return nil }
            let pair = (g.next(), g.next())
            state = g
            return pair
        }
        // Unseeded: 128 bits from the system generator (getrandom(2)); Foundation's UUID() opens
        // and reads /dev/urandom on each call, three times per chat completion.
        var system = SystemRandomNumberGenerator()
        let (a, b) = drawn ?? (system.next(), system.next())
        var bytes: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: a >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: b >> UInt64(shift))) }
        return UUIDText.v4(from: bytes)
    }

    /// An unguessable token for export URLs; never drawn from the seeded generator.
    func secretToken() -> String {
        (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
    }
}
