import Foundation
import Testing
import TestSupport

/// The built server against clients that hold connections: a request's head or body sent too slowly,
/// a connection left idle, more connections than the cap, a body sent after its request was refused.
/// Each waits for the server to close the connection (or answer), never for a time; a server that
/// never does fails on the connection's receive timeout.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConnectionTests {
    /// The server with short timeouts, all but `name` long enough never to run out here.
    static func server(short name: String, extra: [String] = [], environment: [String: String] = [:]) throws -> ServerProcess {
        let timeouts = ["--idle-timeout", "--header-timeout", "--body-timeout"].flatMap { [$0, $0 == name ? "0.3" : "600"] }
        return try ServerProcess(arguments: timeouts + extra + ["--log-level", "notice"], environment: environment)
    }

    /// Half a request line, then nothing: closed after the header timeout; the server serves on.
    @Test func halfARequestLineIsClosedAfterTheHeaderTimeout() async throws {
        let server = try Self.server(short: "--header-timeout")
        let slow = try RawConnection(port: server.base.port!)
        #expect(slow.send("GET /hea"))
        let received = slow.receive()
        #expect(received.closed && received.text.isEmpty, "the server kept the connection: \(received.text)")
        #expect(try await server.send("GET", "healthz").status == 200)
        #expect(server.stop() == 0)
    }

    /// A connection that sends nothing: closed after the idle timeout (the header timeout is long).
    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() throws {
        let server = try Self.server(short: "--idle-timeout")
        let idle = try RawConnection(port: server.base.port!)
        let received = idle.receive()
        #expect(received.closed && received.text.isEmpty, "the server kept the connection: \(received.text)")
        #expect(server.stop() == 0)
    }

    /// A body trickled one byte per write, without pause (so that no gap between reads is long): cut
    /// after the body timeout, long before its 8 MB have gone.
    @Test func aTrickledBodyIsCutAfterTheBodyTimeout() async throws {
        let server = try Self.server(short: "--body-timeout")
        try await server.waitUntilReady()
        // A store, so that the add reads its body rather than being refused before it.
        #expect(try await server.send("PUT", "v1/stores/trickle", ["kind": "mrdam", "dim": 2, "beta": 1]).status == 201)
        let trickle = try RawConnection(port: server.base.port!)
        let length = 8_000_000
        #expect(trickle.send("POST /v1/stores/trickle/memories HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n"))
        var sent = 0
        while sent < length, trickle.send([0x20]) { sent += 1 }
        #expect(sent < length, "the whole body was taken")
        #expect(server.stop() == 0)
    }

    /// With --max-connections 2, a third connection is answered 503 and closed, while /healthz still
    /// answers on the two admitted ones.
    @Test func connectionsPastTheCapAreRefused() throws {
        let server = try ServerProcess(arguments: ["--max-connections", "2", "--log-level", "notice"])
        let health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        let admitted = try (0..<2).map { _ in try RawConnection(port: server.base.port!) }
        for connection in admitted {
            #expect(connection.send(health))
            #expect(connection.receive(until: #""ok"}"#).text.hasPrefix("HTTP/1.1 200"))
        }
        let refused = try RawConnection(port: server.base.port!)
        let answer = refused.receive()
        #expect(answer.closed && answer.text.hasPrefix("HTTP/1.1 503"), "\(answer.text)")
        #expect(admitted[0].send(health))
        #expect(admitted[0].receive(until: #""ok"}"#).text.hasPrefix("HTTP/1.1 200"), "an admitted connection still answers")
        #expect(server.stop() == 0)
    }

    /// A request answered 401 is not read to its end: the server answers and closes the connection
    /// while the rest of a 200 MiB body is still to come.
    @Test func aRefusedRequestsBodyIsNotRead() throws {
        let server = try ServerProcess(arguments: ["--log-level", "notice"], environment: ["ENGRAM_API_KEY": "k-0123456789abcdef"])
        let client = try RawConnection(port: server.base.port!)
        #expect(client.send("POST /v1/stores/s/memories HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(200 << 20)\r\n\r\n"))
        #expect(client.send([UInt8](repeating: 0x20, count: 65536)))
        let answer = client.receive()
        #expect(answer.text.hasPrefix("HTTP/1.1 401"), "\(answer.text)")
        #expect(answer.closed, "the server waits for the rest of the body: \(answer.text)")
        #expect(server.stop() == 0)
    }
}
