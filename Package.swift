// swift-tools-version: 6.1
import PackageDescription

// C kernels are compiled -O3 in every configuration: these flags come after SwiftPM's
// -O0 in debug builds and the last -O wins. No -march=native: CPU features are
// dispatched at run time (see Sources/CKernels/cpu.c).
let kernelCFlags: [String] = ["-O3", "-std=c11", "-Wall", "-Wextra"]

let package = Package(
    name: "spbench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "spbench", targets: ["spbench"]),
        .executable(name: "spnode", targets: ["spnode"]),
        .library(name: "Kernels", targets: ["Kernels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The node (spnode): JSON-RPC server and client, SQLite state, logs, JWT HMAC.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL",
            pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(kernelCFlags)],
            linkerSettings: [.linkedLibrary("pthread"), .linkedLibrary("gmp")]),  // gmp: called from C only
        .target(name: "Kernels", dependencies: ["CKernels", "COpenSSL"]),
        .target(name: "Harness", dependencies: ["Kernels"], path: "Sources/Harness/Harness"),
        .executableTarget(
            name: "spbench",
            dependencies: ["Harness", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Harness/spbench"),
        .target(
            name: "NodeKit",
            dependencies: [
                "Kernels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/Node/NodeKit"),
        .executableTarget(
            name: "spnode",
            dependencies: ["NodeKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Node/spnode"),
        .testTarget(name: "NodeTests", dependencies: ["NodeKit", "Kernels"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "CKernels", "COpenSSL"]),
        .testTarget(
            name: "HarnessTests", dependencies: ["Harness", "Kernels"],
            resources: []),
    ]
)
