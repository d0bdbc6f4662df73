import EmulatorJSON
import EmulatorStore
import Foundation

/// `POST …/datasets/{dataset_id}/imports/from-spans` (SDK 3.0+): spans the workspace
/// can see become `TELEMETRY_SPAN` records, their payload built by the mapping contract;
/// references it cannot see are skipped and counted, never an error.
enum SpanImport {
    static let maximumReferences = 1_000

    struct Reference: Sendable {
        let traceID: String
        let spanID: String
    }

    /// Version 1: `target_field` ← the attribute `key` of `namespace`, read literally.
    struct Mapping: Sendable {
        let target: String
        let namespace: String
        let key: String
    }

    static func start(_ call: Call) throws -> HTTPResponseBox {
        let body = try call.body()
        guard let references = try body.objectArray("span_references") else { throw APIError.validation("span_references: field required") }
        guard references.count <= maximumReferences else {
            throw APIError(400, "DATASET_IMPORT_BAD_REQUEST", "span_references: at most \(maximumReferences) references per import (got \(references.count))")
        }
        let parsed = try references.enumerated().map { index, object -> Reference in
            guard case .string(let trace)? = object["trace_id"] else { throw APIError.validation("span_references[\(index)].trace_id: field required (a string)") }
            guard case .string(let span)? = object["span_id"] else { throw APIError.validation("span_references[\(index)].span_id: field required (a string)") }
            return Reference(traceID: trace.lowercased(), spanID: span.lowercased())
        }
        guard let contract = try body.object("mapping_contract") else { throw APIError.validation("mapping_contract: field required") }
        if contract.has("version"), let version = try contract.integer("version", required: false), version != 1 {
            throw APIError.validation("mapping_contract.version: only version 1 is defined (got \(version))")
        }
        guard let mappings = try contract.objectArray("mappings") else { throw APIError.validation("mapping_contract.mappings: field required") }
        let rules = try mappings.enumerated().map { index, object -> Mapping in
            let path = "mapping_contract.mappings[\(index)]"
            guard case .string(let target)? = object["target_field"] else { throw APIError.validation("\(path).target_field: field required (a string)") }
            guard case .object(let source)? = object["source_field"] else { throw APIError.validation("\(path).source_field: field required (an object)") }
            guard case .string(let namespace)? = source["namespace"], ["span_attributes", "resource_attributes"].contains(namespace) else {
                throw APIError.validation("\(path).source_field.namespace: expected 'span_attributes' or 'resource_attributes'")
            }
            guard case .string(let key)? = source["key"] else { throw APIError.validation("\(path).source_field.key: field required (a string)") }
            return Mapping(target: target, namespace: namespace, key: key)
        }
        return try DatasetRoutes.startImport(call) { store, workspaceID in
            try store.recordsFromSpans(parsed, mappings: rules, workspaceID: workspaceID)
        }
    }

    /// A record payload from a span's attribute maps: a missing, null, blank or `[]` source
    /// leaves the key out; a string holding a JSON object or array becomes that value.
    static func payload(spanAttributes: JSONObject, resourceAttributes: JSONObject, mappings: [Mapping]) -> JSONObject {
        var payload = JSONObject()
        for mapping in mappings {
            let map = mapping.namespace == "span_attributes" ? spanAttributes : resourceAttributes
            guard let value = map[mapping.key], case .string(let text) = value else { continue }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed == "[]" { continue }
            if trimmed.hasPrefix("{") || trimmed.hasPrefix("["), let parsed = try? JSON.parse(trimmed) {
                switch parsed {
                case .array(let items) where items.isEmpty: continue
                case .array, .object: payload[mapping.target] = parsed; continue
                default: break
                }
            }
            payload[mapping.target] = .string(text)
        }
        return payload
    }
}
