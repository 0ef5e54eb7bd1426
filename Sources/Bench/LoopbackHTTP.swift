import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request to 127.0.0.1 over a plain socket, for `engram bench --service`'s setup. The
/// executable does not link FoundationNetworking (and with it libcurl), so that it builds with a
/// static standard library for the deployment image.
enum LoopbackHTTP {
    /// The status of `method path` on `127.0.0.1:port` with `body` as JSON.
    static func status(port: Int, _ method: String, _ path: String, json body: Data?) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchFailure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BenchFailure("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        var request = Data("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
        if let body {
            request.append(Data("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
            request.append(body)
        } else {
            request.append(Data("Content-Length: 0\r\n\r\n".utf8))
        }
        try request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, 0)
                guard n > 0 else { throw BenchFailure("send: \(String(cString: strerror(errno)))") }
                sent += n
            }
        }
        var response = [UInt8](), chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { break }
            response.append(contentsOf: chunk[0..<n])
        }
        let statusLine = String(decoding: response.prefix { $0 != 0x0D }, as: UTF8.self)
        guard let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw BenchFailure("no HTTP answer from 127.0.0.1:\(port)\(path)")
        }
        return status
    }
}
