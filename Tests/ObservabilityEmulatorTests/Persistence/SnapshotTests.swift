import EmulatorJSON
import EmulatorTestSupport
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// Named snapshots of the whole state: save, change, restore, list, delete; `--import` and
/// `--export-on-exit`; names that cannot leave the snapshot folder.
final class SnapshotTests: ApplicationTestCase {
    func judgeCount(_ token: String? = nil) throws -> Int {
        try call("GET", "\(v1)/judges?page_size=100", auth: .token(token ?? self.token)).json["judges"]?["results"]?.arrayValue?.count ?? -1
    }

    func createJudge(_ name: String) throws {
        let body: JSON = ["name": .string(name), "description": "d", "model_name": "mistral-small-latest", "instructions": "otherwise -> good", "tools": [],
                          "output": ["type": "CLASSIFICATION", "options": [["value": "good", "description": "g"], ["value": "poor", "description": "p"]]]]
        let reply = try call("POST", "\(v1)/judges", json: body)
        XCTAssertEqual(reply.status, 201, reply.text)
    }

    func testSaveChangeRestore() throws {
        try createJudge("Before the snapshot")
        let before = try judgeCount()
        let saved = try call("POST", "/__emulator/snapshots", json: ["name": "seeded-once"])
        XCTAssertEqual(saved.status, 201, saved.text)
        XCTAssertEqual(saved.json["name"], "seeded-once")
        XCTAssertGreaterThan(saved.json["size_bytes"]?.intValue ?? 0, 0)
        try createJudge("After the snapshot")
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        try createJudge("In another workspace")
        XCTAssertEqual(try call("POST", "/__emulator/snapshots/seeded-once/restore").status, 204)
        XCTAssertEqual(try judgeCount(), before)
        let names = try call("GET", "\(v1)/judges?page_size=100").json["judges"]?["results"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        XCTAssertTrue(names.contains("Before the snapshot"))
        XCTAssertFalse(names.contains("After the snapshot"))
        XCTAssertEqual(try call("GET", "/__emulator/snapshots").json["snapshots"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["seeded-once"])
        // Restoring twice gives the same state; a write after a restore works.
        XCTAssertEqual(try call("POST", "/__emulator/snapshots/seeded-once/restore").status, 204)
        try createJudge("After the restore")
        XCTAssertEqual(try judgeCount(), before + 1)
        XCTAssertEqual(try call("DELETE", "/__emulator/snapshots/seeded-once").status, 204)
        assertError(try call("POST", "/__emulator/snapshots/seeded-once/restore"), 404, nil, ["snapshot seeded-once not found"])
        assertError(try call("DELETE", "/__emulator/snapshots/seeded-once"), 404, nil)
    }

    func testNamesStayInTheFolder() throws {
        for name in ["", "../escape", ".hidden", "a/b", String(repeating: "x", count: 65)] {
            let reply = try call("POST", "/__emulator/snapshots", json: ["name": .string(name)])
            XCTAssertEqual(reply.status, 422, "\(name): \(reply.text)")
        }
        assertError(try call("POST", "/__emulator/snapshots/..%2Fx/restore"), 422, "VALIDATION_ERROR")
        XCTAssertEqual(try call("GET", "/__emulator/snapshots").json["snapshots"], [])
    }

    func testExportOnExitThenImport() throws {
        let folder = NSTemporaryDirectory() + "snapshot-export-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try restart(with: .make(configure: { $0.exportOnExitPath = folder }))
        try createJudge("Kept across runs")
        let count = try judgeCount()
        app.shutdown()
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/observability-emulator.sqlite"))
        try restart(with: .make(configure: { $0.importPath = folder }))
        XCTAssertEqual(try judgeCount(), count)
        XCTAssertThrowsError(try buildApplication(.make(configure: { $0.importPath = folder + "/missing.sqlite" }), logger: .quiet)) { error in
            XCTAssertTrue("\(error)".contains("--import: no snapshot at"), "\(error)")
        }
    }
}
