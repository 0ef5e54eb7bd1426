import Logging

/// A log handler that hands each message (with its metadata) to a stream, for tests that wait for a
/// log line.
struct CapturingLogHandler: LogHandler {
    let sink: AsyncStream<String>.Continuation
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        sink.yield("\(event.level) \(event.message) \(event.metadata ?? [:])")
    }
}
