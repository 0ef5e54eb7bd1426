import Foundation
#if canImport(Glibc)
import Glibc

/// The C library's `send`, which the method of the same name hides; never raising SIGPIPE.
private func sendBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL)) }
#elseif canImport(Darwin)
import Darwin

/// The C library's `send`, which the method of the same name hides (SIGPIPE is off on the socket).
private func sendBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { Darwin.send(fd, bytes, count, 0) }
#endif

/// One TCP connection to 127.0.0.1 over a plain socket, for tests that must send what no HTTP client
/// sends: half a request line, a body trickled byte by byte, nothing at all. Reads give up after
/// `receiveTimeout` seconds (a guard against a server that never answers, so that such a test fails
/// rather than hangs: no test waits for it to pass).
package final class RawConnection {
    private let fd: Int32

    /// What a read to the end of the connection found.
    package struct Received: Sendable {
        /// The bytes received, as text.
        package let text: String
        /// Whether the server closed the connection (end of stream or reset), rather than the read
        /// giving up after the receive timeout.
        package let closed: Bool
    }

    /// Connects to 127.0.0.1:`port`.
    package init(port: Int, receiveTimeout: Double = 30) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
        guard fd >= 0 else { throw ServerProcessFailure("socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ServerProcessFailure("connect to 127.0.0.1:\(port): \(reason)")
        }
    }

    deinit {
        close(fd)
    }

    /// Sends `bytes` whole; false when the connection is closed or reset before they all went.
    @discardableResult
    package func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { sendBytes(fd, $0.baseAddress! + sent, bytes.count - sent) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// Sends `text` as UTF-8.
    @discardableResult
    package func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads until the text received contains `marker` (when given) or the connection ends.
    package func receive(until marker: String? = nil) -> Received {
        var bytes = [UInt8](), chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
                if let marker, String(decoding: bytes, as: UTF8.self).contains(marker) { return Received(text: String(decoding: bytes, as: UTF8.self), closed: false) }
                continue
            }
            let timedOut = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
            return Received(text: String(decoding: bytes, as: UTF8.self), closed: !timedOut)
        }
    }
}
