import CSQLite
import EmulatorStore
import Foundation

/// Aggregation by hashing, for `telemetry/aggregate`: rows stream out of SQLite (through the
/// covering index, in time order) and each is added to its group's accumulator, instead of
/// SQLite sorting every row to group them. Group values are interned to small integers straight
/// from the row's bytes, so a row allocates nothing.
struct GroupAccumulator {
    /// One group's running figures.
    struct Figures {
        var rows = 0
        var count = 0
        var integerSum: Int64 = 0
        var overflowed = false
        var sum: Double = 0
        var minimum: DatabaseValue = .null
        var maximum: DatabaseValue = .null
        var values: [Double] = []
        var integerValues: [Int64] = []

        /// Adds the figures of the same group over other rows.
        mutating func merge(_ other: Figures) {
            rows += other.rows
            count += other.count
            let (total, overflow) = integerSum.addingReportingOverflow(other.integerSum)
            integerSum = total
            overflowed = overflowed || other.overflowed || overflow
            sum += other.sum
            if other.minimum != .null { lower(to: other.minimum) }
            if other.maximum != .null { raise(to: other.maximum) }
            values += other.values
            integerValues += other.integerValues
        }

        /// Takes `value` as the minimum when it is below it (or there is none yet): numbers
        /// compare by value whatever their storage class, as SQL's MIN does.
        mutating func lower(to value: DatabaseValue) {
            if minimum == .null || Self.less(value, minimum) { minimum = value }
        }

        mutating func raise(to value: DatabaseValue) {
            if maximum == .null || Self.less(maximum, value) { maximum = value }
        }

        private static func less(_ a: DatabaseValue, _ b: DatabaseValue) -> Bool {
            if case .integer(let x) = a, case .integer(let y) = b { return x < y }
            return (a.double ?? 0) < (b.double ?? 0)
        }
    }

    /// Interns the values of one column (a bucket or a dimension).
    struct Interner {
        private var integers: [Int64: Int] = [:]
        private var reals: [UInt64: Int] = [:]
        private var texts: [Int: [(bytes: [UInt8], id: Int)]] = [:]
        /// The last few distinct texts, compared byte for byte before hashing: a dimension
        /// usually has a handful of values (models, services, statuses).
        private var recent: [(bytes: [UInt8], id: Int)] = []
        private var nextRecent = 0
        private(set) var values: [DatabaseValue] = [.null]
        private var lastInteger: (Int64, Int)?

        mutating func id(integer value: Int64) -> Int {
            if let (last, id) = lastInteger, last == value { return id }
            let id = integers[value] ?? { values.append(.integer(value)); integers[value] = values.count - 1; return values.count - 1 }()
            lastInteger = (value, id)
            return id
        }

        mutating func id(real value: Double) -> Int {
            reals[value.bitPattern] ?? { values.append(.real(value)); reals[value.bitPattern] = values.count - 1; return values.count - 1 }()
        }

        mutating func id(_ row: Row, _ index: Int) -> Int {
            switch row.type(index) {
            case SQLITE_INTEGER:
                let value = row.int64(index)
                if let (last, id) = lastInteger, last == value { return id }
                let id = integers[value] ?? { values.append(.integer(value)); integers[value] = values.count - 1; return values.count - 1 }()
                lastInteger = (value, id)
                return id
            case SQLITE_FLOAT: return id(real: row.double(index))
            case SQLITE_TEXT:
                return row.withTextBytes(index) { bytes in
                    for candidate in recent where candidate.bytes.count == bytes.count {
                        let same = candidate.bytes.withUnsafeBytes { stored in
                            bytes.isEmpty || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0
                        }
                        if same { return candidate.id }
                    }
                    let id = hashedID(bytes)
                    if recent.count < 8 {
                        recent.append((Array(bytes), id))
                    } else {
                        recent[nextRecent] = (Array(bytes), id)
                        nextRecent = (nextRecent + 1) % 8
                    }
                    return id
                }
            default:
                return 0
            }
        }

        /// The id of a value another interner gave out (merging accumulators).
        mutating func id(value: DatabaseValue) -> Int {
            switch value {
            case .integer(let number): return id(integer: number)
            case .real(let number): return id(real: number)
            case .text(let text):
                var text = text
                return text.withUTF8 { hashedID($0) }
            case .null, .blob: return 0
            }
        }

        private mutating func hashedID(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
                    var hash = 14_695_981_039_346_656_037 as UInt64  // FNV-1a
                    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
                    let key = Int(truncatingIfNeeded: hash)
                    if let candidates = texts[key] {
                        for candidate in candidates where candidate.bytes.elementsEqual(bytes) { return candidate.id }
                    }
                    values.append(.text(String(decoding: bytes, as: UTF8.self)))
                    texts[key, default: []].append((Array(bytes), values.count - 1))
                    return values.count - 1
        }
    }

    let aggregation: String
    /// `aggregation`, decided once rather than compared as text on every row.
    private let kind: Kind
    enum Kind { case count, total, minimum, maximum, values }
    let measureIsInteger: Bool
    /// When set, column 0 is a raw time in nanoseconds, bucketed here (fixed-width buckets).
    let bucket: TimeBuckets.Fixed?
    private(set) var interners: [Interner]
    private var groupOfKey = IntIndex()
    private var groupOfWideKey: [[Int]: Int] = [:]
    private(set) var keys: [[Int]] = []
    private var scratch: [Int]
    private(set) var figures: [Figures] = []

    /// `columns` group columns (the bucket first), then the measure.
    init(aggregation: String, measureIsInteger: Bool, columns: Int, bucket: TimeBuckets.Fixed? = nil) {
        self.aggregation = aggregation
        switch aggregation {
        case "count": kind = .count
        case "sum", "avg": kind = .total
        case "min": kind = .minimum
        case "max": kind = .maximum
        default: kind = .values
        }
        self.measureIsInteger = measureIsInteger
        self.bucket = bucket
        interners = Array(repeating: Interner(), count: columns)
        scratch = Array(repeating: 0, count: columns)
    }

    mutating func add(_ row: Row) {
        let columns = interners.count
        var packed = columns <= 3 ? 0 : -1
        for index in 0..<columns {
            let id: Int
            if index == 0, let bucket, row.type(index) == SQLITE_INTEGER {
                id = interners[index].id(integer: bucket.start(row.int64(index)))
            } else {
                id = interners[index].id(row, index)
            }
            scratch[index] = id
            packed = Self.pack(id, onto: packed)
        }
        let group = self.group(scratch, packed: packed)
        Self.accumulate(row, column: columns, kind: kind, measureIsInteger: measureIsInteger, into: &figures[group])
    }

    /// Adds the groups of an accumulator over other rows (a disjoint part of the same query).
    mutating func merge(_ other: GroupAccumulator) {
        for (ids, theirs) in zip(other.keys, other.figures) {
            var packed = ids.count <= 3 ? 0 : -1
            for (index, id) in ids.enumerated() {
                let mine = interners[index].id(value: other.interners[index].values[id])
                scratch[index] = mine
                packed = Self.pack(mine, onto: packed)
            }
            figures[group(scratch, packed: packed)].merge(theirs)
        }
    }

    /// Up to three ids of at most 21 bits each make one integer key; -1 when they do not.
    private static func pack(_ id: Int, onto packed: Int) -> Int {
        packed >= 0 && id < 1 << 21 ? packed << 21 | id : -1
    }

    /// The group of these value ids (`packed`: their integer key, or -1), made when new.
    private mutating func group(_ ids: [Int], packed: Int) -> Int {
        if packed >= 0 {
            if let existing = groupOfKey.value(packed) { return existing }
            let group = newGroup(ids)
            groupOfKey.insert(packed, group)
            return group
        }
        if let existing = groupOfWideKey[ids] { return existing }
        let group = newGroup(ids)
        groupOfWideKey[ids] = group
        return group
    }

    private mutating func newGroup(_ ids: [Int]) -> Int {
        keys.append(ids)
        figures.append(Figures())
        return figures.count - 1
    }

    /// Static, so that updating one group's figures in place does not copy the array.
    private static func accumulate(_ row: Row, column: Int, kind: Kind, measureIsInteger: Bool, into figures: inout Figures) {
        figures.rows += 1
        guard kind != .count else { return }
        let type = row.type(column)
        guard type == SQLITE_INTEGER || type == SQLITE_FLOAT else { return }
        figures.count += 1
        if measureIsInteger && type == SQLITE_INTEGER {
            let value = row.int64(column)
            switch kind {
            case .total:
                let (sum, overflow) = figures.integerSum.addingReportingOverflow(value)
                figures.integerSum = sum
                figures.overflowed = figures.overflowed || overflow
                figures.sum += Double(value)
            case .minimum: figures.lower(to: .integer(value))
            case .maximum: figures.raise(to: .integer(value))
            case .values, .count: figures.integerValues.append(value)
            }
        } else {
            let value = row.double(column)
            switch kind {
            case .total: figures.sum += value
            case .minimum: figures.lower(to: .real(value))
            case .maximum: figures.raise(to: .real(value))
            case .values, .count: figures.values.append(value)
            }
        }
    }

    /// Each group's key values and metric, as the SQL path would give them.
    func groups() throws -> [(key: [DatabaseValue], value: DatabaseValue)] {
        try zip(keys, figures).map { ids, figures in
            let key = ids.enumerated().map { interners[$0].values[$1] }
            return (key, try metric(figures))
        }
    }

    private func metric(_ figures: Figures) throws -> DatabaseValue {
        switch aggregation {
        case "count": return .integer(Int64(figures.rows))
        case "sum":
            if measureIsInteger {
                guard !figures.overflowed else { throw QueryError.refused("metric: the sum overflows a 64-bit integer") }
                return figures.count == 0 ? .null : .integer(figures.integerSum)
            }
            return .real(figures.sum)
        case "avg": return figures.count == 0 ? .null : .real(figures.sum / Double(figures.count))
        case "min": return figures.minimum
        case "max": return figures.maximum
        default:
            let percentile: Double = (["p50": 50, "p90": 90, "p95": 95, "p99": 99] as [String: Double])[aggregation] ?? 50
            func pick<T: Comparable>(_ values: [T]) -> T? {
                guard !values.isEmpty else { return nil }
                let sorted = values.sorted()
                let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up))
                return sorted[max(0, min(sorted.count, rank) - 1)]
            }
            if let value = pick(figures.integerValues) { return .integer(value) }
            if let value = pick(figures.values) { return .real(value) }
            return .null
        }
    }
}

/// Non-negative `Int` keys to `Int` values, open addressing with linear probing and a
/// multiplicative hash: the group lookup of every row without Dictionary's seeded SipHash.
struct IntIndex {
    private var keys = [Int](repeating: -1, count: 64)
    private var values = [Int](repeating: 0, count: 64)
    private var count = 0

    private func slot(for key: Int) -> Int {
        var hash = UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 29
        var slot = Int(truncatingIfNeeded: hash) & (keys.count - 1)
        while keys[slot] != key && keys[slot] >= 0 { slot = (slot + 1) & (keys.count - 1) }
        return slot
    }

    func value(_ key: Int) -> Int? {
        let at = slot(for: key)
        return keys[at] == key ? values[at] : nil
    }

    /// Adds a key that is not there yet.
    mutating func insert(_ key: Int, _ value: Int) {
        precondition(key >= 0, "IntIndex keys are non-negative")
        if (count + 1) * 2 > keys.count {
            let old = zip(keys, values).filter { $0.0 >= 0 }
            keys = [Int](repeating: -1, count: keys.count * 2)
            values = [Int](repeating: 0, count: keys.count)
            count = 0
            for (key, value) in old { insert(key, value) }
        }
        let at = slot(for: key)
        keys[at] = key
        values[at] = value
        count += 1
    }
}
