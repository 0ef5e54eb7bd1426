import ArgumentParser
import Core
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Store

/// `engram serve`: the HTTP/JSON service. Options fall back to ENGRAM_HOST, ENGRAM_PORT and ENGRAM_DATA.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP/JSON server.",
        discussion: """
            Stops gracefully on SIGTERM or SIGINT: in-flight requests finish, then the process exits 0. \
            Stores are held in memory in this version: the data directory is created, but snapshots and \
            the write-ahead log are not implemented yet.
            """
    )

    @Option(help: "Address to listen on (default 127.0.0.1, or ENGRAM_HOST).") var host: String?
    @Option(help: "Port (default 8080, or ENGRAM_PORT; 0 picks a free one).") var port: Int?
    @Option(help: "Data directory (default ./data, or ENGRAM_DATA).") var data: String?
    @Option(help: "Recalls computed at once; BLAS gets the cores divided among them.") var computeThreads: Int = 1
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String = "info"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let host = host ?? environment["ENGRAM_HOST"] ?? "127.0.0.1"
        let port = port ?? environment["ENGRAM_PORT"].map { Int($0) ?? -1 } ?? 8080
        guard (0...65535).contains(port) else {
            throw ValidationError("the port must be a number from 0 to 65535")
        }
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown log level '\(logLevel)'") }
        guard computeThreads >= 1 else { throw ValidationError("--compute-threads must be at least 1") }
        let dataDirectory = data ?? environment["ENGRAM_DATA"] ?? "./data"

        let logger = {
            var logger = Logger(label: "engram")
            logger.logLevel = level
            return logger
        }()
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        logger.warning("stores are held in memory only: durability (snapshots, write-ahead log) is not implemented yet", metadata: ["data": "\(dataDirectory)"])

        let cores = ProcessInfo.processInfo.activeProcessorCount
        BLAS.threads = max(1, cores / computeThreads)
        let service = EngramService(
            registry: StoreRegistry(), recalls: ComputePool(width: computeThreads), writes: ComputePool(width: 1),
            metrics: ServerMetrics(), openAPI: try EngramService.bundledOpenAPI())
        let app = Application(
            router: Router.engram(service),
            configuration: .init(address: .hostname(host, port: port), serverName: "engram"),
            onServerRunning: { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
                logger.notice("listening on http://\(address)", metadata: ["compute_threads": "\(computeThreads)", "blas_threads": "\(BLAS.threads)"])
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try await service.recalls.shutdown()
        try await service.writes.shutdown()
        logger.notice("stopped")
    }
}
