import EmulatorJSON

/// The operators of `FilterCondition.op`.
enum FilterOperator: String, CaseIterable, Sendable {
    case lt, lte, gt, gte, startswith, istartswith, endswith, iendswith, contains, icontains, matches
    case notcontains, inotcontains, eq, neq, isnull, includes, excludes, len_eq
}

/// A parsed `FilterPayload.filters`: schema-valid, not yet checked against the field catalogue.
indirect enum Filter: Equatable {
    case all
    case condition(field: String, op: FilterOperator, value: JSON, path: String)
    case group(and: [Filter], or: [Filter])

    static let maximumDepth = 32
    static let maximumConditions = 500

    /// Parses the `filters` value at `path` (e.g. `search_params.filters`). Schema violations
    /// (wrong JSON types, missing keys, an `op` outside the enum) are 422; the depth and size
    /// limits are 400 `SEARCH_BAD_REQUEST`.
    static func parse(_ value: JSON?, path: String) throws -> Filter {
        var count = 0
        return try parse(value, path: path, depth: 0, count: &count)
    }

    private static func parse(_ value: JSON?, path: String, depth: Int, count: inout Int) throws -> Filter {
        guard let value, !value.isNull else { return .all }
        guard case .object(let object) = value else {
            throw APIError.validation("\(path): expected a filter condition, a filter group or null, got \(value.typeDescription)")
        }
        if depth >= maximumDepth {
            throw APIError.searchBadRequest("\(path): filters nest deeper than \(maximumDepth) levels")
        }
        if object.contains("field") || object.contains("op") || object.contains("value") {
            count += 1
            if count > maximumConditions {
                throw APIError.searchBadRequest("\(path): more than \(maximumConditions) conditions in one filter")
            }
            guard let field = object["field"] else { throw APIError.validation("\(path).field: field required") }
            guard case .string(let fieldName) = field else { throw APIError.validation("\(path).field: expected a string, got \(field.typeDescription)") }
            guard let op = object["op"] else { throw APIError.validation("\(path).op: field required") }
            guard case .string(let opName) = op else { throw APIError.validation("\(path).op: expected a string, got \(op.typeDescription)") }
            guard let filterOperator = FilterOperator(rawValue: opName) else {
                throw APIError.validation("\(path).op: '\(opName.prefix(40))' is not one of \(FilterOperator.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let operand = object["value"] else { throw APIError.validation("\(path).value: field required") }
            return .condition(field: fieldName, op: filterOperator, value: operand, path: path)
        }
        func list(_ key: String) throws -> [Filter] {
            guard let items = object[key], !items.isNull else { return [] }
            guard case .array(let array) = items else {
                throw APIError.validation("\(path).\(key): expected an array or null, got \(items.typeDescription)")
            }
            return try array.enumerated().map { index, item in
                if item.isNull { throw APIError.validation("\(path).\(key)[\(index)]: expected a filter condition or group, got null") }
                return try parse(item, path: "\(path).\(key)[\(index)]", depth: depth + 1, count: &count)
            }
        }
        let and = try list("AND")
        let or = try list("OR")
        if and.isEmpty && or.isEmpty { return .all }
        return .group(and: and, or: or)
    }
}
