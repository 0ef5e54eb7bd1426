import ArgumentParser

/// `engram serve`'s connection limits (`ConnectionLimits`), each a flag with an environment variable.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Seconds a connection may wait with no request in progress (ENGRAM_IDLE_TIMEOUT; default 60).") var idleTimeout: Double?
    @Option(help: "Seconds from a request's first byte to the end of its head (ENGRAM_HEADER_TIMEOUT; default 10).") var headerTimeout: Double?
    @Option(help: "Seconds from the end of a request's head to the end of its body (ENGRAM_BODY_TIMEOUT; default 600).") var bodyTimeout: Double?
    @Option(help: "Connections served at once; more are answered 503 (ENGRAM_MAX_CONNECTIONS; default 1024, or half of `ulimit -n` when lower).") var maxConnections: Int?

    /// The limits, checked: timeouts above 0, at least one connection.
    func limits() throws -> ConnectionLimits {
        let d = ConnectionLimits()
        var l = ConnectionLimits()
        l.idleTimeout = try Environment.setting(idleTimeout, "ENGRAM_IDLE_TIMEOUT", d.idleTimeout)
        l.headerTimeout = try Environment.setting(headerTimeout, "ENGRAM_HEADER_TIMEOUT", d.headerTimeout)
        l.bodyTimeout = try Environment.setting(bodyTimeout, "ENGRAM_BODY_TIMEOUT", d.bodyTimeout)
        l.maxConnections = try Environment.setting(maxConnections, "ENGRAM_MAX_CONNECTIONS", d.maxConnections)
        for (name, seconds) in [("--idle-timeout", l.idleTimeout), ("--header-timeout", l.headerTimeout), ("--body-timeout", l.bodyTimeout)] {
            guard seconds > 0, seconds <= 86_400 else { throw ValidationError("\(name) must be more than 0 and at most 86400 seconds, got \(seconds)") }
        }
        guard l.maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1, got \(l.maxConnections)") }
        return l
    }
}
