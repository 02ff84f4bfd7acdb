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
        .library(name: "SessionCore", targets: ["SessionCore"]),
        .library(name: "SessionSQLite", targets: ["SessionSQLite"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
        .library(name: "SessionConsole", targets: ["SessionConsole"]),
        .executable(name: "sessionctl", targets: ["sessionctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        // ncursesw: no pkgConfig (its flags are dropped by SwiftPM); the shim defines them.
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncursesw5-dev"])]),

        .target(
            name: "SessionCore",
            dependencies: ["COpenSSL"],
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
            dependencies: ["SessionCore", "SessionSQLite", "TerminalUI"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sessionctl",
            dependencies: [
                "SessionCore",
                "SessionSQLite",
                "TerminalUI",
                "SessionConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SessionCoreTests",
            dependencies: ["SessionCore", "CSQLite", "CNCurses"],
            exclude: ["Vectors"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SessionConsoleTests",
            dependencies: ["SessionCore", "SessionConsole", "TerminalUI"],
            exclude: ["Goldens"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SessionSQLiteTests",
            dependencies: ["SessionCore", "SessionSQLite"],
            swiftSettings: swiftSettings
        ),
    ]
)
