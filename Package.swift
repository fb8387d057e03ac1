// swift-tools-version:6.2

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "partnerhub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "partnerhub", targets: ["partnerhub"]),
        .library(name: "EDI", targets: ["EDI"]),
        .library(name: "XML", targets: ["XML"]),
        .library(name: "EDIMapping", targets: ["EDIMapping"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // MARK: Formats (no database, no network)
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "EDI", swiftSettings: swiftSettings),
        .target(name: "XML", dependencies: ["CLibXML2"], swiftSettings: swiftSettings),
        .target(
            name: "EDIMapping",
            dependencies: ["EDI", "XML", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        // MARK: Hub
        .target(
            name: "HubCore",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PRM",
            dependencies: ["HubCore", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Forum", dependencies: ["HubCore"], swiftSettings: swiftSettings),
        .target(name: "Exchange", dependencies: ["HubCore", "PRM", "EDIMapping"], swiftSettings: swiftSettings),
        .target(
            name: "HubServer",
            dependencies: [
                "HubCore", "PRM", "Forum", "Exchange",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Resources/openapi")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "partnerhub",
            dependencies: [
                "HubServer", "HubCore", "PRM", "EDI", "EDIMapping",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .target(
            name: "HubTestSupport",
            dependencies: [
                "HubCore", "HubServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/HubTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EDITests", dependencies: ["EDI"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "XMLTests", dependencies: ["XML"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "EDIMappingTests", dependencies: ["EDIMapping", "EDI"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "HubCoreTests", dependencies: ["HubCore", "HubTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PRMTests", dependencies: ["PRM", "HubServer", "HubTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")], swiftSettings: swiftSettings),
        .testTarget(name: "ForumTests", dependencies: ["Forum"], swiftSettings: swiftSettings),
        .testTarget(name: "ExchangeTests", dependencies: ["Exchange"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HubServerTests",
            dependencies: [
                "HubServer", "HubTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "partnerhubTests", dependencies: ["partnerhub"], swiftSettings: swiftSettings),
    ]
)
