import Core
import Dispatch
import Formats
import Foundation
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
}
