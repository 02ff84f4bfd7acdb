// swift-tools-version:6.0
import PackageDescription

/// Settings every Swift target shares: Swift 6 language mode, explicit existentials.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "sessions",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "JOSE", targets: ["JOSE"]),
        .library(name: "SessionCore", targets: ["SessionCore"]),
        .library(name: "SessionSQLite", targets: ["SessionSQLite"]),
        .library(name: "SessionPostgres", targets: ["SessionPostgres"]),
        .library(name: "SessionStoreTesting", targets: ["SessionStoreTesting"]),
        .library(name: "SessionDemo", targets: ["SessionDemo"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
        .library(name: "SessionConsole", targets: ["SessionConsole"]),
        .library(name: "SessionVerifier", targets: ["SessionVerifier"]),
        .library(name: "SessionVerifierHummingbird", targets: ["SessionVerifierHummingbird"]),
        .library(name: "AuthService", targets: ["AuthService"]),
        .executable(name: "sessionctl", targets: ["sessionctl"]),
        .executable(name: "sessiond", targets: ["sessiond"]),
        .executable(name: "demo-api", targets: ["demo-api"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // C libraries, through module maps and shim headers.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CPostgres",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // ncursesw: no pkgConfig (its flags are dropped by SwiftPM); the shim defines them.
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncursesw5-dev"])]),

        // Base64url, strict JSON, JWS, JWK/JWKS and the OpenSSL wrappers they need: a JWT
        // library of its own, knowing nothing of sessions or stores.
        .target(
            name: "JOSE",
            dependencies: ["COpenSSL"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SessionCore",
            dependencies: ["JOSE", "COpenSSL"],
            swiftSettings: swiftSettings
        ),
        // The scale-out store: PostgreSQL through libpq.
        .target(
            name: "SessionPostgres",
            dependencies: ["SessionCore", "JOSE", "CPostgres"],
            swiftSettings: swiftSettings
        ),
        // The in-memory store, for tests and benchmarks only: no executable links it.
        .target(
            name: "SessionStoreTesting",
            dependencies: ["SessionCore", "JOSE", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Demo data and its seeder (`sessionctl demo seed`).
        .target(
            name: "SessionDemo",
            dependencies: ["SessionCore", "JOSE"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SessionSQLite",
            dependencies: ["SessionCore", "CSQLite"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TerminalUI",
            dependencies: ["CNCurses"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SessionConsole",
            dependencies: ["SessionCore", "JOSE", "TerminalUI"],
            swiftSettings: swiftSettings
        ),
        // What a microservice links: JWKS cache, revocation-feed follower, token verifier.
        // No SQLite, no Hummingbird: Foundation's URLSession fetches.
        .target(
            name: "SessionVerifier",
            dependencies: ["JOSE", "SessionCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SessionVerifierHummingbird",
            dependencies: ["JOSE", "SessionCore", "SessionVerifier", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AuthService",
            dependencies: [
                "JOSE",
                "SessionCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DemoTraffic",
            dependencies: ["SessionCore", "JOSE", "SessionDemo"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sessionctl",
            dependencies: [
                "JOSE",
                "SessionCore",
                "SessionSQLite",
                "SessionVerifier",
                "TerminalUI",
                "SessionConsole",
                "SessionDemo",
                "SessionPostgres",
                "DemoTraffic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sessiond",
            dependencies: [
                "SessionCore",
                "SessionSQLite",
                "SessionPostgres",
                "AuthService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "demo-api",
            dependencies: [
                "JOSE",
                "SessionCore",
                "SessionVerifier",
                "SessionVerifierHummingbird",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JOSETests",
            dependencies: ["JOSE", "SessionDemo", "COpenSSL"],
            exclude: ["Vectors"],
            swiftSettings: swiftSettings
        ),
        // The pure decisions of the domain, with no store and no I/O.
        .testTarget(
            name: "SessionCoreTests",
            dependencies: ["SessionCore", "JOSE"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SystemLibraryTests",
            dependencies: ["CSQLite", "CNCurses"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SessionConsoleTests",
            dependencies: ["SessionCore", "JOSE", "SessionStoreTesting", "SessionConsole", "TerminalUI"],
            exclude: ["Goldens"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AuthServiceTests",
            dependencies: [
                "SessionCore",
                "JOSE",
                "SessionStoreTesting",
                "SessionVerifier",
                "SessionVerifierHummingbird",
                "AuthService",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SessionVerifierTests",
            dependencies: ["SessionCore", "JOSE", "SessionStoreTesting", "SessionVerifier", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SessionStoreTests",
            dependencies: ["SessionCore", "JOSE", "SessionStoreTesting", "SessionSQLite", "SessionPostgres"],
            swiftSettings: swiftSettings
        ),
    ]
)
