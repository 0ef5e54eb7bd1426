// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Engram",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "engram", targets: ["Server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // One trait, not Hummingbird's two defaults: SwiftPM writes a package's trait defines (-D…) in
        // a random order, so with two every build had even odds of changing the compile commands of
        // Hummingbird's modules and recompiling them (half a minute in release) with nothing changed.
        // ConfigurationSupport (swift-configuration readers) is not used here.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        // Property tests of the codecs' round trips (FormatsTests only).
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
    ],
    targets: [
        // OpenBLAS's CBLAS interface (Linux). On Apple platforms Core uses Accelerate instead.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // zlib, for the CRC32 of log records, snapshots and `.npz` entries.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The vector loops, written once over macros (header only); the SIMD targets below instantiate them.
        .target(name: "CVectorMathLoops"),
        // SLEEF's AVX-512 loops. Compiled with -mavx512f (so that sleef.h declares its 512-bit
        // functions) and -mavx512dq; called only after CVectorMath has checked the CPU for both at run time.
        .target(
            name: "CVectorMathAVX512",
            dependencies: ["CVectorMathLoops"],
            cSettings: [.unsafeFlags(["-mavx512f", "-mavx512dq", "-O3"])],
            linkerSettings: [.linkedLibrary("sleef")]
        ),
        // SLEEF's AVX2 loops, for CPUs without AVX-512 (checked at run time likewise).
        .target(
            name: "CVectorMathAVX2",
            dependencies: ["CVectorMathLoops"],
            cSettings: [.unsafeFlags(["-mavx2", "-mfma", "-O3"])],
            linkerSettings: [.linkedLibrary("sleef")]
        ),
        // Portable vector sin/cos/exp and the fused per-row passes over float buffers: picks the widest
        // loops the CPU runs, with scalar SLEEF loops (same accuracy) for the rest.
        .target(
            name: "CVectorMath",
            dependencies: ["CVectorMathLoops", "CVectorMathAVX512", "CVectorMathAVX2"],
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
        // The file and body formats, each read and written byte for byte: numeric JSON, NumPy's `.npy`
        // and `.npz`, safetensors, CRC32.
        .target(
            name: "Formats",
            dependencies: ["CZlib", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // Named memory stores: versioned immutable states, the registry, concurrency, and durability
        // (write-ahead log, safetensors snapshots, recovery).
        .target(
            name: "Store",
            dependencies: ["Core", "Formats", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log")]
        ),
        // `engram bench`'s measurements: the sgemm roof and descent, small batches beside numpy, the
        // codec, durability, and the service under wrk (over a plain loopback socket, so that the
        // executable links no FoundationNetworking).
        .target(
            name: "Bench",
            dependencies: ["Core", "Formats", "Store"]
        ),
        // The `engram` executable: the HTTP server and the command-line interface.
        .executableTarget(
            name: "Server",
            dependencies: [
                "Bench",
                "Core",
                "Formats",
                "Store",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.yaml")]
        ),
        // What the test targets share: temporary directories, approximate and bit-exact comparison,
        // seeded data, `.npy` bytes, a manual clock and the `engram` process launcher.
        .target(name: "TestSupport", dependencies: ["Core"], path: "Tests/TestSupport"),
        .testTarget(name: "CoreTests", dependencies: ["Core", "TestSupport"]),
        .testTarget(
            name: "FormatsTests",
            dependencies: ["Formats", "TestSupport", .product(name: "NIOCore", package: "swift-nio"), .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Core", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Bench", "Core", "Formats", "Store", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
