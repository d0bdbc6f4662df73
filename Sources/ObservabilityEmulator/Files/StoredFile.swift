import EmulatorJSON
import EmulatorStore

/// An uploaded file's metadata, as the store keeps it.
struct StoredFile: Equatable {
    let id: String
    let filename: String
    let purpose: String
    let bytes: Int64
    let createdMs: Int64
    /// Newline count of the content (JSONL lines).
    let lineCount: Int64

    /// The SELECT list `init(row:)` reads.
    static let columns = """
        id, filename, purpose, bytes, created_ms, \
        (length(content) - length(replace(CAST(content AS TEXT), char(10), ''))) AS line_count
        """

    init(row: Row) throws {
        id = try row.string("id")
        filename = try row.string("filename")
        purpose = try row.string("purpose")
        bytes = try row.int64("bytes")
        createdMs = try row.int64("created_ms")
        lineCount = try row.int64("line_count")
    }

    /// The Files API's file object.
    var json: JSON {
        .object(JSONObject([
            ("id", .string(id)), ("object", "file"), ("bytes", .int(bytes)),
            ("created_at", .int(createdMs / 1000)), ("filename", .string(filename)), ("purpose", .string(purpose)),
            ("sample_type", "instruct"), ("source", "upload"), ("deleted", false), ("num_lines", .int(lineCount)),
            ("mimetype", "application/jsonl"),
        ]))
    }
}
