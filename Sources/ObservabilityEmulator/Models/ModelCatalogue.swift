import EmulatorJSON
import Foundation

/// The models `GET /v1/models` lists and the inference routes accept, with every name each one
/// answers to. The fixture catalogue is `models.json` (the bundled `Fixtures/models.json`, or
/// the one in `--fixtures DIR`); a workspace's own cards (`POST /__emulator/models`) come first,
/// so they can add a model or stand in for a fixture one. Anything else in a request is the
/// real service's 400 `Invalid model`.
struct ModelCatalogue: Sendable {
    /// One fixed `created` for every card (2025-01-01T00:00:00Z), so listings are byte-identical
    /// (the real service puts the time of the request there).
    static let created: Int64 = 1_735_689_600

    let cards: [ModelCard]
    private let byName: [String: Int]

    /// Cards whose names must not collide: the first card of a name wins in a lookup, but the
    /// data forms reject a name given twice.
    init(cards: [ModelCard]) {
        self.cards = cards
        var byName: [String: Int] = [:]
        for (index, card) in cards.enumerated() {
            for name in card.names where byName[name] == nil { byName[name] = index }
        }
        self.byName = byName
    }

    func card(_ name: String) -> ModelCard? { byName[name].map { cards[$0] } }

    /// A workspace's cards before these ones.
    func with(own: [ModelCard]) -> ModelCatalogue {
        own.isEmpty ? self : ModelCatalogue(cards: own + cards)
    }

    /// Every name as an entry of its own, card by card (its id, then its aliases), a name that
    /// an earlier card already took left out.
    var listing: [JSON] {
        var seen = Set<String>()
        var entries: [JSON] = []
        for card in cards {
            for name in card.names where seen.insert(name).inserted {
                entries.append(card.entry(named: name))
            }
        }
        return entries
    }

    /// A list of cards in the data form, checked: every name (id or alias) once in the list.
    static func parseList(_ items: [JSON], path: (Int) -> String) throws -> [ModelCard] {
        var names = Set<String>()
        return try items.enumerated().map { index, item in
            let card = try ModelCard.parse(item, path: path(index))
            for name in card.names where !names.insert(name).inserted {
                throw APIError.validation("\(path(index)): the name '\(name.prefix(200))' is given to another model of the list already")
            }
            return card
        }
    }

    // MARK: Loading

    /// `models.json` of the fixtures directory when it has one, else the bundled one: `--no-seed`
    /// and a suite's own fixtures folder keep the models. The file is an array of cards (the
    /// whole catalogue) or `{"bundled": true, "models": [...]}` (the bundled catalogue with
    /// these cards first). None at all when no file can be found.
    static func load(directory: String?) throws -> ModelCatalogue {
        let bundledPath = Fixtures.locateDefault().map { $0 + "/models.json" }
        if let directory, FileManager.default.fileExists(atPath: directory + "/models.json") {
            let path = directory + "/models.json"
            let (own, extendsBundled) = try read(path)
            guard extendsBundled else { return ModelCatalogue(cards: own) }
            var bundled: [ModelCard] = []
            if let bundledPath, bundledPath != path, FileManager.default.fileExists(atPath: bundledPath) { bundled = try read(bundledPath).cards }
            return ModelCatalogue(cards: own + bundled)
        }
        guard let bundledPath, FileManager.default.fileExists(atPath: bundledPath) else { return ModelCatalogue(cards: []) }
        return ModelCatalogue(cards: try read(bundledPath).cards)
    }

    private static func read(_ path: String) throws -> (cards: [ModelCard], extendsBundled: Bool) {
        guard let data = FileManager.default.contents(atPath: path) else { throw EmulatorStartupError("cannot read \(path)") }
        do {
            switch try JSON.parse(Array(data)) {
            case .array(let items):
                return (try parseList(items, path: { "[\($0)]" }), false)
            case .object(let object):
                let reader = BodyReader(object: object)
                let items = try reader.array("models") ?? []
                return (try parseList(items, path: { "models[\($0)]" }), try reader.boolean("bundled") ?? false)
            default:
                throw EmulatorStartupError("\(path): expected an array of model cards or {\"bundled\": true, \"models\": [...]}")
            }
        } catch let error as JSONParseError {
            throw EmulatorStartupError("\(path): invalid JSON: \(error)")
        } catch let error as APIError {
            throw EmulatorStartupError("\(path): \(error.message)")
        }
    }
}
