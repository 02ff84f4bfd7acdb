// swift-tools-version:6.2
// Benchmarks: SessionCore measured beside raw OpenSSL and jwt-kit in the same run.
// `make bench` builds and runs them (release); CI only compiles them.
import PackageDescription

let package = Package(
    name: "SessionBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "sessions", path: ".."),
        .package(url: "https://github.com/vapor/jwt-kit", exact: "5.8.0"),
    ],
    targets: [
        // The raw OpenSSL baseline calls libcrypto directly, through its own module map.
        .systemLibrary(name: "CBenchOpenSSL", pkgConfig: "libcrypto"),
        .systemLibrary(name: "CBenchSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CBenchPostgres", pkgConfig: "libpq"),
        .executableTarget(
            name: "jose-bench",
            dependencies: [
                "CBenchOpenSSL",
                "CBenchSQLite",
                "CBenchPostgres",
                .product(name: "JOSE", package: "sessions"),
                .product(name: "SessionCore", package: "sessions"),
                .product(name: "SessionSQLite", package: "sessions"),
                .product(name: "SessionPostgres", package: "sessions"),
                .product(name: "SessionDemo", package: "sessions"),
                .product(name: "SessionVerifier", package: "sessions"),
                .product(name: "SessionConsole", package: "sessions"),
                .product(name: "TerminalUI", package: "sessions"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
    ]
)
