import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `engram serve`'s API keys and TLS.
struct AuthOptions: ParsableArguments {
    @Option(help: "File holding the full-access API key (ENGRAM_API_KEY_FILE; or the key itself in ENGRAM_API_KEY).") var apiKeyFile: String?
    @Option(help: "File holding the read-only API key (ENGRAM_READ_ONLY_API_KEY_FILE; or ENGRAM_READ_ONLY_API_KEY).") var readOnlyApiKeyFile: String?
    @Option(help: "JSON file of keys with roles and store patterns (ENGRAM_KEYS_FILE).") var keysFile: String?
    @Flag(help: "Serve /metrics without a key when keys are set (ENGRAM_METRICS_PUBLIC=1).") var metricsPublic = false
    @Flag(help: "Serve on a non-loopback address with no API key (ENGRAM_INSECURE_NO_AUTH=1): anyone who reaches the port can change or delete every store.")
    var insecureNoAuth = false
    @Option(help: "TLS certificate chain, PEM (ENGRAM_TLS_CERT); with --tls-key the server speaks HTTPS only.") var tlsCert: String?
    @Option(help: "TLS private key, PEM (ENGRAM_TLS_KEY).") var tlsKey: String?

    /// The keys from the flags and the environment.
    func policy() throws -> AccessPolicy {
        try AccessPolicy.load(
            apiKey: Environment.variables["ENGRAM_API_KEY"], apiKeyFile: Environment.string(apiKeyFile, "ENGRAM_API_KEY_FILE"),
            readOnlyKey: Environment.variables["ENGRAM_READ_ONLY_API_KEY"], readOnlyKeyFile: Environment.string(readOnlyApiKeyFile, "ENGRAM_READ_ONLY_API_KEY_FILE"),
            keysFile: Environment.string(keysFile, "ENGRAM_KEYS_FILE"), metricsPublic: Environment.flag(metricsPublic, "ENGRAM_METRICS_PUBLIC"))
    }

    /// The certificate and key files, both or neither.
    func tls() throws -> (cert: String, key: String)? {
        switch (Environment.string(tlsCert, "ENGRAM_TLS_CERT"), Environment.string(tlsKey, "ENGRAM_TLS_KEY")) {
        case (nil, nil): return nil
        case (let cert?, let key?): return (cert, key)
        default: throw ValidationError("--tls-cert and --tls-key go together")
        }
    }

    /// Whether `host` is a loopback address: `localhost`, an IPv4 address in 127.0.0.0/8 written as
    /// four decimal numbers, or the IPv6 address ::1 (bracketed or not). Parsed as an address, not
    /// matched as text: `127.example.org` is a name that may resolve anywhere.
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return false }
        return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
    }
}
