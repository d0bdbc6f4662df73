import EmulatorJSON
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// Slugs as made from names, and datasets reached by slug or by id over HTTP.
final class DatasetSlugTests: ApplicationTestCase {
    func testSlugFromName() {
        XCTAssertEqual(DatasetSlug.base(from: "Customer Support — Q3 (FR)"), "customer-support-q3-fr")
        XCTAssertEqual(DatasetSlug.base(from: "  --Hello__World--  "), "hello-world")
        // The 64-character cut never leaves a trailing '-' or a 65th character.
        let cut = DatasetSlug.base(from: Array(repeating: "abcdefg", count: 12).joined(separator: " "))
        XCTAssertEqual(cut, Array(repeating: "abcdefg", count: 8).joined(separator: "-"))
        XCTAssertEqual(DatasetSlug.base(from: String(repeating: "x", count: 70)).count, 64)
        XCTAssertEqual(DatasetSlug.base(from: "!!!", fallback: "pipeline"), "pipeline")
        XCTAssertEqual(DatasetSlug.base(from: "Évaluation"), "valuation")
        XCTAssertEqual(DatasetSlug.base(from: "!!!!!"), "dataset")
        XCTAssertEqual(DatasetSlug.base(from: String(repeating: "ab ", count: 40)).count, 64)
        XCTAssertFalse(DatasetSlug.base(from: String(repeating: "a", count: 63) + " b c").hasSuffix("-"))
        XCTAssertEqual(DatasetSlug.candidate("x", 1), "x")
        XCTAssertEqual(DatasetSlug.candidate("x", 12), "x-12")
        let long = DatasetSlug.candidate(String(repeating: "a", count: 64), 3)
        XCTAssertEqual(long.count, 64)
        XCTAssertTrue(long.hasSuffix("-3"))
    }

    private func createDataset(_ name: String) throws -> JSON {
        let reply = try call("POST", "\(v1)/datasets", json: ["name": .string(name), "description": "d"])
        XCTAssertEqual(reply.status, 201, reply.text)
        return reply.json
    }

    func testSlugsAreUniqueStableAndReachable() throws {
        let first = try createDataset("Support tickets")
        let second = try createDataset("Support tickets")
        XCTAssertEqual(first["slug"], "support-tickets")
        XCTAssertEqual(second["slug"], "support-tickets-2")
        let id = try XCTUnwrap(first["id"]?.stringValue)

        // By slug and by id: the same dataset.
        let bySlug = try call("GET", "\(v1)/datasets/support-tickets")
        let byID = try call("GET", "\(v1)/datasets/\(id)")
        XCTAssertEqual(bySlug.status, 200, bySlug.text)
        XCTAssertEqual(bySlug.json, byID.json)

        // A rename keeps the slug; the slug still reaches it, for records too.
        let renamed = try call("PATCH", "\(v1)/datasets/support-tickets", json: ["name": "Renamed tickets"])
        XCTAssertEqual(renamed.json["slug"], "support-tickets", renamed.text)
        XCTAssertEqual(renamed.json["name"], "Renamed tickets")
        let record = try call("POST", "\(v1)/datasets/support-tickets/records", json: ["payload": ["input": "free-form"]])
        XCTAssertEqual(record.status, 201, record.text)
        XCTAssertEqual(record.json["dataset_id"]?.stringValue, id)
        XCTAssertEqual(record.json["properties"], [:])
        XCTAssertEqual(record.json["source"], "DIRECT_INPUT")

        // A deleted dataset's slug is not reused, and no longer reaches anything.
        XCTAssertEqual(try call("DELETE", "\(v1)/datasets/support-tickets").status, 204)
        assertError(try call("GET", "\(v1)/datasets/support-tickets"), 404, "DATASET_NOT_FOUND", ["support-tickets"])
        XCTAssertEqual(try createDataset("Support tickets")["slug"], "support-tickets-3")

        // Another workspace has its own slugs.
        let other = try call("POST", "\(v1)/datasets", auth: .token("other-slug-token"), json: ["name": "Support tickets", "description": ""])
        XCTAssertEqual(other.json["slug"], "support-tickets")
        assertError(try call("GET", "\(v1)/datasets/support-tickets-2", auth: .token("other-slug-token")), 404, "DATASET_NOT_FOUND")
    }

    /// A UUID-shaped value is always an id, even when a slug would match it.
    func testUUIDShapedValuesAreIDs() throws {
        let uuidName = "0e8d6f1a-5a8e-4c2b-9c1e-2f4b7a9d3c10"
        XCTAssertEqual(try createDataset(uuidName)["slug"]?.stringValue, uuidName)
        assertError(try call("GET", "\(v1)/datasets/\(uuidName)"), 404, "DATASET_NOT_FOUND")
    }

    func testRecordSourcesOnCreate() throws {
        let id = try XCTUnwrap(try createDataset("Sources")["id"]?.stringValue)
        let span = try call("POST", "\(v1)/datasets/\(id)/records", json: ["payload": ["messages": []], "source": "TELEMETRY_SPAN"])
        XCTAssertEqual(span.json["source"], "TELEMETRY_SPAN", span.text)
        assertError(try call("POST", "\(v1)/datasets/\(id)/records", json: ["payload": [:], "source": "EXPLORER"]), 422, "VALIDATION_ERROR", ["source"])
        assertError(try call("POST", "\(v1)/datasets/\(id)/records", json: ["properties": [:]]), 422, "VALIDATION_ERROR", ["payload"])
    }

    /// An import task reports its counts once it is finished.
    func testImportTaskResultCounts() throws {
        let source = try XCTUnwrap(try createDataset("Import source")["id"]?.stringValue)
        var recordIDs: [JSON] = []
        for index in 0..<3 {
            let record = try call("POST", "\(v1)/datasets/\(source)/records", json: ["payload": ["n": .int(Int64(index))]])
            recordIDs.append(try XCTUnwrap(record.json["id"]))
        }
        let target = try XCTUnwrap(try createDataset("Import target")["id"]?.stringValue)
        let task = try call("POST", "\(v1)/datasets/import-target/imports/from-dataset", json: ["dataset_record_ids": .array(recordIDs)])
        XCTAssertEqual(task.status, 202, task.text)
        let taskID = try XCTUnwrap(task.json["id"]?.stringValue)
        var finished = JSON.null
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            finished = try call("GET", "\(v1)/datasets/\(target)/tasks/\(taskID)").json
            if finished["status"]?.stringValue != "RUNNING" { break }
            usleep(10_000)
        }
        XCTAssertEqual(finished["status"], "COMPLETED", "\(finished)")
        XCTAssertEqual(finished["result"], .object(JSONObject([
            ("requested_record_count", 3), ("imported_record_count", 3), ("skipped_record_count", 0),
        ])))
    }
}
