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
        .library(name: "Kernels", targets: ["Kernels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "CKernels", "COpenSSL"]),
        .testTarget(
            name: "HarnessTests", dependencies: ["Harness", "Kernels"],
            resources: []),
    ]
)
