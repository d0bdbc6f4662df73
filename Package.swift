// swift-tools-version:6.0
import PackageDescription

/// The libFuzzer targets exist only when Fuzz/run.sh asks for them (OBS_FUZZ=1): they have no
/// `main` of their own (libFuzzer's), so an ordinary build must not link them.
let fuzzTargets: [Target] = Context.environment["OBS_FUZZ"] == nil ? [] : [
    .executableTarget(
        name: "HTTPParserFuzz", dependencies: ["EmulatorHTTP"], path: "Fuzz/HTTPParserFuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    ),
    .executableTarget(
        name: "FilterFuzz", dependencies: ["ObservabilityEmulator", "EmulatorJSON"], path: "Fuzz/FilterFuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    ),
    .executableTarget(
        name: "ExpressionFuzz", dependencies: ["ObservabilityEmulator", "EmulatorStore"], path: "Fuzz/ExpressionFuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    ),
    .executableTarget(
        name: "OTLPFuzz", dependencies: ["ObservabilityEmulator"], path: "Fuzz/OTLPFuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    ),
    .executableTarget(
        name: "RequestFuzz",
        dependencies: [
            "ObservabilityEmulator", "EmulatorHTTP", "EmulatorJSON",
            .product(name: "Logging", package: "swift-log"),
        ],
        path: "Fuzz/RequestFuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    ),
]

/// Benchmarks that need the product's internals, built only by their scripts (OBS_BENCH=1).
let benchmarkTargets: [Target] = Context.environment["OBS_BENCH"] == nil ? [] : [
    .executableTarget(name: "OTLPDecodeBench", dependencies: ["ObservabilityEmulator"], path: "Benchmarks/OTLPDecodeBench"),
]

let package = Package(
    name: "observability-emulator",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "observability-emulator", targets: ["observability-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "EmulatorJSON", path: "Sources/EmulatorJSON"),
        .target(
            name: "EmulatorHTTP",
            dependencies: ["CLinux", .product(name: "Logging", package: "swift-log")],
            path: "Sources/EmulatorHTTP"
        ),
        .target(name: "EmulatorStore", dependencies: ["CSQLite", "CLinux"], path: "Sources/EmulatorStore"),
        .target(
            name: "ObservabilityEmulator",
            dependencies: [
                "EmulatorHTTP", "EmulatorStore", "EmulatorJSON", "CSQLite", "CLinux", "CZlib",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/ObservabilityEmulator"
        ),
        .executableTarget(
            name: "observability-emulator",
            dependencies: [
                "ObservabilityEmulator", "EmulatorHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/observability-emulator"
        ),
        // Test-only helpers shared by the test targets (a raw-socket HTTP client).
        .target(name: "EmulatorTestSupport", path: "Tests/EmulatorTestSupport"),
        .testTarget(name: "EmulatorJSONTests", dependencies: ["EmulatorJSON"]),
        .testTarget(
            name: "EmulatorHTTPTests",
            dependencies: ["EmulatorHTTP", "EmulatorTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "EmulatorStoreTests", dependencies: ["EmulatorStore"]),
        .testTarget(
            name: "ObservabilityEmulatorTests",
            dependencies: [
                "ObservabilityEmulator", "EmulatorHTTP", "EmulatorJSON", "EmulatorStore", "EmulatorTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            // Read from disk by the tests (OTLP bodies encoded by opentelemetry-proto), not bundled.
            exclude: ["Telemetry/Fixtures"]
        ),
    ] + fuzzTargets + benchmarkTargets,
    swiftLanguageModes: [.v6]
)
