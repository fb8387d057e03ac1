// swift-tools-version:6.2
// Benchmark of the EDI engine, kept out of the root package so `swift test` never builds it.
// Sources/EDI is a symlink to the root package's EDI module.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "edi-benchmarks",
    platforms: [.macOS(.v15)],
    targets: [
        .target(name: "EDI", path: "Sources/EDI", swiftSettings: swiftSettings),
        .executableTarget(
            name: "edi-bench", dependencies: ["EDI"],
            swiftSettings: swiftSettings
        ),
    ]
)
