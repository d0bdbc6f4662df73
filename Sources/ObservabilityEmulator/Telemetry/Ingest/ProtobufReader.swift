/// A reader of the protobuf wire format (varints, fixed 32/64-bit, length-delimited fields),
/// strict enough to name what is wrong with a body: a truncated varint, a length that runs past
/// the end, a wire type a field cannot have, nesting deeper than the limit.
///
/// Hand-written rather than swift-protobuf's generated code: OTLP needs a dozen messages read
/// one way (no encoding, no reflection), this reads them straight from the request bytes without
/// building intermediate message objects, and it keeps the build free of the plugin. Unknown
/// fields are skipped, as protobuf requires.
struct ProtobufReader {
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    struct DecodeError: Error, Equatable, CustomStringConvertible {
        let message: String
        let offset: Int
        var description: String { "\(message) at byte \(offset)" }
    }

    /// Nested messages deeper than this are refused (AnyValue can nest arrays in maps in arrays).
    static let maximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    private let end: Int
    let depth: Int

    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, to end: Int? = nil, depth: Int = 0) {
        self.bytes = bytes
        offset = start
        self.end = end ?? bytes.count
        self.depth = depth
    }

    var isAtEnd: Bool { offset >= end }

    func fail(_ message: String) -> DecodeError { DecodeError(message: message, offset: offset) }

    mutating func readVarint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw fail("truncated varint") }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw fail("varint longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw fail("varint longer than 10 bytes") }
        }
    }

    /// The next field's number and wire type; nil at the end of the message.
    mutating func nextField() throws -> (number: UInt64, wireType: WireType)? {
        guard !isAtEnd else { return nil }
        let key = try readVarint()
        let number = key >> 3
        guard number > 0, number <= 536_870_911 else { throw fail("invalid field number \(number)") }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else { throw fail("invalid wire type \(key & 7)") }
        return (number, wireType)
    }

    mutating func readFixed64() throws -> UInt64 {
        guard end - offset >= 8 else { throw fail("truncated fixed64") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return value
    }

    mutating func readFixed32() throws -> UInt32 {
        guard end - offset >= 4 else { throw fail("truncated fixed32") }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * UInt32(index)) }
        offset += 4
        return value
    }

    /// The range of a length-delimited field's payload; the reader moves past it.
    mutating func readLengthDelimited() throws -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - offset) else { throw fail("length \(length) runs past the end of the message") }
        let start = offset
        offset += Int(length)
        return start..<offset
    }

    mutating func readBytes() throws -> [UInt8] { Array(bytes[try readLengthDelimited()]) }

    mutating func readString() throws -> String {
        let range = try readLengthDelimited()
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard let text = String(validating: slice, as: UTF8.self) else { throw fail("string field is not valid UTF-8") }
        return text
    }

    /// A reader over an embedded message, one level deeper.
    mutating func readMessage() throws -> ProtobufReader {
        guard depth < Self.maximumDepth else { throw fail("messages nested deeper than \(Self.maximumDepth) levels") }
        let range = try readLengthDelimited()
        return ProtobufReader(bytes, from: range.lowerBound, to: range.upperBound, depth: depth + 1)
    }

    /// Skips a field this reader does not use.
    mutating func skip(_ wireType: WireType) throws {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup: throw fail("groups are not used by OTLP")
        }
    }

    /// Checks that a known field came with the wire type its declaration implies.
    func expect(_ wireType: WireType, _ actual: WireType, field: String) throws {
        guard wireType == actual else { throw fail("field \(field) has wire type \(actual.rawValue), expected \(wireType.rawValue)") }
    }
}
