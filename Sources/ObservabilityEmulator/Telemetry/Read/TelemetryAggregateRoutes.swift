import EmulatorJSON

/// `traces/aggregate`, `spans/aggregate`, `spans/evaluations/aggregate`: one metric
/// over the rows an expression and a window select, grouped by dimensions and time buckets.
enum TelemetryAggregateRoutes {
    static func traces(_ call: Call) throws -> HTTPResponseBox { try aggregate(call, .traces) }
    static func spans(_ call: Call) throws -> HTTPResponseBox { try aggregate(call, .spans) }
    static func evaluations(_ call: Call) throws -> HTTPResponseBox { try aggregate(call, .evaluations) }

    static func aggregate(_ call: Call, _ resource: TelemetryResource) throws -> HTTPResponseBox {
        let body = try call.body()
        guard let metric = try body.object("metric") else { throw APIError.validation("metric: field required") }
        let measureName = try metric.requiredString("measure")
        let aggregation = try metric.requiredString("aggregation")
        guard FieldType.allAggregations.contains(aggregation) else {
            throw APIError.validation("metric.aggregation: '\(aggregation.prefix(40))' is not one of \(FieldType.allAggregations.joined(separator: ", "))")
        }
        let dimensionNames = try body.stringArray("dimensions", required: false, nullable: true) ?? []
        var granularity: String?
        if let time = try body.object("time_dimension", required: false, nullable: true) {
            granularity = try time.string("granularity", required: false, nullable: true) ?? "auto"
            guard let given = granularity, TimeBuckets.granularities.contains(given) else {
                throw APIError.validation("time_dimension.granularity: expected one of \(TimeBuckets.granularities.joined(separator: ", "))")
            }
        }
        let expression = try body.string("search_expression", required: false, nullable: true)
        var orderBy: [(field: String, descending: Bool)] = []
        for (index, clause) in (try body.objectArray("order_by", required: false) ?? []).enumerated() {
            guard case .string(let field)? = clause["field"] else { throw APIError.validation("order_by[\(index)].field: field required") }
            let direction = clause["direction"]?.stringValue ?? "asc"
            guard direction == "asc" || direction == "desc" else {
                throw APIError.validation("order_by[\(index)].direction: expected 'asc' or 'desc'")
            }
            orderBy.append((field, direction == "desc"))
        }
        let limit = Int(try body.integer("limit", required: false) ?? 1000)
        guard (1...10_000).contains(limit) else { throw APIError.validation("limit: must be between 1 and 10000 (got \(limit))") }
        let window = try TimeWindow(call)
        let tenant = TelemetryTenant(call.workspace)

        let catalogue = FieldCatalogue.telemetry(resource, tenant: tenant)
        let measure = try AggregateOperand(measureName, catalogue, role: "metric.measure")
        guard measure.type.aggregations.contains(aggregation) else {
            throw QueryError.refused("metric.aggregation: \(aggregation) is not supported by \(measureName) (\(measure.type.rawValue)); supported: \(measure.type.aggregations.joined(separator: ", "))")
        }
        let dimensions = try dimensionNames.enumerated().map { index, name in
            let operand = try AggregateOperand(name, catalogue, role: "dimensions[\(index)]")
            guard operand.type != .ARRAY, !(operand.type == .MAP && !operand.isEntry) else {
                throw QueryError.refused("dimensions[\(index)]: cannot group by \(name) (\(operand.type.rawValue)); use a scalar field or a map entry")
            }
            return operand
        }
        for (index, clause) in orderBy.enumerated() where clause.field != "metric_value" && clause.field != "time_bucket" && !dimensionNames.contains(clause.field) {
            throw QueryError.refused("order_by[\(index)].field: '\(clause.field.prefix(100))' is neither a dimension, metric_value nor time_bucket")
        }
        let filter = try QueryCompiler(catalogue).compile(expression: expression)
        let request = AggregateRequest(tenant: tenant, resource: resource, measure: measure, aggregation: aggregation, dimensions: dimensions,
                                       granularity: granularity, filter: filter, window: window, orderBy: orderBy, limit: limit)
        return .json(TelemetryAggregateRendering.json(try call.store.aggregate(request), request))
    }
}
