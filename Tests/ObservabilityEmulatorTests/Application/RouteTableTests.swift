import EmulatorHTTP
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// The route table and the served OpenAPI document describe the same operations: the same
/// method and path for the same operationId, nothing in one that is missing from the other.
final class RouteTableTests: XCTestCase {
    /// `(METHOD path, operationId)` pairs read from `docs/openapi.yaml`. The file is written by
    /// PyYAML (scripts/gen-openapi.py), so paths sit at two spaces, methods at four and
    /// `operationId` at six: a line scan reads it exactly.
    static func documentedOperations() throws -> [String: String] {
        let text = try String(contentsOfFile: TestPaths.openAPIDocument, encoding: .utf8)
        var operations: [String: String] = [:]
        var inPaths = false
        var path = "", method = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") { inPaths = line == "paths:"; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                method = String(line.dropFirst(4).dropLast()).uppercased()
            } else if line.hasPrefix("      operationId: ") {
                let id = String(line.dropFirst("      operationId: ".count))
                XCTAssertNil(operations[id], "operationId \(id) appears twice in the document")
                operations[id] = "\(method) \(path)"
            }
        }
        return operations
    }

    func testRouteTableAndServedOpenAPIListTheSameOperations() throws {
        let documented = try Self.documentedOperations()
        XCTAssertGreaterThan(documented.count, 40, "the document scan found too little; has the file's layout changed?")
        var served: [String: String] = [:]
        for route in RouteTable.routes {
            XCTAssertNil(served[route.operationID], "\(route.operationID) is declared twice in the route table")
            served[route.operationID] = "\(route.method) \(route.path)"
        }
        for (id, endpoint) in served.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(documented[id], endpoint, "route \(id) (\(endpoint)) is not in the served OpenAPI document as such")
        }
        for (id, endpoint) in documented.sorted(by: { $0.key < $1.key }) where served[id] == nil {
            XCTFail("the OpenAPI document lists \(id) (\(endpoint)), which the route table does not serve")
        }
    }

    /// Every declared route is reachable through the router built from the table.
    func testEveryRouteMatchesItsOwnPath() {
        let router = RouteTable.makeRouter()
        for route in RouteTable.routes {
            let path = route.path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "00000000-0000-4000-8000-000000000000", options: .regularExpression)
            guard case .found(let found, _) = router.match(method: route.method, path: path) else {
                return XCTFail("\(route.method) \(path) does not reach \(route.operationID)")
            }
            XCTAssertEqual(found.operationID, route.operationID, "\(route.method) \(path)")
        }
    }
}
