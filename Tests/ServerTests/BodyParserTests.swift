import Core
import Dispatch
import Formats
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOEmbedded
import Synchronization
import Testing
import TestSupport
@testable import Server
@testable import Store

/// A body's parse stops when its client leaves: the hostile `.npz` of issue 18 (a large member
/// checksummed after its client had gone) costs at most another MiB once the connection closes.
@Suite struct BodyParserTests {
    /// MiB pieces checksummed.
    final class Pieces: Sendable {
        let count = Atomic(0)
    }

    /// A 32 MiB `.npz` member: the client closes its connection while the first MiB is checked;
    /// the parse stops at the next MiB with 503, and the connection's registration is gone.
    @Test(.timeLimit(.minutes(1)))
    func closingTheConnectionStopsTheParse() async throws {
        let member = NPYArray.encode(float32: [Float](repeating: 0.25, count: 8 << 20), shape: [8 << 20])
        let archive = NPZArchive.encode([("queries", member)])
        let channel = NIOAsyncTestingChannel()
        let connections = ConnectionWatch()
        let parser = BodyParser(pool: WorkPool(width: 1, name: "engram-test-parse"), connections: connections, channel: channel)
        let (checking, check) = AsyncStream.makeStream(of: Void.self)
        let closed = DispatchSemaphore(value: 0)
        let pieces = Pieces()
        let parse = Task {
            try await parser.run(converting: archive.count) { interrupt in
                try archive.withUnsafeBytes { raw in
                    _ = try NPZArchive.entries(raw) { data in
                        try CRC32.checksum(data) {
                            if pieces.count.add(1, ordering: .relaxed).newValue == 1 {
                                check.yield()
                                closed.wait()
                            }
                            try interrupt()
                        }
                    }
                }
            }
        }
        var iterator = checking.makeAsyncIterator()
        await iterator.next()
        // Callbacks run in the order they were added: the watch's (which cancels) before this one.
        channel.closeFuture.whenComplete { _ in closed.signal() }
        try await channel.close()
        await #expect { try await parse.value } throws: { error in
            (error as? Problem)?.status == .serviceUnavailable && (error as? Problem)?.detail.contains("the client closed the connection") == true
        }
        #expect(pieces.count.load(ordering: .relaxed) == 1, "one MiB of 32 checked, then stopped at the next")
        #expect(connections.registrations == 0)
    }

    /// With the client there, the same parse checks every MiB and succeeds.
    @Test func aParseWhoseClientStaysRunsToItsEnd() async throws {
        let member = NPYArray.encode(float32: [Float](repeating: 0.25, count: 8 << 20), shape: [8 << 20])
        let archive = NPZArchive.encode([("queries", member)])
        let parser = BodyParser(pool: WorkPool(width: 1, name: "engram-test-parse"), connections: ConnectionWatch(), channel: NIOAsyncTestingChannel())
        let pieces = Pieces()
        let names = try await parser.run(converting: archive.count) { interrupt in
            try archive.withUnsafeBytes { raw in
                try NPZArchive.entries(raw) { data in
                    try CRC32.checksum(data) { pieces.count.add(1, ordering: .relaxed); try interrupt() }
                }.keys.sorted()
            }
        }
        #expect(names == ["queries"])
        #expect(pieces.count.load(ordering: .relaxed) == 33, "32 MiB and the .npy header's few bytes")
    }

    /// A request of 4096 queries of dimension 1024 (16 MiB of numbers) as JSON, `.npy` and `.npz`,
    /// whose client has already gone: each body's parse stops at its first check with 503.
    @Test(.timeLimit(.minutes(1)), arguments: ["application/json", "application/x-npy", "application/x-npz"])
    func bodiesOfAGoneClientAreNotParsed(contentType: String) async throws {
        let rows = 4096, dim = 1024
        let values = [Float](repeating: 0.5, count: rows * dim)
        let npy = NPYArray.encode(float32: values, shape: [rows, dim])
        let body: Data = switch contentType {
        case "application/json": Data(("{\"queries\": [" + Array(repeating: "[" + Array(repeating: "0.5", count: dim).joined(separator: ",") + "]", count: rows).joined(separator: ",") + "]}").utf8)
        case "application/x-npy": npy
        default: NPZArchive.encode([("queries", npy)])
        }
        var head = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1/stores/m/recall")
        head.headerFields[.contentType] = contentType
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: body)))
        let channel = NIOAsyncTestingChannel()
        try await channel.close()
        let pool = WorkPool(width: 1, name: "engram-t3"), connections = ConnectionWatch()
        let parser = BodyParser(pool: pool, connections: connections, channel: channel)
        // The pool's one thread held until the watch has heard of the close, so the parse starts after it.
        let hold = DispatchSemaphore(value: 0)
        let holder = Task { try await pool.run { hold.wait() } }
        let parse = Task { try await NumericBody<RecallBody>(request, parser: parser, field: "queries", takesClamp: true, maxRows: rows, dim: dim, limit: 1 << 30).matrix.rows }
        while pool.load.waiting < 1 || connections.connections > 0 { await Task.yield() }
        hold.signal()
        try await holder.value
        await #expect { _ = try await parse.value } throws: { error in
            (error as? Problem)?.status == .serviceUnavailable && (error as? Problem)?.detail.contains("the client closed the connection") == true
        }
        let open = BodyParser(pool: WorkPool(width: 1, name: "engram-t3"), connections: ConnectionWatch(), channel: NIOAsyncTestingChannel())
        let parsed = try await NumericBody<RecallBody>(request, parser: open, field: "queries", takesClamp: true, maxRows: rows, dim: dim, limit: 1 << 30)
        #expect(parsed.matrix.rows == rows && parsed.matrix.values.allSatisfy { $0 == 0.5 }, "with the client there, the same body parses")
    }
}
