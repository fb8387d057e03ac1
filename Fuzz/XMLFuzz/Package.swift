// swift-tools-version:6.2
// Fuzz targets for the XML module and the mapping engine (see README.md). A separate package
// because fuzz executables need unsafe flags, which only a root package may use.
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "XMLFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2")],
    targets: [
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0"),
        .target(name: "XML", dependencies: ["CLibXML2"], swiftSettings: settings),
        .target(name: "EDI", swiftSettings: settings),
        .target(name: "EDIMapping", dependencies: ["EDI", "XML", .product(name: "Yams", package: "Yams")], swiftSettings: settings),
        .executableTarget(
            name: "XMLFuzz", dependencies: ["XML"],
            swiftSettings: settings + [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "MappingFuzz", dependencies: ["EDIMapping"],
            swiftSettings: settings + [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "CanonicalFuzz", dependencies: ["EDIMapping", "EDI"],
            swiftSettings: settings + [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
