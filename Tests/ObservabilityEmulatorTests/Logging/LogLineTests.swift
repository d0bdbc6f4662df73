import EmulatorJSON
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// The access line's layout and the buffered sink that writes it.
final class LogLineTests: XCTestCase {
    func testMillisecondsHaveTwoDecimals() {
        XCTAssertEqual(LogLine.milliseconds(0), "0.00")
        XCTAssertEqual(LogLine.milliseconds(0.424), "0.42")
        XCTAssertEqual(LogLine.milliseconds(0.425 + 1e-9), "0.43")
        XCTAssertEqual(LogLine.milliseconds(12), "12.00")
        XCTAssertEqual(LogLine.milliseconds(1234.5), "1234.50")
        XCTAssertEqual(LogLine.milliseconds(.nan), "0.00")
        XCTAssertEqual(LogLine.milliseconds(-3), "0.00")
    }

    func testLongValuesAreCutAndLineBreaksEscaped() {
        let sql = "SELECT " + String(repeating: "é", count: 3_000)
        let line = String(decoding: LogLine.format(.text, level: "error", label: "emu", source: "S", message: "boom\nforged line",
                                                   metadata: [("error", sql)]), as: UTF8.self)
        XCTAssertEqual(line.filter { $0 == "\n" }.count, 1, "one record, one line")
        XCTAssertTrue(line.hasSuffix("boom\\nforged line\n"), line.suffix(40).description)
        XCTAssertLessThan(line.utf8.count, LogLine.maximumValueBytes + 200)
        let kept = 7 + (LogLine.maximumValueBytes - 7) / 2 * 2
        XCTAssertTrue(line.contains("… (\(sql.utf8.count - kept) more bytes)"), line.suffix(80).description)
        let json = LogLine.format(.json, level: "error", label: "emu", source: "S", message: "m", metadata: [("error", sql)])
        XCTAssertNotNil(try? JSON.parse(Array(json.dropLast())), "still one valid JSON object")
        XCTAssertLessThan(json.count, LogLine.maximumValueBytes + 200)
    }

    /// Reads what a sink writes to a pipe.
    private func withPipe(_ body: (LogSink, () -> String) throws -> Void) rethrows {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        let sink = LogSink(fileDescriptor: fds[1], interval: 3600, threshold: 1 << 30)
        try body(sink) {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let flags = fcntl(fds[0], F_GETFL)
            _ = fcntl(fds[0], F_SETFL, flags | O_NONBLOCK)
            let count = read(fds[0], &buffer, buffer.count)
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
        }
    }

    func testAccessLinesAreBufferedUntilFlushedInOrder() {
        withPipe { sink, output in
            let log = AccessLog(format: .text, label: "observability-emulator", sink: sink)
            log.record(method: "GET", path: "/a", status: "200", durationMs: 0.5, workspaceID: nil)
            log.record(method: "POST", path: "/b", status: "404", durationMs: 12.345, workspaceID: "w")
            XCTAssertEqual(output(), "", "written before a flush")
            sink.flush()
            let lines = output().split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 2)
            XCTAssertTrue(lines[0].hasSuffix(" info observability-emulator: workspace=- [ObservabilityEmulator] GET /a 200 0.50ms"), lines[0])
            XCTAssertTrue(lines[1].hasSuffix(" info observability-emulator: workspace=w [ObservabilityEmulator] POST /b 404 12.35ms"), lines[1])
            XCTAssertNotNil(lines[0].range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} "#, options: .regularExpression), lines[0])
        }
    }

    func testJSONAccessLines() throws {
        try withPipe { sink, output in
            AccessLog(format: .json, label: "emu", sink: sink).record(method: "GET", path: "/x\"y", status: "dropped", durationMs: 1, workspaceID: "w")
            sink.flush()
            let object = try JSON.parse(Array(output().utf8))
            XCTAssertEqual(object["message"], "GET /x\"y dropped 1.00ms")
            XCTAssertEqual(object["workspace"], "w")
            XCTAssertEqual(object["logger"], "emu")
            XCTAssertEqual(object["level"], "info")
            XCTAssertNotNil(object["time"]?.stringValue?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression))
        }
    }
}
