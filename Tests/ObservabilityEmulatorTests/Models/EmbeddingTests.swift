import XCTest
@testable import ObservabilityEmulator

/// Deterministic embeddings: unit length, the asked size, equal for equal texts, closer for
/// texts that share words.
final class EmbeddingTests: XCTestCase {
    func testUnitVectorsOfTheAskedSize() {
        for text in ["", "   ", "Paris is the capital of France.", String(repeating: "long text ", count: 500)] {
            let vector = Embedding.vector(for: text, dimensions: 1024)
            XCTAssertEqual(vector.count, 1024)
            XCTAssertEqual(Embedding.cosine(vector, vector), 1, accuracy: 1e-6, "'\(text.prefix(20))'")
        }
        XCTAssertEqual(Embedding.vector(for: "x", dimensions: 8).count, 8)
    }

    func testEqualTextsEqualSimilarTextsClose() {
        let a = Embedding.vector(for: "How do I reset my password?", dimensions: 1024)
        XCTAssertEqual(a, Embedding.vector(for: "How do I reset my password?", dimensions: 1024))
        let similar = Embedding.vector(for: "How can I reset my password", dimensions: 1024)
        let unrelated = Embedding.vector(for: "The weather in Lyon is sunny today.", dimensions: 1024)
        let close = Embedding.cosine(a, similar)
        let far = Embedding.cosine(a, unrelated)
        XCTAssertGreaterThan(close, 0.6)
        XCTAssertLessThan(abs(far), 0.3)
        XCTAssertGreaterThan(close, far + 0.4)
    }

    func testQuantisedAndBase64Forms() {
        let vector = [0.5, -0.5, 1, -1, 0, 0, 0, 0.25, 0.1]
        XCTAssertEqual(Embedding.quantized(vector, dtype: "int8"), [64, -64, 127, -127, 0, 0, 0, 32, 13])
        XCTAssertEqual(Embedding.quantized(vector, dtype: "ubinary"), [0b1010_0001, 0b1000_0000])
        XCTAssertEqual(Embedding.quantized(vector, dtype: "binary"), [Double(Int8(bitPattern: 0b1010_0001)), -128])
        XCTAssertEqual(Embedding.base64([1]), "AACAPw==", "1.0 as little-endian float32")
    }
}
