import EmulatorStore
import XCTest
@testable import ObservabilityEmulator

/// Every table of the schema is cleared by a reset: a feature that adds a table and forgets the
/// registry leaves data behind in every test suite that resets between tests.
final class ResetRegistryTests: ApplicationTestCase {
    func testEveryTableOfTheSchemaIsInTheRegistry() throws {
        let tables = try app.store.pool.read { db in
            try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") {
                (name: $0.string(0), isVirtual: $0.string(1).hasPrefix("CREATE VIRTUAL TABLE"))
            }
        }
        // FTS5 keeps its index in shadow tables (`events_fts_data`, …) named after the virtual table.
        let virtual = tables.filter(\.isVirtual).map(\.name)
        let own = tables.map(\.name).filter { name in !virtual.contains { name.hasPrefix($0 + "_") } }
        let registered = Set(ResetRegistry.entries.map(\.table))
        XCTAssertGreaterThan(own.count, 5)
        for table in own { XCTAssertTrue(registered.contains(table), "table \(table) is not cleared by reset: add it to ResetRegistry") }
        for table in registered { XCTAssertTrue(own.contains(table), "ResetRegistry lists \(table), which the schema does not have") }
    }

    /// A workspace reset removes that workspace's rows from every registered table, and only its.
    func testWorkspaceResetClearsOnlyThatWorkspace() throws {
        let other = "other-workspace-token"
        for auth: Auth in [.token(token), .token(other)] {
            let dataset = try call("POST", "\(v1)/datasets", auth: auth, json: ["name": "reset me", "description": "d"])
            XCTAssertEqual(dataset.status, 201, dataset.text)
        }
        XCTAssertEqual(try call("POST", "/__emulator/reset", json: ["scope": "workspace"]).status, 204)
        XCTAssertEqual(try call("GET", "\(v1)/datasets").json["datasets"]?["count"], 0)
        XCTAssertEqual(try call("GET", "\(v1)/datasets", auth: .token(other)).json["datasets"]?["count"], 1)
    }
}
