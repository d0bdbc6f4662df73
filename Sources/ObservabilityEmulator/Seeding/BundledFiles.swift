import Foundation

/// Data files that ship with the binary (the fixtures, the served OpenAPI document), found the
/// same way wherever the emulator runs: beside the executable, in the image's share directory,
/// in the working directory, or in the source tree of a `swift run`.
enum BundledFiles {
    /// The first existing path among the places a shipped file can be, given its path in the
    /// source tree (`Fixtures/events.jsonl`, `docs/openapi.yaml`) and its installed name.
    static func locate(sourcePath: String, installedName: String) -> String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        // Sources/ObservabilityEmulator/Seeding/BundledFiles.swift -> the repository root.
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            executable.appendingPathComponent(installedName).path,
            executable.appendingPathComponent("../share/observability-emulator/" + installedName).standardized.path,
            FileManager.default.currentDirectoryPath + "/" + sourcePath,
            sourceRoot.appendingPathComponent(sourcePath).path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}
