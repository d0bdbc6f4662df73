/// A record's result column positions, resolved by name once per query (pass `init(_:)` as
/// the `columns:` of `Database.forEach` or `query`): a loop over many rows then reads by
/// position without a lookup per column, yet no reader depends on the order of a SELECT list.
/// A conforming type only declares its properties and the column each is read from.
public protocol ColumnPositions {
    init()
    /// Each position's property and the name of the result column it holds.
    static var names: [ColumnName<Self>] { get }
}

/// A property of a `ColumnPositions` type and the result column whose position it holds.
public typealias ColumnName<Positions> = (WritableKeyPath<Positions, Int> & Sendable, String)

extension ColumnPositions {
    /// The positions of `names` in the row's statement; a missing name is a `DatabaseError`.
    public init(_ row: Row) throws {
        self.init()
        for (position, name) in Self.names { self[keyPath: position] = try row.index(of: name) }
    }
}
