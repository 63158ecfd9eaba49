// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Lathund",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lathund", targets: ["lathund"]),
        .library(name: "LathundKit", targets: ["LathundKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // `lathund serve`: Hummingbird's server core on SwiftNIO (its HTTP/1 parser, idle timeout and connection
        // limit); none of the optional traits (swift-configuration, full Foundation) is needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Test-only: property-based tests of the parsers (Tests/LathundKitTests/PropertyTests.swift).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCMarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(name: "CLathundSystem"),
        .target(
            name: "LathundKit",
            dependencies: [
                "CCMarkGFM",
                "CLathundSystem",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .target(
            name: "LathundServe",
            dependencies: [
                "LathundKit",
                "CLathundSystem",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "lathund",
            dependencies: [
                "LathundKit",
                "LathundServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "LathundKitTests",
            dependencies: ["LathundKit", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures", "Golden"]
        ),
        .testTarget(name: "LathundServeTests", dependencies: ["LathundServe", "LathundKit"]),
        // A program that embeds LathundKit: a plain import, so only the public API (Sources/LathundKit/LathundKit.swift).
        .testTarget(name: "LathundKitEmbeddingTests", dependencies: ["LathundKit"]),
    ]
)
