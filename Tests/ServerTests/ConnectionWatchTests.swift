import Core
import Hummingbird
import Logging
import NIOEmbedded
import Testing
@testable import Server

/// A recall hears of its connection's close only while it runs: many recalls on one keep-alive
/// connection leave nothing behind on it, and a close still stops the one running.
@Suite struct ConnectionWatchTests {
    /// Holds a cancellation without keeping it alive.
    final class WeakCancellation: @unchecked Sendable {
        weak var value: Cancellation?
    }

    static func context(on channel: NIOAsyncTestingChannel) -> EngramRequestContext {
        EngramRequestContext(source: .init(channel: channel, logger: Logger(label: "engram-tests")))
    }

    /// 100 recalls on one open connection: once each has returned, no registration is left and no
    /// cancellation is kept alive (before, each stayed on the connection's close future until it closed).
    @Test func recallsOnOneConnectionLeaveNoRegistrations() async throws {
        let connections = ConnectionWatch(), metrics = ServerMetrics()
        let channel = NIOAsyncTestingChannel()
        let context = Self.context(on: channel)
        var cancellations: [WeakCancellation] = []
        for _ in 0..<100 {
            let seen = WeakCancellation()
            let registered = try await RecallRoutes.cancellable(context: context, timeout: 60, connections: connections, metrics: metrics) { cancellation in
                seen.value = cancellation
                return connections.registrations
            }
            #expect(registered == 1, "registered while it runs")
            cancellations.append(seen)
        }
        #expect(connections.registrations == 0)
        #expect(cancellations.allSatisfy { $0.value == nil }, "\(cancellations.filter { $0.value != nil }.count) of 100 cancellations outlived their requests")
    }

    /// Over HTTP: 30 recalls on one keep-alive connection leave no registration behind, and the
    /// connection is watched once.
    @Test func keepAliveRecallsLeaveNoRegistrations() async throws {
        let app = try TestApp()
        try await app.run(.live) { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1]]])
            for _ in 0..<30 {
                #expect(try await client.send(.post, "/v1/stores/m/recall", ["queries": [[0.5, 0.2]], "depth": 3]).status == 200)
            }
            #expect(app.service.connections.registrations == 0)
            #expect(app.service.connections.connections == 1)
        }
    }

    /// Closing the connection cancels the recall running on it, and the connection is forgotten.
    @Test(.timeLimit(.minutes(1)))
    func closingTheConnectionCancelsItsRecall() async throws {
        let connections = ConnectionWatch()
        let channel = NIOAsyncTestingChannel()
        let context = Self.context(on: channel)
        let why = try await RecallRoutes.cancellable(context: context, timeout: 60, connections: connections, metrics: ServerMetrics()) { cancellation in
            try await channel.close()
            return await withCheckedContinuation { continuation in cancellation.whenCancelled { continuation.resume(returning: $0) } }
        }
        #expect(why == "the client closed the connection")
        #expect(connections.connections == 0 && connections.registrations == 0)
    }
}
