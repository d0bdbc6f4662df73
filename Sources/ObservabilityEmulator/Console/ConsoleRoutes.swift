import EmulatorHTTP
import Foundation

/// `GET /__emulator/ui[/<file>]`: the web console. Static files only: the page calls the
/// emulator's public API and control plane itself, with the token typed into it, so what it shows
/// is what an SDK sees. Open like export downloads: the files hold no data, and a browser cannot
/// add `X-Emulator-Admin-Token` to a navigation (the console sends it on its own calls).
enum ConsoleRoutes {
    static func index(_ call: Call) throws -> HTTPResponseBox {
        try serve(ConsoleAssets.indexName, call)
    }

    static func asset(_ call: Call) throws -> HTTPResponseBox {
        try serve(call.parameters["asset"] ?? "", call)
    }

    /// The file, or 304 when the browser's copy is current; 404 for a name not in the table.
    private static func serve(_ name: String, _ call: Call) throws -> HTTPResponseBox {
        guard let asset = call.app.console[name] else {
            if call.app.console.directory == nil {
                throw APIError.notFound(nil, "the console's files (Fixtures/console) were not found beside the binary, in share/observability-emulator, in the working directory or in the source tree")
            }
            throw APIError.notFound(nil, "no console file named '\(name.prefix(100))'")
        }
        var headers: [(name: String, value: String)] = [
            (HTTPHeader.contentType, asset.contentType),
            ("ETag", asset.etag),
            // Revalidate every time: the files change with the binary, and a 304 is cheap.
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
            // Everything comes from the emulator itself: no CDN, no other origin.
            ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
            ("Referrer-Policy", "no-referrer"),
        ]
        if let tags = call.request.header("If-None-Match"), tags.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag || $0.trimmingCharacters(in: .whitespaces) == "*" }) {
            headers.removeFirst()
            return .raw(HTTPResponse(status: 304, headers: headers))
        }
        return .raw(HTTPResponse(status: 200, headers: headers, body: asset.body))
    }
}
