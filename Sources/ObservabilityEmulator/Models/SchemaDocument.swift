import EmulatorJSON

/// One JSON Schema as the instance generator and the validator read it: the root that local
/// `$ref`s point into, and the work budget both spend, so that any schema costs bounded work
/// (a few steps per schema node) however its `anyOf`s and `$ref`s nest.
final class SchemaDocument {
    let root: JSON
    /// Steps left; every generator and validator call spends one. At zero the generator gives up
    /// (the caller falls back) and the validator stops failing what it cannot finish checking.
    private(set) var budget: Int

    /// How deep the generated instance may nest, and the validator may descend into a schema.
    static let maximumDepth = 32
    /// The budget: a fixed allowance plus this many steps per schema node.
    static let stepsPerNode = 24
    static let baseBudget = 4_000
    static let maximumBudget = 400_000

    init(root: JSON) {
        self.root = root
        budget = min(Self.maximumBudget, Self.baseBudget + Self.stepsPerNode * Self.nodeCount(root, limit: Self.maximumBudget))
    }

    /// Spends one step; false once the budget is gone.
    func spend() -> Bool {
        budget -= 1
        return budget >= 0
    }

    var isExhausted: Bool { budget < 0 }

    /// The number of JSON values in a schema, counted up to `limit`.
    static func nodeCount(_ value: JSON, limit: Int) -> Int {
        var count = 0
        var pending = [value]
        while let next = pending.popLast(), count < limit {
            count += 1
            switch next {
            case .array(let items): pending += items
            case .object(let object): pending += object.pairs.map(\.value)
            default: break
            }
        }
        return count
    }

    /// The schema a local reference names: `#`, or a JSON pointer after `#` (`#/$defs/Item`,
    /// `#/definitions/Item`, `~0`/`~1` and percent escapes decoded). Other references (remote
    /// documents, `$id` anchors) resolve to nil, which both callers read as the empty schema.
    func resolve(_ reference: String) -> JSON? {
        guard reference.hasPrefix("#") else { return nil }
        let pointer = String(reference.dropFirst()).removingPercentEncodingIfValid
        if pointer.isEmpty { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var current = root
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let object):
                guard let next = object[key] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(key), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}

extension String {
    /// Percent escapes decoded (`%24defs` → `$defs`); the text unchanged when one is malformed.
    var removingPercentEncodingIfValid: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else { return self }
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// JSON Schema's idea of equality (`enum`, `const`, `uniqueItems`): numbers by value, so `1` and
/// `1.0` are the same, objects regardless of key order.
func schemaEqual(_ a: JSON, _ b: JSON) -> Bool {
    switch (a, b) {
    case (.int, .int), (.int, .double), (.double, .int), (.double, .double):
        if case .int(let x) = a, case .int(let y) = b { return x == y }
        return a.doubleValue == b.doubleValue
    case (.array(let x), .array(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { schemaEqual($0, $1) }
    case (.object(let x), .object(let y)):
        return x.count == y.count && x.allSatisfy { pair in y[pair.key].map { schemaEqual(pair.value, $0) } ?? false }
    default:
        return a == b
    }
}
