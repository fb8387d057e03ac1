// swift-tools-version:6.2
// libFuzzer target over parse + envelope validation + guide validation + acknowledgements + JSON round trip.
// Kept out of the root package (unsafe flags, and `swift test` at the root must not build it).
// Sources/EDI is a symlink to the root package's EDI module. Commands: ../docs/fuzzing.md
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "edi-fuzz",
    platforms: [.macOS(.v15)],
    targets: [
        .target(name: "EDI", path: "Sources/EDI", swiftSettings: swiftSettings),
        .executableTarget(
            name: "EDIFuzz", dependencies: ["EDI"],
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
