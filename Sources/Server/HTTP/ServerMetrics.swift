import Metrics
import Prometheus
import Store

/// The server's metrics through swift-metrics, kept in this server's own Prometheus registry (no
/// process-wide bootstrap, so several servers, e.g. in tests, keep separate counts).
final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let stores: Metrics.Gauge
    private let memories: Metrics.Gauge
    private let querySteps: Metrics.Counter
    private let cancelledRecalls: Metrics.Counter
    private let logBytes: Metrics.Gauge
    private let logFlushes: Metrics.Gauge

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
            .milliseconds(1000), .milliseconds(2500), .milliseconds(10000), .milliseconds(60000),
        ]
        factory.valueHistogramBuckets = [
            "engram_recall_batch_queries": [1, 2, 4, 8, 12, 16, 32, 64],
            "engram_recall_batch_requests": [1, 2, 4, 8, 12, 16, 32, 64],
        ]
        factory.durationHistogramBuckets = [
            "engram_recall_batch_wait_seconds": [
                .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
                .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(250), .milliseconds(1000),
            ],
        ]
        self.factory = factory
        stores = Metrics.Gauge(label: "engram_stores", factory: factory)
        memories = Metrics.Gauge(label: "engram_memories", factory: factory)
        querySteps = Metrics.Counter(label: "engram_recall_query_steps_total", factory: factory)
        cancelledRecalls = Metrics.Counter(label: "engram_recalls_cancelled_total", factory: factory)
        logBytes = Metrics.Gauge(label: "engram_wal_bytes", factory: factory)
        logFlushes = Metrics.Gauge(label: "engram_wal_flushes", factory: factory)
    }

    /// Counts one request and its latency under its route pattern, method and status.
    func recordRequest(route: String, method: String, status: Int, nanoseconds: Int64) {
        Metrics.Counter(label: "engram_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory)
            .increment()
        Metrics.Timer(label: "engram_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: factory)
            .recordNanoseconds(nanoseconds)
    }

    /// A histogram of values (e.g. batch sizes) under `label`.
    func recorder(_ label: String) -> Recorder { Recorder(label: label, aggregate: true, factory: factory) }

    /// A histogram of durations under `label`.
    func timer(_ label: String) -> Metrics.Timer { Metrics.Timer(label: label, factory: factory) }

    /// Adds the descent steps of a recall (Σ over its queries).
    func recordQuerySteps(_ steps: Int) { querySteps.increment(by: steps) }

    /// Counts a recall stopped because its client went away or it passed the request timeout.
    func recordCancelledRecall() { cancelledRecalls.increment() }

    /// Sets the store, memory and log gauges from the registry (the log's flushes: fsyncs since start,
    /// each shared by every write waiting on it).
    func refresh(from registry: StoreRegistry) {
        let all = registry.all
        stores.record(all.count)
        memories.record(all.reduce(0) { $0 + $1.state.count })
        logBytes.record(registry.log.bytes)
        logFlushes.record(registry.log.flushes)
    }

    /// The Prometheus text exposition of every metric.
    func render() -> String { registry.emitToString() }
}
