#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The limits on connections (docs/limits.md): how long a connection may sit idle, take to send a
/// request's head and then its body, and how many the server serves at once. The server sets them
/// from its flags; these are the defaults.
struct ConnectionLimits: Sendable {
    /// Seconds a connection may wait with no request in progress (none arriving, none being answered)
    /// before it is closed.
    var idleTimeout: Double = 60
    /// Seconds from a request's first byte (or its TLS handshake's) to the end of its head.
    var headerTimeout: Double = 10
    /// Seconds from the end of a request's head to the end of its body, however it trickles in.
    var bodyTimeout: Double = 600
    /// Connections served at once; one more is answered 503 and closed.
    var maxConnections = ConnectionLimits.defaultMaxConnections

    /// 1024, or half the process's open-file limit (`ulimit -n`) when that is lower: well below the
    /// descriptor limit, so that the stores' files and the listening socket always have room.
    static var defaultMaxConnections: Int {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        return max(1, min(1024, Int(clamping: limit.rlim_cur) / 2))
    }
}
