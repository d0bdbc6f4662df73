import XCTest
@testable import ObservabilityEmulator

/// `Timestamp.format` computes the civil date itself; gmtime_r is the reference.
final class TimestampTests: XCTestCase {
    func testFormatAgreesWithTheCLibrary() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Int64] = [0, -1, 999, 1000, -1000, -86_400_000, 86_399_999, 951_782_400_000, 4_102_444_800_000,
                                253_402_300_799_999, -62_167_219_200_000, 1_760_561_136_317]
        for _ in 0..<20_000 { samples.append(Int64.random(in: -62_167_219_200_000...253_402_300_799_999, using: &generator)) }
        for ms in samples {
            XCTAssertEqual(Timestamp.format(ms), Timestamp.formatWithCLibrary(ms), "ms = \(ms)")
        }
    }

    func testFormatThenParseRoundTrips() {
        for ms: Int64 in [0, 1_760_561_136_317, 951_782_400_123, -1] {
            XCTAssertEqual(Timestamp.parse(Timestamp.format(ms)), ms)
        }
        XCTAssertEqual(Timestamp.format(1_760_561_136_317), "2025-10-15T20:45:36.317Z")
        XCTAssertEqual(Timestamp.format(951_782_400_000), "2000-02-29T00:00:00.000Z")
    }
}
