import Foundation

/// Deterministic text embeddings: unit vectors derived from the text by feature
/// hashing, so equal texts are equal and texts sharing words are close. Each lower-cased word and
/// each character trigram of the text adds ±1 (weight 2 for words) to a coordinate chosen by a
/// stable hash of the feature; the sum is normalised to length 1. Cosine similarity then tracks
/// the share of words and trigrams two texts have in common; unrelated texts are near 0.
enum Embedding {
    static func vector(for text: String, dimensions: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: dimensions)
        func add(_ feature: String, weight: Double) {
            let hash = stableHash(feature)
            let sign: Double = hash & 1 == 0 ? 1 : -1
            sums[Int((hash >> 1) % UInt64(dimensions))] += sign * weight
        }
        let lowered = text.lowercased()
        for word in lowered.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) { add("w:" + word, weight: 2) }
        let characters = Array(" " + lowered.split(whereSeparator: \.isWhitespace).joined(separator: " ") + " ")
        if characters.count >= 3 {
            for start in 0...(characters.count - 3) { add("t:" + String(characters[start..<start + 3]), weight: 1) }
        }
        var norm = sums.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm == 0 {
            // An empty or blank text: one fixed direction.
            sums[0] = 1
            norm = 1
        }
        // Rounded to eight decimals: the same bytes on every machine, a tenth of the size.
        return sums.map { ($0 / norm * 1e8).rounded() / 1e8 }
    }

    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// `output_dtype` other than float, per coordinate: int8 and uint8 scale to their range;
    /// binary and ubinary pack one sign bit per coordinate, eight to a byte (as signed or
    /// unsigned integers).
    static func quantized(_ vector: [Double], dtype: String) -> [Double] {
        switch dtype {
        case "int8": return vector.map { ($0 * 127).rounded() }
        case "uint8": return vector.map { (($0 + 1) * 127.5).rounded() }
        case "binary", "ubinary":
            var out: [Double] = []
            var index = 0
            while index < vector.count {
                var byte: UInt8 = 0
                for bit in 0..<8 where index + bit < vector.count && vector[index + bit] > 0 { byte |= 0x80 >> UInt8(bit) }
                out.append(dtype == "binary" ? Double(Int8(bitPattern: byte)) : Double(byte))
                index += 8
            }
            return out
        default: return vector
        }
    }

    /// `encoding_format: base64`: the values as little-endian float32, base64-encoded.
    static func base64(_ vector: [Double]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = Float(value).bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        return Data(bytes).base64EncodedString()
    }
}
