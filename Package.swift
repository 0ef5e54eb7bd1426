// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Engram",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "engram", targets: ["Server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // OpenBLAS's CBLAS interface (Linux). On Apple platforms Core uses Accelerate instead.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // SLEEF's AVX-512 loops. Compiled with -mavx512f so that sleef.h declares its 512-bit
        // functions; called only after CVectorMath has checked the CPU at run time.
        .target(
            name: "CVectorMathAVX512",
            cSettings: [.unsafeFlags(["-mavx512f", "-mavx512dq", "-O3"])],
            linkerSettings: [.linkedLibrary("sleef")]
        ),
        // Portable vector sin/cos/exp over float buffers: picks the AVX-512 loops when the CPU has them.
        .target(
            name: "CVectorMath",
            dependencies: ["CVectorMathAVX512"],
            cSettings: [.unsafeFlags(["-O3"])],
            linkerSettings: [.linkedLibrary("sleef"), .linkedLibrary("m")]
        ),
        // The mathematics: exact and distributed DAM energies, feature maps, descent.
        .target(
            name: "Core",
            dependencies: [
                "CVectorMath",
                .target(name: "COpenBLAS", condition: .when(platforms: [.linux])),
            ]
        ),
        // The `engram` executable: command-line interface (and, later, the HTTP server).
        .executableTarget(
            name: "Server",
            dependencies: [
                "Core",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "Core"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
