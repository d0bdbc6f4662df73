import EmulatorJSON
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// The catalogue as data: the bundled `Fixtures/models.json`, a card's data form and its API
/// entries, and a fixtures folder's own `models.json` (the whole catalogue, or the bundled one
/// extended).
final class ModelCatalogueTests: XCTestCase {
    func bundled() throws -> ModelCatalogue { try ModelCatalogue.load(directory: TestPaths.fixturesDirectory) }

    func testTheBundledCatalogueKnowsEveryNameTheRealServiceAnswers() throws {
        let catalogue = try bundled()
        let names = ["mistral-large-latest", "mistral-large-2411", "mistral-large-2407", "mistral-medium-latest", "mistral-medium-2505",
                     "mistral-medium-2508", "mistral-small-latest", "mistral-small-2503", "mistral-small-2506", "pixtral-12b-2409",
                     "pixtral-large-2411", "pixtral-large-latest", "codestral-2501", "codestral-2508", "codestral-latest",
                     "ministral-3b-2410", "ministral-8b-2410", "ministral-3b-latest", "ministral-8b-latest",
                     "magistral-medium-2506", "magistral-medium-2507", "magistral-medium-2509", "magistral-medium-latest",
                     "magistral-small-2506", "magistral-small-latest", "devstral-small-2505", "devstral-small-2507",
                     "devstral-medium-2507", "voxtral-mini-latest", "voxtral-small-latest", "mistral-embed", "codestral-embed",
                     "codestral-embed-2505", "mistral-moderation-latest", "mistral-ocr-latest", "open-mistral-nemo",
                     "open-mistral-nemo-2407", "open-mistral-7b", "open-mixtral-8x7b", "open-mixtral-8x22b",
                     "mistral-tiny", "mistral-small", "mistral-medium"]
        for name in names { XCTAssertNotNil(catalogue.card(name), name) }
        // Every model the seeded events name.
        let events = try String(contentsOfFile: TestPaths.fixturesDirectory + "/events.jsonl", encoding: .utf8)
        for line in events.split(separator: "\n") {
            if let model = try JSON.parse(Array(line.utf8))["extra_fields"]?["model_name"]?.stringValue {
                XCTAssertNotNil(catalogue.card(model), model)
            }
        }
        XCTAssertTrue(catalogue.card("magistral-medium-latest")?.can("reasoning") == true)
        XCTAssertTrue(catalogue.card("pixtral-12b")?.can("vision") == true)
        XCTAssertFalse(catalogue.card("open-mistral-nemo")?.can("vision") ?? true)
        XCTAssertTrue(catalogue.card("voxtral-small-latest")?.can("audio") == true)
        XCTAssertTrue(catalogue.card("codestral-latest")?.can("completion_fim") == true)
        XCTAssertEqual(catalogue.card("mistral-embed")?.embeddingDimensions, 1024)
        XCTAssertEqual(catalogue.card("codestral-embed")?.embeddingDimensions, 1536)
        XCTAssertEqual(catalogue.card("mistral-tiny")?.id, "open-mistral-7b", "a legacy name resolves to its model")
        XCTAssertNil(catalogue.card("mistral-huge-latest"))
        let replacements = catalogue.cards.compactMap(\.deprecationReplacementModel)
        XCTAssertFalse(replacements.isEmpty)
        for name in replacements { XCTAssertNotNil(catalogue.card(name), "replacement \(name) is a model of the catalogue") }
    }

    func testEveryNameIsAnEntryOfItsOwn() throws {
        let catalogue = try bundled()
        let listing = catalogue.listing
        let ids = listing.compactMap { $0["id"]?.stringValue }
        XCTAssertEqual(ids.count, Set(ids).count, "no name twice")
        XCTAssertEqual(ids.count, catalogue.cards.map(\.names.count).reduce(0, +))
        let latest = try XCTUnwrap(listing.first { $0["id"] == "mistral-large-latest" })
        XCTAssertEqual(latest["name"], "mistral-large-2512")
        XCTAssertEqual(latest["aliases"], ["mistral-large-2512"])
        XCTAssertEqual(latest["type"], "base")
        XCTAssertEqual(latest["object"], "model")
        XCTAssertEqual(latest["capabilities"]?.objectValue?.keys, ModelCard.capabilityNames)
        XCTAssertEqual(latest["capabilities"]?["vision"], true)
        XCTAssertEqual(latest["capabilities"]?["completion_fim"], false)
        let dated = try XCTUnwrap(listing.first { $0["id"] == "mistral-large-2512" })
        XCTAssertEqual(dated["aliases"], ["mistral-large-latest"])
        let old = try XCTUnwrap(listing.first { $0["id"] == "open-mixtral-8x7b" })
        XCTAssertEqual(old["deprecation_replacement_model"], "mistral-small-latest")
        XCTAssertNotNil(old["deprecation"]?.stringValue.flatMap(Timestamp.parse))
    }

    func testACardReadsItsDataFormAndTheAPIForm() throws {
        let card = try ModelCard.parse(["id": "acme-1", "aliases": ["acme-latest"], "capabilities": ["completion_chat", "vision"],
                                        "max_context_length": 4096], path: "")
        XCTAssertEqual(card.names, ["acme-1", "acme-latest"])
        XCTAssertEqual(card.capabilities, ["completion_chat", "vision"])
        XCTAssertEqual(try ModelCard.parse(card.source, path: ""), card, "the data form reads back the same")
        // A card as the real GET /v1/models answers it.
        let copied = try ModelCard.parse(card.entry(named: "acme-latest"), path: "")
        XCTAssertEqual(copied.capabilities, card.capabilities)
        XCTAssertEqual(copied.maxContextLength, 4096)
        XCTAssertEqual(try ModelCard.parse(["id": "bare"], path: "").maxContextLength, 32_768, "the reference's default")
        for (body, message) in [
            (["aliases": ["x"]] as JSON, "[0].id: field required"),
            (["id": "x", "capabilities": ["telepathy"]], "[0].capabilities[0]"),
            (["id": "x", "capabilities": ["vision": "yes"]], "[0].capabilities.vision"),
            (["id": "x", "aliases": ["x"]], "[0].aliases"),
            (["id": "x", "deprecation": "soon"], "[0].deprecation"),
            (["id": "x", "max_context_length": 0], "[0].max_context_length"),
        ] {
            XCTAssertThrowsError(try ModelCatalogue.parseList([body], path: { "[\($0)]" }), message) { error in
                XCTAssertTrue((error as? APIError)?.message.hasPrefix(message) == true, "\(error)")
            }
        }
        XCTAssertThrowsError(try ModelCatalogue.parseList([["id": "a", "aliases": ["b"]], ["id": "b"]], path: { "[\($0)]" })) { error in
            XCTAssertTrue((error as? APIError)?.message.contains("'b' is given to another model") == true, "\(error)")
        }
    }

    func testAFixturesFolderReplacesOrExtendsTheBundledCatalogue() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("models.json")
        try Data(#"[{"id": "acme-1", "capabilities": ["completion_chat"]}]"#.utf8).write(to: file)
        let replaced = try ModelCatalogue.load(directory: folder.path)
        XCTAssertEqual(replaced.cards.map(\.id), ["acme-1"])
        try Data(#"{"bundled": true, "models": [{"id": "mistral-small-latest", "capabilities": ["completion_chat"]}]}"#.utf8).write(to: file)
        let extended = try ModelCatalogue.load(directory: folder.path)
        XCTAssertEqual(extended.card("mistral-small-latest")?.capabilities, ["completion_chat"], "the folder's card comes first")
        XCTAssertNotNil(extended.card("mistral-large-latest"))
        try FileManager.default.removeItem(at: file)
        XCTAssertEqual(try ModelCatalogue.load(directory: folder.path).cards, try bundled().cards, "no models.json: the bundled one")
        XCTAssertEqual(try ModelCatalogue.load(directory: nil).cards, try bundled().cards, "--no-seed keeps the models")
        try Data(#"[{"id": 5}]"#.utf8).write(to: file)
        XCTAssertThrowsError(try ModelCatalogue.load(directory: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("models.json: [0].id"), "\(error)")
        }
    }
}
