import Foundation

/// RFC 3339 timestamps with milliseconds, always UTC (`2025-10-07T20:56:01.974Z`).
enum Timestamp {
    /// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the range RFC 3339 can write.
    /// `format` clamps to it, so no stored or computed instant traps the date arithmetic.
    static let minMs: Int64 = -62_167_219_200_000
    static let maxMs: Int64 = 253_402_300_799_999

    static func format(_ ms: Int64) -> String {
        let ms = Swift.min(Swift.max(ms, minMs), maxMs)
        // Days since the epoch to a civil date (Howard Hinnant's algorithm), digits written
        // straight into the 24 bytes: every event preview has one, so this is on the search path.
        let millis = Int((ms % 1000 + 1000) % 1000)
        let totalSeconds = (ms - Int64(millis)) / 1000
        let days = Int(totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400)
        let secondOfDay = Int(totalSeconds - Int64(days) * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else { return formatWithCLibrary(ms) }
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0); buffer[4] = 45
            put(month, 2, at: 5); buffer[7] = 45
            put(day, 2, at: 8); buffer[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, 2, at: 11); buffer[13] = 58
            put(secondOfDay / 60 % 60, 2, at: 14); buffer[16] = 58
            put(secondOfDay % 60, 2, at: 17); buffer[19] = UInt8(ascii: ".")
            put(millis, 3, at: 20); buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Through gmtime_r: years outside 0…9999, and the reference the tests compare with.
    static func formatWithCLibrary(_ ms: Int64) -> String {
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        let millis = Int((ms % 1000 + 1000) % 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        let msText = String(millis)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(String(repeating: "0", count: 3 - msText.count) + msText)Z"
    }

    /// Parses RFC 3339 / ISO 8601 date-times (`Z` or `±hh:mm`, optional fraction) and plain
    /// dates (`2025-10-07`, midnight UTC). Returns milliseconds since the epoch.
    static func parse(_ text: String) -> Int64? {
        parseNanos(text).map { $0.ms }
    }

    /// Telemetry instants: nanoseconds since the epoch as OTLP carries them, written with
    /// microseconds (`2026-11-02T10:00:00.123456Z`), the precision Python's datetime keeps.
    static func formatNanos(_ ns: Int64) -> String {
        let ms = ns >= 0 ? ns / 1_000_000 : (ns - 999_999) / 1_000_000
        let micros = Int((ns - ms * 1_000_000) / 1000)
        var text = format(ms)
        guard text.utf8.count == 24 else { return text }
        text.removeLast()
        let digits = String(micros)
        return text + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// An RFC 3339 instant as nanoseconds since the epoch (fractions to nine digits), for the
    /// telemetry columns; nil outside what 64-bit nanoseconds hold (1677–2262).
    static func parseInstantNanos(_ text: String) -> Int64? {
        guard let (ms, subMillisecondNanos) = parseNanos(text) else { return nil }
        let (scaled, overflow) = ms.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return nil }
        let (sum, overflowSum) = scaled.addingReportingOverflow(subMillisecondNanos)
        return overflowSum ? nil : sum
    }

    /// Milliseconds since the epoch and the nanoseconds beyond the last millisecond.
    private static func parseNanos(_ text: String) -> (ms: Int64, nanos: Int64)? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= b.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 10, let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45, let day = num(8, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0, offsetMinutes = 0, subMillis = 0
        var i = 10
        if b.count > 10 {
            guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 32,
                  let h = num(11, 2), b.count > 13, b[13] == 58, let m = num(14, 2) else { return nil }
            hour = h; minute = m; i = 16
            if i < b.count, b[i] == 58 {
                guard let s = num(17, 2) else { return nil }
                second = s; i = 19
            }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                var digits = 0, frac = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if digits < 9 { frac = frac * 10 + Int(b[i] - 48) }
                    digits += 1; i += 1
                }
                guard digits > 0 else { return nil }
                if digits < 9 { for _ in digits..<9 { frac *= 10 } }
                millis = frac / 1_000_000
                subMillis = frac % 1_000_000
            }
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "+") ? 1 : -1
                guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = num(i + 4, 2) else { return nil }
                offsetMinutes = sign * (oh * 60 + om); i += 6
            } else { return nil }
            guard i == b.count, hour < 24, minute < 60, second < 61 else { return nil }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return ((Int64(seconds) - Int64(offsetMinutes * 60)) * 1000 + Int64(millis), Int64(subMillis))
    }
}
