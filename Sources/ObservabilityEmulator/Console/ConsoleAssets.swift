import Foundation

/// The web console's files (`Fixtures/console/`: HTML, CSS, JavaScript, icons), read once at
/// start-up and served from memory. Only the files found there can be served: a request names a
/// key of this table, never a path on disk, so no `..` or encoded slash reaches the file system.
struct ConsoleAssets: Sendable {
    /// One served file.
    struct Asset: Sendable {
        let body: [UInt8]
        let contentType: String
        /// A strong validator: the SHA-1 of the bytes, quoted.
        let etag: String
    }

    /// The page `GET /__emulator/ui` answers.
    static let indexName = "index.html"

    let assets: [String: Asset]
    /// Where the files were read from (nil when the folder was not found).
    let directory: String?

    subscript(name: String) -> Asset? { assets[name] }

    /// Reads the console folder where the other shipped files are found (`BundledFiles`). It does
    /// not follow `--fixtures`: a suite's own fixtures folder need not carry a copy of the console.
    static func load() -> ConsoleAssets {
        guard let index = BundledFiles.locate(sourcePath: "Fixtures/console/" + indexName, installedName: "Fixtures/console/" + indexName) else {
            return ConsoleAssets(assets: [:], directory: nil)
        }
        let directory = (index as NSString).deletingLastPathComponent
        return load(directory: directory)
    }

    /// Every regular file directly in `directory` whose name is servable (sub-folders are not read).
    static func load(directory: String) -> ConsoleAssets {
        var assets: [String: Asset] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where isServableName(name) {
            guard let type = contentType(of: name), let data = FileManager.default.contents(atPath: directory + "/" + name) else { continue }
            let bytes = Array(data)
            assets[name] = Asset(body: bytes, contentType: type, etag: "\"\(Hex.encode(SHA1.hash(bytes)))\"")
        }
        return ConsoleAssets(assets: assets, directory: directory)
    }

    /// Letters, digits, `.`, `-` and `_`, not starting with a dot: no hidden files, no separators.
    static func isServableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "."), name.utf8.count <= 100 else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// The Content-Type of a file by its extension; nil for a kind the console does not ship.
    static func contentType(of name: String) -> String? {
        switch (name as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: nil
        }
    }
}
