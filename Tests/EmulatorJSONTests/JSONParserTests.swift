import XCTest
@testable import EmulatorJSON

/// The parser is what every request body goes through: what it accepts, what it keeps
/// (key order, integer vs float), and that every malformed document is refused.
final class JSONParserTests: XCTestCase {
    // MARK: Values

    func testParsesEveryValueKind() throws {
        let value = try JSON.parse(#"{"n":null,"t":true,"f":false,"i":-42,"d":2.5,"s":"x","a":[1,"2",[]],"o":{}}"#)
        XCTAssertEqual(value["n"], .null)
        XCTAssertEqual(value["t"], .bool(true))
        XCTAssertEqual(value["f"], .bool(false))
        XCTAssertEqual(value["i"], .int(-42))
        XCTAssertEqual(value["d"], .double(2.5))
        XCTAssertEqual(value["s"], .string("x"))
        XCTAssertEqual(value["a"], .array([.int(1), .string("2"), .array([])]))
        XCTAssertEqual(value["o"], .object(JSONObject()))
    }

    func testTopLevelScalarsAndSurroundingWhitespace() throws {
        XCTAssertEqual(try JSON.parse(" \t\r\n 7 \n"), .int(7))
        XCTAssertEqual(try JSON.parse("\"only\""), .string("only"))
        XCTAssertEqual(try JSON.parse("null"), .null)
        XCTAssertEqual(try JSON.parse(" [ 1 , 2 ] "), .array([1, 2]))
        XCTAssertEqual(try JSON.parse(" { \"a\" : 1 } "), ["a": 1])
    }

    func testObjectKeyOrderIsKept() throws {
        let text = #"{"zeta":1,"alpha":2,"mid":{"y":1,"b":2,"x":3}}"#
        let value = try JSON.parse(text)
        XCTAssertEqual(value.objectValue?.keys, ["zeta", "alpha", "mid"])
        XCTAssertEqual(value["mid"]?.objectValue?.keys, ["y", "b", "x"])
        XCTAssertEqual(value.text, text)
    }

    func testDuplicateKeyKeepsTheLastValueOnce() throws {
        let value = try JSON.parse(#"{"a":1,"b":2,"a":3}"#)
        XCTAssertEqual(value.objectValue?.count, 2)
        XCTAssertEqual(value["a"], .int(3))
    }

    // MARK: Numbers

    func testIntegersAndDoublesStayApart() throws {
        XCTAssertEqual(try JSON.parse("87"), .int(87))
        XCTAssertEqual(try JSON.parse("87.0"), .double(87))
        XCTAssertEqual(try JSON.parse("-0"), .int(0))
        XCTAssertEqual(try JSON.parse("0"), .int(0))
        XCTAssertEqual(try JSON.parse("0.5"), .double(0.5))
        XCTAssertEqual(try JSON.parse("1e3"), .double(1000))
        XCTAssertEqual(try JSON.parse("1E+2"), .double(100))
        XCTAssertEqual(try JSON.parse("25e-1"), .double(2.5))
        XCTAssertEqual(try JSON.parse("-1.25e-2"), .double(-0.0125))
        XCTAssertEqual(try JSON.parse("9223372036854775807"), .int(Int64.max))
        XCTAssertEqual(try JSON.parse("-9223372036854775808"), .int(Int64.min))
    }

    func testIntegerBeyondInt64BecomesADouble() throws {
        XCTAssertEqual(try JSON.parse("9223372036854775808"), .double(9223372036854775808))
    }

    func testNumberOutOfDoubleRangeIsRefused() {
        XCTAssertThrowsError(try JSON.parse("1e999"))
        XCTAssertThrowsError(try JSON.parse("-1e400"))
    }

    func testIntValueAndDoubleValueAccessors() {
        XCTAssertEqual(JSON.int(3).intValue, 3)
        XCTAssertEqual(JSON.double(3).intValue, 3)
        XCTAssertNil(JSON.double(3.5).intValue)
        XCTAssertEqual(JSON.int(3).doubleValue, 3)
        XCTAssertNil(JSON.string("3").doubleValue)
        XCTAssertNil(JSON.bool(true).doubleValue)
    }

    // MARK: Strings

    func testSimpleEscapes() throws {
        let value = try JSON.parse(#""q\"b\\s\/b\bf\fn\nr\rt\t""#)
        XCTAssertEqual(value, .string("q\"b\\s/b\u{08}f\u{0C}n\nr\rt\t"))
    }

    func testUnicodeEscapes() throws {
        XCTAssertEqual(try JSON.parse(#""\u00e9\u00E9""#), .string("éé"))
        XCTAssertEqual(try JSON.parse(#""\u0000""#), .string("\u{0}"))
        XCTAssertEqual(try JSON.parse(#""a\u4e2db""#), .string("a中b"))
    }

    func testSurrogatePairBecomesOneScalar() throws {
        let value = try JSON.parse(#""\ud83d\ude00 and \uD83C\uDDEB\uD83C\uDDF7""#)
        XCTAssertEqual(value, .string("😀 and 🇫🇷"))
        XCTAssertEqual(value.stringValue?.unicodeScalars.first?.value, 0x1F600)
    }

    func testRawUTF8IsKept() throws {
        XCTAssertEqual(try JSON.parse("\"héllo 😀 日本\""), .string("héllo 😀 日本"))
    }

    func testUnpairedSurrogatesAreRefused() {
        for text in [#""\ud83d""#, #""\ud83dx""#, #""\ude00""#, #""\ud83d\u0041""#, #""\ud83d\n""#] {
            XCTAssertThrowsError(try JSON.parse(text), text)
        }
    }

    func testInvalidUTF8IsRefused() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        XCTAssertThrowsError(try JSON.parse(bytes))
        let escaped: [UInt8] = Array(#""\n"#.utf8) + [0xFF, 0x22]
        XCTAssertThrowsError(try JSON.parse(escaped))
        // A truncated 4-byte sequence decodes to one U+FFFD of the same length: still refused.
        XCTAssertThrowsError(try JSON.parse([0x22, 0xF0, 0x9F, 0x98, 0x22]))
        // Surrogates, overlong forms and code points past U+10FFFF.
        for invalid: [UInt8] in [[0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80]] {
            XCTAssertThrowsError(try JSON.parse([0x22] + invalid + [0x22]), "\(invalid)")
        }
    }

    func testValidUTF8IsKeptAsIs() throws {
        // Includes a literal U+FFFD, which is valid text, and a 4-byte emoji.
        let text = "caf\u{E9} \u{FFFD} \u{1F600} \u{4E2D}"
        XCTAssertEqual(try JSON.parse(Array("\"\(text)\"".utf8)), .string(text))
        XCTAssertEqual(try JSON.parse(Array("\"\(text)\\n\"".utf8)), .string(text + "\n"))
    }

    // MARK: Malformed documents

    func assertRefused(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try JSON.parse(text), "accepted \(text.debugDescription)", file: file, line: line) { error in
            XCTAssertTrue(error is JSONParseError, "\(error)", file: file, line: line)
        }
    }

    func testEmptyDocumentsAreRefused() {
        assertRefused("")
        assertRefused("   \n\t")
    }

    func testTrailingDataIsRefused() {
        for text in ["{} x", "[1]]", "1 2", "{}{}", "\"a\"\"b\"", "null,", "true false", "[]x"] { assertRefused(text) }
    }

    func testLeadingZerosAndBadNumbersAreRefused() {
        for text in ["01", "-01", "00", "00.5", "1.", ".5", "-", "+1", "1e", "1e+", "1.e3", "--1", "0x10", "1_000", "NaN", "Infinity", "-Infinity"] {
            assertRefused(text)
        }
    }

    func testBadEscapesAreRefused() {
        for text in [#""\x""#, #""\a""#, #""\u12G4""#, #""\u12""#, #""\'""#, #""\U0041""#, #""\"#, #""\u""#] {
            assertRefused(text)
        }
    }

    func testControlCharactersInStringsAreRefused() {
        assertRefused("\"a\nb\"")
        assertRefused("\"tab\there\"")
        assertRefused("\"a\\nb\nc\"")
    }

    func testUnterminatedDocumentsAreRefused() {
        for text in ["\"abc", "[1,2", "[1,2,", "{\"a\":1", "{\"a\":", "{\"a\"", "{", "[", "{\"a\":1,", "\"abc\\\""] {
            assertRefused(text)
        }
    }

    func testStructuralErrorsAreRefused() {
        for text in ["[1,]", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "{\"a\";1}", "[1 2]", "{,}", "[,1]", "{\"a\":1 \"b\":2}", "{1:2}", "'a'"] {
            assertRefused(text)
        }
    }

    func testBadLiteralsAreRefused() {
        for text in ["tru", "nul", "fals", "True", "NULL", "truex", "nulll"] { assertRefused(text) }
    }

    func testErrorCarriesOffset() {
        XCTAssertThrowsError(try JSON.parse("[1, 2, x]")) { error in
            guard let error = error as? JSONParseError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.offset, 7)
            XCTAssertTrue(error.description.contains("at byte 7"), error.description)
        }
    }

    // MARK: Depth

    func nested(_ depth: Int, open: String = "[", close: String = "]") -> String {
        String(repeating: open, count: depth) + String(repeating: close, count: depth)
    }

    func testNestingUpToTheLimitIsAccepted() throws {
        XCTAssertNoThrow(try JSON.parse(nested(JSON.maximumDepth)))
        let objects = String(repeating: "{\"a\":", count: JSON.maximumDepth - 1) + "{}" + String(repeating: "}", count: JSON.maximumDepth - 1)
        XCTAssertNoThrow(try JSON.parse(objects))
    }

    func testNestingBeyondTheLimitIsRefused() {
        XCTAssertEqual(JSON.maximumDepth, 200)
        assertRefused(nested(201))
        let objects = String(repeating: "{\"a\":", count: 200) + "{}" + String(repeating: "}", count: 200)
        assertRefused(objects)
        let mixed = String(repeating: "[{\"k\":", count: 101) + "1" + String(repeating: "}]", count: 101)
        assertRefused(mixed)
    }

    func testVeryDeepInputFailsWithoutCrashing() {
        assertRefused(String(repeating: "[", count: 100_000))
    }
}

/// Objects past the index threshold: linear to build, the parser's duplicate-key rule kept.
final class JSONObjectIndexTests: XCTestCase {
    func testManyKeysKeepOrderAndTheLastDuplicateWins() throws {
        var text = "{"
        for i in 0..<5_000 { text += "\"k\(i)\":\(i)," }
        text += "\"k7\":\"last\"}"
        guard case .object(let object) = try JSON.parse(Array(text.utf8)) else { return XCTFail("not an object") }
        XCTAssertEqual(object.count, 5_000)
        XCTAssertEqual(object["k7"], .string("last"))
        XCTAssertEqual(object["k4999"], .int(4999))
        XCTAssertEqual(object.keys.prefix(3), ["k0", "k1", "k2"])
        XCTAssertNil(object["k5000"])
    }

    func testRemovingAKeyKeepsLookupsRight() {
        var object = JSONObject((0..<40).map { ("k\($0)", JSON.int(Int64($0))) })
        object["k3"] = nil
        XCTAssertNil(object["k3"])
        XCTAssertEqual(object["k39"], .int(39))
        XCTAssertEqual(object.count, 39)
        object["new"] = true
        XCTAssertEqual(object["new"], .bool(true))
        XCTAssertEqual(object.keys.last, "new")
    }
}
