/// A JSON value that keeps object keys in the order they were written.
///
/// The emulator stores events exactly as clients sent them and must answer byte-identically for
/// the same inputs, so neither `JSONSerialization` (unordered dictionaries) nor `Codable`
/// (fixed shapes, lossy for `additionalProperties`) fits. Integers and floating-point numbers
/// are kept apart so that `87` never comes back as `87.0`.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

/// An ordered JSON object.
///
/// Objects in this API have a handful of keys, where a linear scan beats hashing; past
/// `indexThreshold` keys a key → position index takes over, so an object with a hundred thousand
/// keys costs linear time to build and constant time per lookup, not quadratic. A repeated key
/// keeps its first position and takes the last value written (the parser's rule: the last copy
/// of a duplicate key wins).
public struct JSONObject: Equatable, Sendable, Sequence {
    public private(set) var pairs: [(key: String, value: JSON)]
    /// Positions by key; empty while the object has at most `indexThreshold` keys.
    private var positions: [String: Int] = [:]

    /// Above this many keys lookups go through `positions`.
    static let indexThreshold = 12

    public init() { pairs = [] }

    public init(_ pairs: [(String, JSON)]) {
        self.pairs = []
        self.pairs.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }
    public var keys: [String] { pairs.map(\.key) }

    private func position(of key: String) -> Int? {
        if pairs.count > Self.indexThreshold { return positions[key] }
        return pairs.firstIndex(where: { $0.key == key })
    }

    public subscript(key: String) -> JSON? {
        get { position(of: key).map { pairs[$0].value } }
        set {
            if let index = position(of: key) {
                if let newValue {
                    pairs[index].value = newValue
                } else {
                    pairs.remove(at: index)
                    reindex()
                }
            } else if let newValue {
                pairs.append((key, newValue))
                if pairs.count == Self.indexThreshold + 1 {
                    reindex()
                } else if pairs.count > Self.indexThreshold {
                    positions[key] = pairs.count - 1
                }
            }
        }
    }

    /// Rebuilds the index after a removal shifted positions, or when the object grows past the
    /// threshold (removals are rare: request bodies are only read).
    private mutating func reindex() {
        positions = [:]
        guard pairs.count > Self.indexThreshold else { return }
        positions.reserveCapacity(pairs.count)
        for (index, pair) in pairs.enumerated() { positions[pair.key] = index }
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSON)]> { pairs.makeIterator() }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.pairs.count == rhs.pairs.count else { return false }
        for (key, value) in lhs.pairs where rhs[key] != value { return false }
        return true
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSON {
    /// Builds a string value, or `null` for a nil optional.
    public static func string(_ value: String?) -> JSON { value.map { .string($0) } ?? .null }

    public subscript(key: String) -> JSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a }; return nil }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// The value as an integer when it is a JSON integer (or a float with no fractional part).
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int64(d)
        default: return nil
        }
    }

    /// The value as a number when it is any JSON number.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The JSON type name used in validation messages ("a string", "an object", ...).
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
