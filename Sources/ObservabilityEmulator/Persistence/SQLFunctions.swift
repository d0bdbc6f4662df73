import CSQLite
import EmulatorStore
import Foundation

/// SQL functions the filter compiler relies on, registered on every connection.
///
/// - `ulower(text)`: Unicode lower-casing (SQLite's `lower` folds ASCII only), for `i…` operators.
/// - `regexp_match(pattern, text)`: `matches`, with the compiled pattern cached per statement via
///   `sqlite3_set_auxdata` and the subject capped, so a pattern's cost stays bounded.
enum SQLFunctions {
    /// A text argument with its byte length (a NUL inside it is kept), nil for NULL.
    static func text(_ value: OpaquePointer?) -> String? {
        guard let value, sqlite3_value_type(value) != SQLITE_NULL, let bytes = sqlite3_value_text(value) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_value_bytes(value))), as: UTF8.self)
    }

    static func register(on db: Database) throws {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC
        var code = sqlite3_create_function_v2(db.rawHandle, "ulower", 1, flags, nil, { context, _, argv in
            guard let argv, let text = SQLFunctions.text(argv[0]) else {
                sqlite3_result_null(context); return
            }
            var lowered = text.lowercased()
            lowered.withUTF8 { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { sqlite3_result_text(context, "", 0, csqlite_transient()); return }
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { sqlite3_result_text(context, $0, Int32(bytes.count), csqlite_transient()) }
            }
        }, nil, nil, nil)
        guard code == SQLITE_OK else { throw DatabaseError(code: code, message: "cannot register ulower") }
        code = sqlite3_create_function_v2(db.rawHandle, "regexp_match", 2, flags, nil, { context, _, argv in
            guard let argv, let patternText = SQLFunctions.text(argv[0]), let subject = SQLFunctions.text(argv[1]) else {
                sqlite3_result_null(context); return
            }
            let regex: NSRegularExpression
            if let cached = sqlite3_get_auxdata(context, 0) {
                regex = Unmanaged<NSRegularExpression>.fromOpaque(cached).takeUnretainedValue()
            } else {
                guard let compiled = try? NSRegularExpression(pattern: patternText) else {
                    sqlite3_result_error(context, "invalid regular expression", -1); return
                }
                regex = compiled
                sqlite3_set_auxdata(context, 0, Unmanaged.passRetained(compiled).toOpaque()) { pointer in
                    if let pointer { Unmanaged<NSRegularExpression>.fromOpaque(pointer).release() }
                }
            }
            switch BoundedRegex.firstMatch(regex, in: subject) {
            case .match: sqlite3_result_int(context, 1)
            case .noMatch: sqlite3_result_int(context, 0)
            case .timeout:
                // SQLITE_INTERRUPT: the statement fails with that code, which the API edge
                // answers as a pattern too costly to run (`DatabaseError.isInterrupted`).
                sqlite3_result_error(context, BoundedRegex.timeoutMessage, -1)
                sqlite3_result_error_code(context, SQLITE_INTERRUPT)
            }
        }, nil, nil, nil)
        guard code == SQLITE_OK else { throw DatabaseError(code: code, message: "cannot register regexp_match") }
        // has_token(text, token): 1 when token is a whole word of text (search expressions' hasToken).
        code = sqlite3_create_function_v2(db.rawHandle, "has_token", 2, flags, nil, { context, _, argv in
            guard let argv, let text = SQLFunctions.text(argv[0]), let token = SQLFunctions.text(argv[1]) else {
                sqlite3_result_int(context, 0); return
            }
            sqlite3_result_int(context, HasToken.contains(text, token: token) ? 1 : 0)
        }, nil, nil, nil)
        guard code == SQLITE_OK else { throw DatabaseError(code: code, message: "cannot register has_token") }
        // otel_number(text): the number a stored attribute string spells (JSON number syntax), else NULL.
        code = sqlite3_create_function_v2(db.rawHandle, "otel_number", 1, flags, nil, { context, _, argv in
            guard let argv, let value = argv[0] else { sqlite3_result_null(context); return }
            switch sqlite3_value_type(value) {
            case SQLITE_INTEGER, SQLITE_FLOAT: sqlite3_result_double(context, sqlite3_value_double(value))
            case SQLITE_TEXT:
                if let text = SQLFunctions.text(value), let number = AttributeNumber.parse(text) {
                    sqlite3_result_double(context, number)
                } else {
                    sqlite3_result_null(context)
                }
            default: sqlite3_result_null(context)
            }
        }, nil, nil, nil)
        guard code == SQLITE_OK else { throw DatabaseError(code: code, message: "cannot register otel_number") }
    }
}
