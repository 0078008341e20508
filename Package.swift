// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "sfn",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sfn", targets: ["sfn"]),
        .executable(name: "sfn-bench", targets: ["sfn-bench"]),
        .library(name: "SFNJSON", targets: ["SFNJSON"]),
        .library(name: "SFNJSONata", targets: ["SFNJSONata"]),
        .library(name: "SFNLanguage", targets: ["SFNLanguage"]),
        .library(name: "SFNRuntime", targets: ["SFNRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"]), .brew(["jansson"])]
        ),
        .target(
            name: "SFNJSON",
            dependencies: [
                "CJansson",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // Date arithmetic shared by JSONata, the language's timestamps and the runtime (no product).
        .target(name: "SFNCalendar"),
        .target(name: "SFNJSONata", dependencies: ["SFNJSON", "SFNCalendar"]),
        .target(
            name: "SFNLanguage",
            dependencies: ["SFNJSON", "SFNJSONata", "SFNCalendar", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "SFNRuntime", dependencies: ["SFNJSON", "SFNJSONata", "SFNCalendar", "SFNLanguage"]),
        // State machines drawn as Mermaid, Graphviz DOT and SVG (`sfn graph`, the console).
        .target(name: "SFNGraph", dependencies: ["SFNJSON"]),
        // The browser console's page, script and styles, embedded in the binary (no dependencies).
        .target(name: "SFNConsole"),
        // The storage protocol `sfn serve --data-dir` writes through, and its records.
        .target(name: "SFNStore", dependencies: ["SFNJSON", "SFNRuntime"]),
        // The embedded store: SQLite through GRDB (Debian: libsqlite3-dev).
        .target(
            name: "SFNStoreSQLite",
            dependencies: ["SFNJSON", "SFNRuntime", "SFNStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The cluster store: PostgreSQL through postgres-nio, shared by any number of `sfn serve` nodes.
        .target(
            name: "SFNStorePostgres",
            dependencies: [
                "SFNJSON", "SFNRuntime", "SFNStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SFNServer",
            dependencies: [
                "SFNJSON", "SFNLanguage", "SFNRuntime", "SFNStore", "SFNGraph", "SFNConsole",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ]
        ),
        .target(
            name: "SFNCommands",
            dependencies: [
                "SFNJSON", "SFNLanguage", "SFNRuntime", "SFNServer", "SFNStore", "SFNStoreSQLite", "SFNStorePostgres", "SFNGraph",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "sfn", dependencies: ["SFNCommands"]),
        .executableTarget(
            name: "sfn-bench",
            dependencies: [
                "SFNJSON", "SFNJSONata", "SFNLanguage", "SFNRuntime", "SFNServer", "SFNStoreSQLite",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            path: "Benchmarks/Sources/sfn-bench"
        ),
        // The mutation fuzzer: `swift run -c release sfn-fuzz all --seconds 60` (see Fuzz/README.md).
        .executableTarget(
            name: "sfn-fuzz",
            dependencies: ["SFNJSON", "SFNJSONata", "SFNLanguage", "SFNRuntime", "SFNServer", "SFNGraph", "SFNTestSupport"],
            path: "Fuzz/Sources/sfn-fuzz"
        ),
        // Helpers the test targets share (seeded randomness, temporary folders); not a product.
        .target(name: "SFNTestSupport", path: "Tests/SFNTestSupport"),
        .testTarget(name: "SFNJSONTests", dependencies: ["SFNJSON"]),
        .testTarget(name: "SFNJSONataTests", dependencies: ["SFNJSON", "SFNJSONata"]),
        .testTarget(name: "SFNLanguageTests", dependencies: ["SFNJSON", "SFNLanguage", "SFNTestSupport"]),
        .testTarget(name: "SFNRuntimeTests", dependencies: ["SFNJSON", "SFNLanguage", "SFNRuntime", "SFNTestSupport"]),
        .testTarget(name: "SFNGraphTests", dependencies: ["SFNGraph", "SFNJSON", "SFNLanguage", "SFNRuntime", "SFNTestSupport"]),
        .testTarget(
            name: "OrderWorkflowTests",
            dependencies: ["SFNJSON", "SFNLanguage", "SFNRuntime"],
            path: "examples/swift-tests/Tests/OrderWorkflowTests",
            resources: [.copy("order.asl.json")]
        ),
        .testTarget(
            name: "SFNServerTests",
            dependencies: [
                "SFNServer", "SFNRuntime", "SFNLanguage", "SFNJSON", "SFNStore", "SFNStoreSQLite", "SFNStorePostgres", "SFNTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "SFNCommandsTests",
            dependencies: ["SFNCommands", "SFNRuntime", "SFNLanguage", "SFNJSON", "SFNTestSupport"]
        ),
    ]
)
