import ArgumentParser
import NIOSSL

/// The server's TLS: TLS 1.2 or later, and in TLS 1.2 only suites with forward secrecy (ECDHE) and
/// authenticated encryption (GCM, ChaCha20-Poly1305); every TLS 1.3 suite is both.
enum ServerTLS {
    /// The TLS 1.2 suites offered.
    static let suites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    /// The configuration serving the PEM certificate chain `cert` with the PEM key `key`.
    static func configuration(cert: String, key: String) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            configuration.minimumTLSVersion = .tlsv12
            configuration.cipherSuiteValues = suites
            return configuration
        } catch {
            throw ValidationError("cannot use the TLS certificate \(cert) and key \(key): \(error)")
        }
    }
}
