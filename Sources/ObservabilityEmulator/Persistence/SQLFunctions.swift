import CSQLite
import EmulatorStore
import Foundation

/// SQL functions the filter compiler relies on, registered on every connection.
///
/// - `ulower(text)`: Unicode lower-casing (SQLite's `lower` folds ASCII only), for `i…` operators.
/// - `regexp_match(pattern, text)`: `matches`, with the compiled pattern cached per statement via
///   `sqlite3_set_auxdata` and the subject capped, so a pattern's cost stays bounded.
enum SQLFunctions {

    static func register(on db: Database) throws {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC
        var code = sqlite3_create_function_v2(db.rawHandle, "ulower", 1, flags, nil, { context, _, argv in
            guard let argv, let value = argv[0], sqlite3_value_type(value) != SQLITE_NULL, let text = sqlite3_value_text(value) else {
                sqlite3_result_null(context); return
            }
            let lowered = String(cString: text).lowercased()
            sqlite3_result_text(context, lowered, -1, csqlite_transient())
        }, nil, nil, nil)
        guard code == SQLITE_OK else { throw DatabaseError(code: code, message: "cannot register ulower") }
        code = sqlite3_create_function_v2(db.rawHandle, "regexp_match", 2, flags, nil, { context, _, argv in
            guard let argv, let patternValue = argv[0], let subjectValue = argv[1],
                  sqlite3_value_type(subjectValue) != SQLITE_NULL, let patternText = sqlite3_value_text(patternValue),
                  let subjectText = sqlite3_value_text(subjectValue) else {
                sqlite3_result_null(context); return
            }
            let regex: NSRegularExpression
            if let cached = sqlite3_get_auxdata(context, 0) {
                regex = Unmanaged<NSRegularExpression>.fromOpaque(cached).takeUnretainedValue()
            } else {
                guard let compiled = try? NSRegularExpression(pattern: String(cString: patternText)) else {
                    sqlite3_result_error(context, "invalid regular expression", -1); return
                }
                regex = compiled
                sqlite3_set_auxdata(context, 0, Unmanaged.passRetained(compiled).toOpaque()) { pointer in
                    if let pointer { Unmanaged<NSRegularExpression>.fromOpaque(pointer).release() }
                }
            }
            let subject = String(cString: subjectText)
            switch BoundedRegex.firstMatch(regex, in: subject) {
            case .match: sqlite3_result_int(context, 1)
            case .noMatch: sqlite3_result_int(context, 0)
            case .timeout: sqlite3_result_error(context, BoundedRegex.timeoutMessage, -1)
            }
        }, nil, nil, nil)
        guard code == SQLITE_OK else { throw DatabaseError(code: code, message: "cannot register regexp_match") }
    }
}
