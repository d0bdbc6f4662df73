import XCTest
@testable import EmulatorJSON

/// The writer decides the bytes clients receive: compact, key order kept, integers without a
/// fraction and floats with one, and escapes a JSON parser reads back to the same string.
final class JSONWriterTests: XCTestCase {
    func testCompactOutputKeepsKeyOrder() {
        let value: JSON = .object(JSONObject([("b", 1), ("a", [true, nil]), ("c", ["z": "y"])]))
        XCTAssertEqual(value.text, #"{"b":1,"a":[true,null],"c":{"z":"y"}}"#)
    }

    func testIntegersAndFloatsAreWrittenDistinctly() {
        XCTAssertEqual(JSON.int(87).text, "87")
        XCTAssertEqual(JSON.double(87).text, "87.0")
        XCTAssertEqual(JSON.double(2.5).text, "2.5")
        XCTAssertEqual(JSON.double(-3).text, "-3.0")
        XCTAssertEqual(JSON.int(-9_223_372_036_854_775_808).text, "-9223372036854775808")
        XCTAssertEqual(JSON.double(0.1).text, "0.1")
    }

    func testNonFiniteDoublesBecomeNull() {
        XCTAssertEqual(JSON.double(.nan).text, "null")
        XCTAssertEqual(JSON.double(.infinity).text, "null")
    }

    func testLargeAndSmallDoublesParseBackEqual() throws {
        for d in [1e15, 1e300, -2.5e-12, 123456789.125, Double.leastNonzeroMagnitude] {
            let text = JSON.double(d).text
            XCTAssertEqual(try JSON.parse(text), .double(d), text)
        }
    }

    func testStringEscapes() {
        XCTAssertEqual(JSON.string("a\"b\\c").text, #""a\"b\\c""#)
        XCTAssertEqual(JSON.string("l1\nl2\r\t").text, #""l1\nl2\r\t""#)
        XCTAssertEqual(JSON.string("\u{0}\u{1}\u{1F}").text, #""\u0000\u0001\u001f""#)
        XCTAssertEqual(JSON.string("/ é 😀").text, "\"/ é 😀\"")
    }

    func testOptionalStringHelper() {
        XCTAssertEqual(JSON.string(nil as String?), .null)
        XCTAssertEqual(JSON.string("x" as String?), .string("x"))
    }

    func testRoundTripsAreByteIdentical() throws {
        let documents = [
            #"{"event_id":"fac12c48","extra_fields":{"metadata":{"team":"eng","env":"prod"},"total_time_elapsed":2.643},"nb_input_tokens":42,"tools":[],"ok":true,"x":null}"#,
            #"[1,2.5,-0.5,"\"quoted\"","line\nbreak",{"nested":[[],{}]}]"#,
            #""😀 日本 \u0001""#,
            "12",
            "12.0",
        ]
        for text in documents {
            let parsed = try JSON.parse(text)
            XCTAssertEqual(parsed.text, text)
            XCTAssertEqual(try JSON.parse(parsed.serialized()), parsed)
        }
    }

    func testEscapedInputRoundTripsToEqualValue() throws {
        let parsed = try JSON.parse(#"{"k\u00e9y":"\ud83d\ude00\/\b"}"#)
        XCTAssertEqual(parsed.text, "{\"kéy\":\"😀/\\u0008\"}")
        XCTAssertEqual(try JSON.parse(parsed.text), parsed)
    }

    func testObjectEqualityIgnoresOrderButTextDoesNot() {
        let a: JSON = .object(JSONObject([("a", 1), ("b", 2)]))
        let b: JSON = .object(JSONObject([("b", 2), ("a", 1)]))
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.text, b.text)
    }

    func testObjectSubscriptReplacesInPlaceAndRemoves() {
        var object = JSONObject([("a", 1), ("b", 2), ("c", 3)])
        object["b"] = "two"
        XCTAssertEqual(JSON.object(object).text, #"{"a":1,"b":"two","c":3}"#)
        object["a"] = nil
        XCTAssertEqual(object.keys, ["b", "c"])
        object["d"] = .null
        XCTAssertEqual(JSON.object(object).text, #"{"b":"two","c":3,"d":null}"#)
    }
}
