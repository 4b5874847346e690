// swift-tools-version:6.2
import PackageDescription

let swift6: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "tidepool",
    // Linux only: the launcher hands Chromium its CDP pipes through posix_spawn, reads /proc and reaps
    // with waitpid (Headless says so with an #error elsewhere). SwiftPM has no Linux entry here; macOS
    // 15 is named only so that RenderTypes, SessionContext and RpcClient see the Synchronization and
    // Foundation APIs they use when a client project builds them on a Mac.
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RenderTypes", targets: ["RenderTypes"]),
        .library(name: "AsyncSupport", targets: ["AsyncSupport"]),
        .library(name: "SessionContext", targets: ["SessionContext"]),
        .library(name: "SessionContextSQLite", targets: ["SessionContextSQLite"]),
        .library(name: "Egress", targets: ["Egress"]),
        .library(name: "SessionContextPostgres", targets: ["SessionContextPostgres"]),
        .library(name: "Headless", targets: ["Headless"]),
        .library(name: "Rendering", targets: ["Rendering"]),
        .library(name: "RpcServer", targets: ["RpcServer"]),
        .library(name: "RpcClient", targets: ["RpcClient"]),
        .executable(name: "tidepool", targets: ["tidepool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // SHA-256 of tenants' API keys; already in the graph through postgres-nio.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // The Codable wire vocabulary shared by server and client, and the one JSON module.
        .target(name: "RenderTypes", swiftSettings: swift6),
        // The few async primitives the rest share: latch, keyed FIFO lock, time limits.
        .target(name: "AsyncSupport", swiftSettings: swift6),
        // Session model, RpcSessionStore, SessionBackend and the in-memory backend.
        .target(
            name: "SessionContext",
            dependencies: ["RenderTypes"],
            swiftSettings: swift6
        ),
        // The embedded persistent backend (the server's default).
        .target(
            name: "SessionContextSQLite",
            dependencies: [
                "SessionContext", "AsyncSupport", "RenderTypes",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swift6
        ),
        // The egress proxy: every browser connection goes out through it, judged by the egress policy.
        .target(
            name: "Egress",
            dependencies: [
                "AsyncSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swift6
        ),
        // The shared backend for many nodes: sessions in PostgreSQL through postgres-nio's pool.
        .target(
            name: "SessionContextPostgres",
            dependencies: [
                "SessionContext", "AsyncSupport", "RenderTypes",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swift6
        ),
        // Chromium driver: CDP, launcher, BrowserPool, page driver, stealth.
        .target(
            name: "Headless",
            dependencies: [
                "RenderTypes", "AsyncSupport", "Egress",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swift6
        ),
        // The session-aware render path: admission, per-session serialisation, state restore and
        // write-back, warm contexts, profile browsers. Throws domain errors; knows nothing of HTTP.
        .target(
            name: "Rendering",
            dependencies: [
                "RenderTypes", "AsyncSupport", "SessionContext", "Headless",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swift6
        ),
        // glibc's malloc figures for /metrics (`mallinfo2`): Swift's Glibc module leaves <malloc.h> out.
        .target(name: "CMallocStats"),
        // HTTP (Hummingbird), the JSON-RPC engine and method tables, metrics export; maps domain
        // errors to JSON-RPC codes in one place; opens the configured session backend.
        .target(
            name: "RpcServer",
            dependencies: [
                "RenderTypes", "AsyncSupport", "SessionContext", "SessionContextSQLite", "SessionContextPostgres",
                "Headless", "Rendering", "Egress", "CMallocStats",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swift6
        ),
        // Swift client library.
        .target(
            name: "RpcClient",
            dependencies: [
                "RenderTypes", "SessionContext",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "tidepool",
            dependencies: [
                "RpcServer", "RpcClient", "Rendering", "Headless", "RenderTypes", "SessionContext",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swift6
        ),
        // Browser pool benchmarks (release build): cold start, warm/hot lease, memory per context.
        .executableTarget(
            name: "PoolBench",
            dependencies: ["Headless", "RenderTypes", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/PoolBench",
            swiftSettings: swift6
        ),
        // The fixture site served on 127.0.0.1 for tests, examples and benchmarks.
        .target(
            name: "FixtureServer",
            dependencies: [
                "AsyncSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/Fixtures/Server",
            swiftSettings: swift6
        ),
        // A throwaway PostgreSQL server for tests and benchmarks, tied to the process that starts it.
        .target(
            name: "PostgresSandbox",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Fixtures/Postgres",
            swiftSettings: swift6
        ),
        // What the benchmarks share: CPU time of the process and its reaped descendants.
        .target(name: "BenchSupport", path: "Benchmarks/BenchSupport", exclude: ["subreaper.py", "pss_peak.py"], swiftSettings: swift6),
        // Rendering benchmarks (release build): static render end to end, renders/s, Playwright comparison.
        .executableTarget(
            name: "RenderBench",
            dependencies: [
                "BenchSupport", "Headless", "RenderTypes", "FixtureServer", "Egress", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/RenderBench",
            exclude: ["playwright_bench.py"],
            swiftSettings: swift6
        ),
        // Recycled contexts (issue 16): same-site and many-sites workloads, recycled vs fresh vs Playwright.
        .executableTarget(
            name: "RecycleBench",
            dependencies: [
                "BenchSupport", "RpcServer", "Rendering", "Headless", "RenderTypes", "FixtureServer",
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/RecycleBench",
            exclude: ["playwright_recycle.py"],
            swiftSettings: swift6
        ),
        // Stateful rendering benchmark (release build): the JSON-RPC stack vs the Renderer, restore vs keep_warm.
        .executableTarget(
            name: "StatefulBench",
            dependencies: [
                "RpcServer", "Rendering", "Headless", "RenderTypes", "SessionContext", "FixtureServer", "Egress", "PostgresSandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/StatefulBench",
            swiftSettings: swift6
        ),
        // Session store benchmark: `swift run -c release StoreBench` (results in BENCHMARKS.md).
        .executableTarget(
            name: "StoreBench",
            dependencies: [
                "SessionContext", "SessionContextSQLite", "SessionContextPostgres", "PostgresSandbox",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/StoreBench",
            swiftSettings: swift6
        ),

        // Client benchmark: `swift run -c release ClientBench` (results in BENCHMARKS.md, "## Client").
        .executableTarget(
            name: "ClientBench",
            dependencies: [
                "RpcClient", "RpcServer", "Rendering", "SessionContext",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/ClientBench",
            swiftSettings: swift6
        ),
        // Soak (release build): a long mixed workload through a real `tidepool serve`, memory and leftovers watched.
        .executableTarget(
            name: "Soak",
            dependencies: [
                "BenchSupport", "RpcClient", "RenderTypes", "SessionContext", "FixtureServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/Soak",
            exclude: ["plot.py"],
            swiftSettings: swift6
        ),
        // MARK: Examples — stateful multi-page flows against the fixture site (docs/client.md).
        .target(
            name: "ExampleSupport",
            dependencies: [
                "RpcClient", "RenderTypes", "FixtureServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/ExampleSupport",
            swiftSettings: swift6
        ),
        example("LoginFlow"),
        example("PaginatedScrape"),
        example("ScreenshotGallery"),
        example("SessionMetrics"),
        .executableTarget(name: "ServeFixtures", dependencies: ["FixtureServer"], path: "Examples/ServeFixtures", swiftSettings: swift6),

        // MARK: Fuzzing — libFuzzer targets for the hand-written parsers (`make fuzz`, docs in Fuzz/README.md).
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport", swiftSettings: swift6),
        fuzz("FuzzJSON", ["RenderTypes"]),
        fuzz("FuzzCDPFrames", ["Headless", .product(name: "NIOCore", package: "swift-nio")]),
        fuzz("FuzzParams", ["RenderTypes", "SessionContext"]),
        fuzz("FuzzEgressHead", ["Egress"]),

        // MARK: Tests
        // What every test target shares: temporary directories, the test logger, polling, the
        // in-process server harnesses (with and without browsers) and the HTTP endpoint helpers.
        .target(
            name: "TestSupport",
            dependencies: [
                "FixtureServer", "Headless", "Rendering", "RenderTypes", "RpcClient", "RpcServer", "SessionContext", "Egress",
                "PostgresSandbox", "SessionContextPostgres",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Support",
            swiftSettings: swift6
        ),
        .testTarget(name: "RenderTypesTests", dependencies: ["RenderTypes", "SessionContext"], swiftSettings: swift6),
        .testTarget(name: "AsyncSupportTests", dependencies: ["AsyncSupport", "TestSupport"], swiftSettings: swift6),
        .testTarget(
            name: "EgressTests",
            dependencies: [
                "Egress", "AsyncSupport", "FixtureServer", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swift6
        ),
        .testTarget(name: "SessionContextTests", dependencies: ["SessionContext", "RenderTypes"], swiftSettings: swift6),
        .testTarget(
            name: "SessionContextSQLiteTests",
            dependencies: [
                "SessionContext", "SessionContextSQLite", "RenderTypes", "TestSupport",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: swift6
        ),
        .testTarget(
            name: "SessionContextPostgresTests",
            dependencies: [
                "SessionContext", "SessionContextPostgres", "RenderTypes", "TestSupport", "PostgresSandbox", "AsyncSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swift6
        ),
        // The SessionBackend contract and the store's semantics, run against every backend alike.
        .testTarget(
            name: "SessionBackendTests",
            dependencies: [
                "SessionContext", "SessionContextSQLite", "SessionContextPostgres", "RenderTypes", "TestSupport",
            ],
            swiftSettings: swift6
        ),
        .testTarget(
            name: "HeadlessTests",
            dependencies: [
                "Headless", "RenderTypes", "AsyncSupport", "FixtureServer", "TestSupport", "Egress",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swift6
        ),
        .testTarget(
            name: "RenderingTests",
            dependencies: [
                "Rendering", "Headless", "RenderTypes", "SessionContext", "FixtureServer", "TestSupport", "AsyncSupport",
                "SessionContextSQLite", "SessionContextPostgres",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swift6
        ),
        .testTarget(
            name: "RpcServerTests",
            dependencies: [
                "RpcServer", "Rendering", "AsyncSupport", "FixtureServer", "Headless", "TestSupport", "RenderTypes", "Egress",
                "SessionContext", "PostgresSandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Handoff/cdp_client.py", "Handoff/live_viewer.py"],
            swiftSettings: swift6
        ),
        .testTarget(
            name: "RpcClientTests",
            dependencies: [
                "RpcClient", "RpcServer", "Rendering", "Headless", "RenderTypes", "SessionContext", "SessionContextSQLite",
                "FixtureServer", "TestSupport", "ExampleSupport", "LoginFlow", "PaginatedScrape", "ScreenshotGallery", "SessionMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swift6
        ),
    ]
)

/// An example executable under `Examples/<name>`: the client, the shared example options, the render vocabulary.
func example(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            "ExampleSupport", "RpcClient", "RenderTypes", "SessionContext",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        path: "Examples/\(name)",
        swiftSettings: swift6
    )
}

/// A libFuzzer target under `Fuzz/<name>`: its fuzz function and, in a plain build, a corpus runner.
func fuzz(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name, dependencies: ["FuzzSupport"] + dependencies, path: "Fuzz/\(name)", swiftSettings: swift6
    )
}
