import EmulatorJSON
import Foundation

/// What a request's messages carry besides text: the image, audio, document and file chunks,
/// where each one is (for the 400 that names a chunk the model cannot take) and what each costs
/// in prompt tokens. Nothing is fetched or decoded, so the costs follow fixed rules:
/// - an image: `imageTokens` (`imageTokensLow` for `detail: "low"`), whatever its size;
/// - audio: `audioTokens(seconds:)` (12.5 a second), the seconds estimated from the decoded
///   length of the base64 at `audioBytesPerSecond` (128 kbit/s, a common MP3 rate), rounded up,
///   at least one per chunk; a URL (not fetched) counts `audioURLSeconds`;
/// - a document (`document_url`) or an uploaded file (`file`): `documentTokens` each.
struct PromptMedia: Equatable {
    static let imageTokens = 1_024
    static let imageTokensLow = 256
    static let audioBytesPerSecond = 16_000
    static let audioURLSeconds = 60
    /// 12.5 tokens per second (Voxtral's audio frame rate), rounded up per chunk.
    static func audioTokens(seconds: Int) -> Int { (seconds * 25 + 1) / 2 }
    static let documentTokens = 1_000

    /// Field paths (`messages[0].content[1]`) of the chunks of each kind, in order.
    var images: [String] = []
    var audio: [String] = []
    var documents: [String] = []
    /// The `file_id` of each `file` chunk, with its path.
    var files: [(path: String, id: String)] = []
    var imageTokenCount = 0
    var audioSeconds = 0
    var audioTokenCount = 0

    var tokens: Int { imageTokenCount + audioTokenCount + (documents.count + files.count) * Self.documentTokens }

    static func == (lhs: PromptMedia, rhs: PromptMedia) -> Bool {
        lhs.images == rhs.images && lhs.audio == rhs.audio && lhs.documents == rhs.documents
            && lhs.files.map(\.id) == rhs.files.map(\.id) && lhs.tokens == rhs.tokens && lhs.audioSeconds == rhs.audioSeconds
    }

    /// The bytes a base64 text decodes to (a `data:` URL's prefix left out), from its length.
    static func decodedLength(base64 text: String) -> Int {
        var payload = Substring(text)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") { payload = payload[payload.index(after: comma)...] }
        let length = payload.utf8.count
        let padding = payload.utf8.reversed().prefix(2).prefix(while: { $0 == UInt8(ascii: "=") }).count
        return max(0, length * 3 / 4 - padding)
    }

    /// The chunk types of the reference's `ContentChunk`.
    static let chunkTypes = ["text", "image_url", "input_audio", "document_url", "file", "thinking", "reference"]

    /// Checks one chunk of a message's `content` against its schema (each failure a 422 naming
    /// the key) and notes what it costs.
    mutating func read(chunk reader: BodyReader) throws {
        let type = try reader.string("type", required: false) ?? "text"
        switch type {
        case "text":
            _ = try reader.requiredString("text")
        case "image_url":
            var detail: String?
            switch reader.value("image_url") {
            case .none: throw reader.fail("image_url", "field required")
            case .string?: break
            case .object?:
                guard let image = try reader.object("image_url") else { throw reader.fail("image_url", "field required") }
                _ = try image.requiredString("url")
                detail = try image.choice("detail", ["low", "auto", "high"])
            case let other?: throw reader.fail("image_url", "expected a string or an ImageURL object, got \(other.typeDescription)")
            }
            images.append(reader.path)
            imageTokenCount += detail == "low" ? Self.imageTokensLow : Self.imageTokens
        case "input_audio":
            let data = try reader.requiredString("input_audio")
            let seconds = data.hasPrefix("http://") || data.hasPrefix("https://") ? Self.audioURLSeconds
                : max(1, (Self.decodedLength(base64: data) + Self.audioBytesPerSecond - 1) / Self.audioBytesPerSecond)
            audio.append(reader.path)
            audioSeconds += seconds
            audioTokenCount += Self.audioTokens(seconds: seconds)
        case "document_url":
            _ = try reader.requiredString("document_url")
            _ = try reader.string("document_name", required: false, nullable: true)
            documents.append(reader.path)
        case "file":
            let id = try reader.requiredString("file_id")
            guard UUIDText.isValid(id) else { throw reader.fail("file_id", "'\(id.prefix(64))' is not a valid UUID") }
            files.append((reader.path, id.lowercased()))
        case "thinking":
            guard let items = try reader.array("thinking") else { throw reader.fail("thinking", "field required") }
            for (index, item) in items.enumerated() {
                guard case .object(let part) = item else { throw reader.fail("thinking[\(index)]", "expected a chunk object, got \(item.typeDescription)") }
                let partReader = BodyReader(object: part, path: reader.fieldPath("thinking[\(index)]"))
                if (try partReader.string("type", required: false) ?? "text") == "text" { _ = try partReader.requiredString("text") }
            }
            _ = try reader.string("signature", required: false, nullable: true)
            _ = try reader.boolean("closed", nullable: true)
        case "reference":
            _ = try reader.array("reference_ids")
        default:
            throw reader.fail("type", "expected one of \(Self.chunkTypes.joined(separator: ", ")), got '\(type.prefix(40))'")
        }
    }
}
