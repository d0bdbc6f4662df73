import EmulatorJSON
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// `GET /__emulator/ui[/<file>]`: the console's files with their content types, 404 for
/// anything else (traversal included), revalidation by ETag, open even behind `--admin-token`,
/// and kept out of the request journal.
final class ConsoleRoutesTests: ApplicationTestCase {
    func testThePageAndItsFilesAreServedWithTheirContentTypes() throws {
        for target in ["/__emulator/ui", "/__emulator/ui/", "/__emulator/ui/index.html"] {
            let reply = try call("GET", target, auth: Auth.none)
            XCTAssertEqual(reply.status, 200, target)
            XCTAssertEqual(reply.header("Content-Type"), "text/html; charset=utf-8", target)
            XCTAssertTrue(reply.text.contains("/__emulator/ui/console.js"), target)
            XCTAssertEqual(reply.header("X-Content-Type-Options"), "nosniff")
            XCTAssertTrue(reply.header("Content-Security-Policy")?.contains("default-src 'self'") ?? false, "no other origin may be loaded")
        }
        let expected = ["console.js": "text/javascript; charset=utf-8", "console.css": "text/css; charset=utf-8", "icon.svg": "image/svg+xml",
                        "api.js": "text/javascript; charset=utf-8"]
        for (name, type) in expected {
            let reply = try call("GET", "/__emulator/ui/\(name)", auth: Auth.none)
            XCTAssertEqual(reply.status, 200, name)
            XCTAssertEqual(reply.header("Content-Type"), type, name)
            let onDisk = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixturesDirectory + "/console/" + name))
            XCTAssertEqual(reply.body, Array(onDisk), "\(name) is served byte for byte")
        }
        let head = try call("HEAD", "/__emulator/ui/console.css", auth: Auth.none, isHead: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertTrue(head.body.isEmpty)
    }

    /// Every JavaScript module the page imports is served: a missing one would break the page.
    func testEveryModuleThePageImportsIsServed() throws {
        var pending = ["console.js"], seen = Set<String>()
        while let name = pending.popLast() {
            guard seen.insert(name).inserted else { continue }
            let reply = try call("GET", "/__emulator/ui/\(name)", auth: Auth.none)
            XCTAssertEqual(reply.status, 200, "\(name) is imported but not served")
            let imports = try NSRegularExpression(pattern: #"from "\./([A-Za-z0-9_.-]+)""#)
            let text = reply.text
            for match in imports.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                pending.append(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        XCTAssertGreaterThan(seen.count, 5)
    }

    func testUnknownFilesAndTraversalAre404() throws {
        let targets = ["/__emulator/ui/nope.js", "/__emulator/ui/..%2f..%2fPackage.swift", "/__emulator/ui/%2e%2e%2fREADME.md",
                       "/__emulator/ui/..", "/__emulator/ui/.gitignore", "/__emulator/ui/../openapi.yaml", "/__emulator/ui/console/index.html",
                       "/__emulator/ui/%2fetc%2fpasswd", "/__emulator/ui/index.html%00.js"]
        for target in targets {
            let reply = try call("GET", target, auth: Auth.none)
            XCTAssertEqual(reply.status, 404, target)
            XCTAssertEqual(reply.header("Content-Type"), "application/json", target)
        }
        XCTAssertEqual(try call("POST", "/__emulator/ui/console.js", auth: Auth.none).status, 405)
    }

    func testServableNames() {
        for name in ["index.html", "console.js", "a-b_c.css"] { XCTAssertTrue(ConsoleAssets.isServableName(name), name) }
        for name in ["", ".env", "..", "../x", "a/b", "a\\b", "x y.js", "é.js", "a%2fb"] { XCTAssertFalse(ConsoleAssets.isServableName(name), name) }
        XCTAssertNil(ConsoleAssets.contentType(of: "secret.key"), "only the kinds the console ships are served")
    }

    func testAnETagRevalidatesWith304() throws {
        let first = try call("GET", "/__emulator/ui/console.js", auth: Auth.none)
        let etag = try XCTUnwrap(first.header("ETag"))
        XCTAssertEqual(first.header("Cache-Control"), "no-cache")
        let again = try call("GET", "/__emulator/ui/console.js", auth: Auth.none, headers: [("If-None-Match", etag)])
        XCTAssertEqual(again.status, 304)
        XCTAssertTrue(again.body.isEmpty)
        XCTAssertEqual(try call("GET", "/__emulator/ui/console.js", auth: Auth.none, headers: [("If-None-Match", "\"stale\"")]).status, 200)
    }

    func testTheConsoleIsOpenBehindAnAdminTokenAndStaysOutOfTheJournal() throws {
        try restart(with: .make { $0.adminToken = "secret" })
        XCTAssertEqual(try call("GET", "/__emulator/ui", auth: Auth.none).status, 200)
        XCTAssertEqual(try call("GET", "/__emulator/ui/console.js", auth: Auth.none).status, 200)
        XCTAssertEqual(try call("GET", "/__emulator/faults", auth: Auth.none).status, 401, "the data behind it still needs the admin token")
        let journal = try call("GET", "/__emulator/requests", auth: Auth.none, headers: [("X-Emulator-Admin-Token", "secret")])
        let paths = journal.json["requests"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
        XCTAssertFalse(paths.contains { $0.hasPrefix("/__emulator/ui") }, "\(paths)")
        XCTAssertTrue(paths.contains("/__emulator/faults"), "\(paths)")
    }
}
