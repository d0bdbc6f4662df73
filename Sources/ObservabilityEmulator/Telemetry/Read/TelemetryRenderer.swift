import EmulatorHTTP
import EmulatorJSON

/// Writes telemetry rows as the API returns them, straight from the store's current row to JSON
/// bytes (no intermediate record), and the feed's envelope around them.
struct TelemetryRenderer {
    let resource: TelemetryResource
    let tenant: TelemetryTenant

    func write(_ row: TelemetryRowView, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var index = 0
        for (position, field) in resource.rowFields.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            JSON.writeString(field.name, into: &out)
            out.append(UInt8(ascii: ":"))
            switch field.storage {
            case .text:
                JSON.writeString(row.string(index), into: &out)
            case .integer:
                out.append(contentsOf: String(row.int64(index)).utf8)
            case .real:
                if row.isNull(index) { out.append(contentsOf: "null".utf8) } else { JSON.double(row.double(index)).write(into: &out) }
            case .instant:
                JSON.writeString(Timestamp.formatNanos(row.int64(index)), into: &out)
            case .array, .map:
                out.append(contentsOf: row.bytes(index))
            case .tenant(let column):
                JSON.writeString(tenant.value(column), into: &out)
                continue
            case .anySpan:
                continue
            }
            index += 1
        }
        out.append(UInt8(ascii: "}"))
    }

    func json(_ row: TelemetryRowView) -> [UInt8] {
        var out: [UInt8] = []
        write(row, into: &out)
        return out
    }

    /// `{"<key>":{"results":[…],"next":…,"cursor":…}}` around rendered rows.
    static func feed(_ rows: [[UInt8]], resultKey: String, tail: (inout [UInt8]) -> Void) -> [UInt8] {
        var out: [UInt8] = Array("{\"\(resultKey)\":{\"results\":[".utf8)
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: row)
        }
        out.append(UInt8(ascii: "]"))
        tail(&out)
        return out
    }

    /// A feed's `"next"` and `"cursor"` and the closing braces: `next` is the same path with the
    /// page size, the cursor and the window; both null on the last page.
    static func writeFeedTail(_ call: Call, path: String, pageSize: Int, cursor: String?, into out: inout [UInt8]) {
        out.append(contentsOf: ",\"next\":".utf8)
        if let cursor, pageSize > 0 {
            var items = [("page_size", String(pageSize)), ("cursor", cursor)]
            if let from = call.query("from"), !from.isEmpty { items.append(("from", from)) }
            if let to = call.query("to"), !to.isEmpty { items.append(("to", to)) }
            JSON.writeString(path + "?" + items.map { PercentDecoding.encode($0.0) + "=" + PercentDecoding.encode($0.1) }.joined(separator: "&"), into: &out)
            out.append(contentsOf: ",\"cursor\":".utf8)
            JSON.writeString(cursor, into: &out)
        } else {
            out.append(contentsOf: "null,\"cursor\":null".utf8)
        }
        out.append(contentsOf: "}}".utf8)
    }
}
