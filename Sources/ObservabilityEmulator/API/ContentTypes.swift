/// Media types the JSON routes accept.
enum ContentTypes {
    /// `application/json` (any parameters), a `+json` suffix type, or JSON lines
    /// (`application/x-ndjson`, `application/jsonl`) for the event loader.
    static func isJSON(_ value: String) -> Bool {
        let media = (value.split(separator: ";", maxSplits: 1).first ?? "").lowercased().filter { $0 != " " && $0 != "\t" }
        return media == "application/json" || media.hasSuffix("+json") || media == "application/x-ndjson"
            || media == "application/jsonl" || media == "application/x-jsonlines"
    }
}
