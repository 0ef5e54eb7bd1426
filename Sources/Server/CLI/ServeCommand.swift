import ArgumentParser
import Core
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Store

/// `engram serve`: the HTTP/JSON service. Options fall back to ENGRAM_* environment variables.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP/JSON server.",
        discussion: """
            Stores live in the data directory: a write is acknowledged once its write-ahead log record \
            is on disk, checkpoints write safetensors snapshots and truncate the log, and at start the \
            stores are recovered (/readyz answers 503 until then). Stops gracefully on SIGTERM or \
            SIGINT: in-flight requests finish, a checkpoint is written, then the process exits 0.
            """
    )

    @Option(help: "Address to listen on (default 127.0.0.1, or ENGRAM_HOST).") var host: String?
    @Option(help: "Port (default 8080, or ENGRAM_PORT; 0 picks a free one).") var port: Int?
    @Option(help: "Data directory (default ./data, or ENGRAM_DATA).") var data: String?
    @Option(help: "Recall batches computed at once; BLAS gets the cores divided among them (default: one per core, or ENGRAM_COMPUTE_THREADS).") var computeThreads: Int?
    @Option(help: "The most queries merged into one recall batch, 1 to \(RowProducts.smallBatchLimit) (default \(RowProducts.smallBatchLimit), or ENGRAM_MAX_BATCH): up to there the small-batch loops beat GEMM on the development machine and give every request the bits it would get alone.") var maxBatch: Int?
    @Option(help: "Microseconds a recall waits for others to batch with (default 300, or ENGRAM_BATCH_DELAY_US; 0 turns batching off).") var batchDelay: Int?
    @Option(help: "Log bytes past which a checkpoint runs (default 67108864, or ENGRAM_CHECKPOINT_BYTES; 0: only on demand and at shutdown).") var checkpointBytes: Int?
    @Option(help: "API snapshots kept per store, the newest (default 3, or ENGRAM_KEEP_SNAPSHOTS).") var keepSnapshots: Int?
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String = "info"
    @OptionGroup(title: "API keys and TLS") var auth: AuthOptions
    @OptionGroup(title: "Limits") var limits: LimitOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let setting = Environment.setting(_:_:_:) as (Int?, String, Int) throws -> Int
        let host = host ?? environment["ENGRAM_HOST"] ?? "127.0.0.1"
        let port = try setting(port, "ENGRAM_PORT", 8080)
        guard (0...65535).contains(port) else { throw ValidationError("the port must be a number from 0 to 65535") }
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown log level '\(logLevel)'") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let computeThreads = try setting(computeThreads, "ENGRAM_COMPUTE_THREADS", cores)
        let maxBatch = try setting(maxBatch, "ENGRAM_MAX_BATCH", RowProducts.smallBatchLimit)
        let batchDelay = try setting(batchDelay, "ENGRAM_BATCH_DELAY_US", 300)
        guard computeThreads >= 1 else { throw ValidationError("--compute-threads must be at least 1") }
        guard (1...RowProducts.smallBatchLimit).contains(maxBatch) else {
            throw ValidationError("--max-batch must be from 1 to \(RowProducts.smallBatchLimit): larger batches use GEMM, whose results depend on the batch")
        }
        guard batchDelay >= 0 else { throw ValidationError("--batch-delay must be 0 or more microseconds") }
        let checkpointBytes = try setting(checkpointBytes, "ENGRAM_CHECKPOINT_BYTES", 64 << 20)
        let keepSnapshots = try setting(keepSnapshots, "ENGRAM_KEEP_SNAPSHOTS", 3)
        guard checkpointBytes >= 0 else { throw ValidationError("--checkpoint-bytes must be 0 or more") }
        guard keepSnapshots >= 1 else { throw ValidationError("--keep-snapshots must be at least 1") }
        let directory = URL(fileURLWithPath: data ?? environment["ENGRAM_DATA"] ?? "./data")
        let limits = try self.limits.limits()
        let policy: AccessPolicy
        do { policy = try auth.policy() } catch let error as KeyConfigurationError { throw ValidationError(error.description) }
        let insecure = Environment.flag(auth.insecureNoAuth, "ENGRAM_INSECURE_NO_AUTH")
        // Protected mode: no open server beyond this machine unless asked for in so many words.
        if !policy.requiresKeys, !AuthOptions.isLoopback(host), !insecure {
            throw ValidationError("""
                refusing to serve on \(host) without an API key: anyone who reaches the port could change or delete every store. \
                Set ENGRAM_API_KEY (or --api-key-file, --keys-file; ENGRAM_READ_ONLY_API_KEY for readers), or pass --insecure-no-auth to serve without keys
                """)
        }
        let tls = try auth.tls()

        let logger = {
            var logger = Logger(label: "engram")
            logger.logLevel = level
            return logger
        }()
        if insecure, !policy.requiresKeys {
            logger.warning("serving without API keys (--insecure-no-auth): anyone who reaches the port can change or delete every store", metadata: ["host": "\(host)"])
        }
        let dataDirectory: DataDirectory
        do {
            dataDirectory = try DataDirectory(directory)
        } catch {
            throw ValidationError("cannot use the data directory: \(error)")
        }

        // The cores divided among the compute threads, for BLAS and the small-batch products alike
        // (docs/design.md, "Concurrency and the cores"): by default one thread each, the parallelism being
        // across batches, so that no thread spins or waits beside another's work.
        BLAS.threads = max(1, cores / computeThreads)
        let stores = StoreHost()
        let service = EngramService(
            stores: stores, recalls: ComputePool(width: computeThreads, queue: limits.maxQueuedRecalls), work: WorkPool(width: cores, name: "engram-work"), metrics: ServerMetrics(),
            openAPI: try EngramService.bundledOpenAPI(), limits: limits, policy: policy,
            maxBatch: maxBatch, batchDelay: .microseconds(batchDelay), productThreads: BLAS.threads)
        let recovery = Task {
            do {
                let report = try await stores.recover(dataDirectory, checkpointBytes: checkpointBytes, keepSnapshots: keepSnapshots, limits: limits, pool: service.work, logger: logger)
                Self.log(report, directory: directory, logger: logger)
                service.changed()
            } catch {
                logger.critical("recovery could not run: every store route answers 503", metadata: ["error": "\(error)"])
            }
        }
        let scheme = tls == nil ? "http" : "https"
        let app = Application(
            router: Router.engram(service),
            server: try Self.server(tls: tls, limits: limits),
            configuration: .init(address: .hostname(host, port: port), serverName: "engram"),
            onServerRunning: { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
                logger.notice("listening on \(scheme)://\(address)", metadata: [
                    "compute_threads": "\(computeThreads)", "blas_threads": "\(BLAS.threads)", "max_batch": "\(maxBatch)", "batch_delay_us": "\(batchDelay)", "data": "\(directory.path)", "api_keys": "\(policy.keys.count)",
                ])
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            // The socket could not be bound: say where, not `bind(descriptor:ptr:bytes:)`.
            let reason = error.errnoCode == EADDRINUSE
                ? "the address is already in use (another server?); choose another port with --port or ENGRAM_PORT"
                : String(cString: strerror(error.errnoCode))
            throw CommandFailure("cannot listen on \(host) port \(port): \(reason)")
        }
        await recovery.value
        service.recalls.shutdown()
        if let registry = stores.ready {
            let report = try await registry.checkpoint()
            logger.notice("checkpoint at shutdown", metadata: ["sequence": "\(report.sequence)", "written": "\(report.written.count)", "log_bytes": "\(report.logBytesAfter)"])
            registry.close()
        }
        logger.notice("stopped")
    }

    /// Plain HTTP/1.1, or HTTPS with the PEM certificate chain and key given (`ServerTLS`); connections
    /// close when their client closes its side (`ClientCloseHandler`), and are capped and timed
    /// (`GuardedChannel`).
    private static func server(tls: (cert: String, key: String)?, limits: Limits) throws -> HTTPServerBuilder {
        let configuration = try tls.map { try ServerTLS.configuration(cert: $0.cert, key: $0.key) }
        let gate = ConnectionGate(limit: limits.maxConnections)
        return HTTPServerBuilder { responder in
            let http1 = HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: [ClientCloseHandler()]))
            guard let configuration else { return GuardedChannel(base: http1, limits: limits, gate: gate) }
            return GuardedChannel(base: try TLSChannel(http1, tlsConfiguration: configuration), limits: limits, gate: gate)
        }
    }

    private static func log(_ report: RecoveryReport, directory: URL, logger: Logger) {
        logger.notice("recovered", metadata: [
            "data": "\(directory.path)", "stores": "\(report.stores)", "checkpoints": "\(report.checkpoints)",
            "records_applied": "\(report.applied)", "records_skipped": "\(report.skipped)", "seconds": "\(String(format: "%.3f", report.seconds))",
        ])
        if let torn = report.tornTail { logger.warning("write-ahead log: \(torn)") }
        for warning in report.warnings { logger.warning("recovery: \(warning)") }
        for (name, reason) in report.failed.sorted(by: { $0.key < $1.key }) {
            logger.error("store failed recovery and is not served (503); its files are kept", metadata: ["store": "\(name)", "reason": "\(reason)"])
        }
        for damage in report.unattributed {
            logger.error("write-ahead log damaged where no store can be told (any store's record may be lost, even a create); the log is kept", metadata: ["damage": "\(damage)"])
        }
    }
}
