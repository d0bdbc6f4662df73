import XCTest
@testable import ObservabilityEmulator

/// The step clock and the timestamp formatter at the ends of their ranges.
final class ClockLimitTests: XCTestCase {
    func testStepClockSaturatesInsteadOfOverflowing() {
        let clock = EmulatorClock(mode: .step(start: Timestamp.maxMs - 1, stepMs: Int64.max))
        XCTAssertEqual(clock.nowMs(), Timestamp.maxMs - 1)
        XCTAssertEqual(clock.nowMs(), Timestamp.maxMs)
        XCTAssertEqual(clock.nowMs(), Timestamp.maxMs)
    }

    func testFormatClampsToWhatRFC3339CanWrite() {
        XCTAssertEqual(Timestamp.format(Int64.min), "0000-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp.format(Int64.max), "9999-12-31T23:59:59.999Z")
        XCTAssertEqual(Timestamp.format(0), "1970-01-01T00:00:00.000Z")
    }
}
