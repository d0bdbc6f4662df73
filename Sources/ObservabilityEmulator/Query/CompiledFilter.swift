import EmulatorJSON
import EmulatorStore
import Foundation

/// A compiled filter: SQL text built only from catalogue column names and fixed operators, with
/// every request value bound as a parameter.
struct CompiledFilter {
    var sql: String
    var arguments: [DatabaseValue]
}
