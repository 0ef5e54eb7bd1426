import ArgumentParser
import Foundation
import Hummingbird
import Testing
@testable import Server
@testable import Store

/// Each limit at its edge and one past it: at the edge the request is served, one past it is refused
/// with a 4xx naming the limit, and nothing changes.
@Suite struct LimitTests {
    static func limits(_ change: (inout Limits) -> Void) -> Limits {
        var limits = Limits()
        change(&limits)
        return limits
    }

    /// A JSON body padded with spaces to exactly `size` bytes.
    static func padded(_ json: String, to size: Int) -> String { json + String(repeating: " ", count: size - json.utf8.count) }

    @Test func bodyBytes() async throws {
        try await TestApp(limits: Self.limits { $0.maxBodyBytes = 200 }).run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1])
            let edge = try await client.send(.post, "/v1/stores/m/memories", Self.padded(#"{"memories": [[1, 2]]}"#, to: 200))
            let past = try await client.send(.post, "/v1/stores/m/memories", Self.padded(#"{"memories": [[3, 4]]}"#, to: 201))
            #expect(edge.status == 200 && past.status == 413 && past.detail.contains("200 bytes"), "\(past.text)")
            #expect(try await client.send(.get, "/v1/stores/m").object["count"] as? Int == 1)
            let create = try await client.send(.put, "/v1/stores/big", Self.padded(#"{"kind": "mrdam", "dim": 2, "beta": 1}"#, to: 201))
            let absent = try await client.send(.get, "/v1/stores/big")
            #expect(create.status == 413 && absent.status == 404)
        }
    }

    @Test func queriesDepthAndTrace() async throws {
        let limits = Self.limits { $0.maxQueries = 3; $0.maxDepth = 50; $0.maxTraceEntries = 100 }
        try await TestApp(limits: limits).run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1]]])
            func recall(_ b: Int, _ depth: Int, trace: Bool = true) async throws -> TestApp.Reply {
                try await client.send(.post, "/v1/stores/m/recall", ["queries": Array(repeating: [0.5, 0.5], count: b), "depth": depth, "trace": trace])
            }
            #expect(try await recall(3, 20).status == 200)
            let queries = try await recall(4, 20)
            #expect(queries.status == 422 && queries.detail.contains("more than 3"), "\(queries.text)")
            #expect(try await recall(1, 50).status == 200)
            let depth = try await recall(1, 51)
            #expect(depth.status == 422 && depth.detail.contains("depth 51 is over the limit of 50"))
            #expect(try await recall(2, 50).status == 200, "2 × 50 = 100 trace entries: the edge")
            for trace in [true, false] {
                let past = try await recall(3, 34, trace: trace)
                #expect(past.status == 422 && past.detail.contains("trace entries"), "trace \(trace): \(past.text)")
            }
            let points = try await client.send(.post, "/v1/stores/m/energy", ["points": Array(repeating: [0.5, 0.5], count: 4)])
            #expect(points.status == 422)
        }
    }

    /// The issue's request: 50 000 queries × depth 100 000 with "trace": false against a 2-d store is
    /// refused (before it would have allocated ~20 GB); so are more memories than a request may hold.
    @Test func absurdRecallIsRefused() async throws {
        try await TestApp().run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1]]])
            let body = #"{"queries": ["# + Array(repeating: "[0.5, 0.5]", count: 50_000).joined(separator: ",") + #"], "depth": 100000, "trace": false}"#
            let reply = try await client.send(.post, "/v1/stores/m/recall", body)
            #expect(reply.status == 422 && reply.detail.contains("more than 4096"), "\(reply.text)")
        }
        try await TestApp(limits: Self.limits { $0.maxMemoriesPerRequest = 2 }).run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1])
            #expect(try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1]]]).status == 200)
            #expect(try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1], [1, 1]]]).status == 422)
        }
    }

    /// 4·B·(K + depth + 4D) bytes of working memory: at the limit served, one query past refused.
    @Test func recallWorkingMemory() async throws {
        // K = 4, D = 2, depth 10: 4·B·(4 + 10 + 8) = 88·B bytes; limit 264 = 3 queries.
        try await TestApp(limits: Self.limits { $0.maxRecallBytes = 264 }).run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1], [1, 1], [0, 0]]])
            let edge = try await client.send(.post, "/v1/stores/m/recall", ["queries": Array(repeating: [0.5, 0.5], count: 3), "depth": 10])
            let past = try await client.send(.post, "/v1/stores/m/recall", ["queries": Array(repeating: [0.5, 0.5], count: 4), "depth": 10])
            #expect(edge.status == 200 && past.status == 422 && past.detail.contains("working memory"), "\(past.text)")
        }
    }

    @Test func storeShapes() async throws {
        let limits = Self.limits { $0.maxDim = 8; $0.maxFeatures = 64; $0.maxFeatureEntries = 256 }
        try await TestApp(limits: limits).run { client in
            func create(_ name: String, _ body: [String: Any]) async throws -> Int { try await client.send(.put, "/v1/stores/\(name)", body).status }
            #expect(try await create("a", ["kind": "mrdam", "dim": 8, "beta": 1]) == 201)
            #expect(try await create("b", ["kind": "mrdam", "dim": 9, "beta": 1]) == 422)
            #expect(try await create("c", ["kind": "drdam", "dim": 4, "beta": 1, "features": 64]) == 201, "64 × 4 = 256 entries: the edge")
            #expect(try await create("d", ["kind": "drdam", "dim": 2, "beta": 1, "features": 65]) == 422)
            #expect(try await create("e", ["kind": "drdam", "dim": 5, "beta": 1, "features": 52]) == 422, "52 × 5 = 260 entries")
            #expect(try await create("f", ["kind": "drdam", "dim": 3, "beta": 1, "features": 1_099_511_627_776]) == 422, "2^40 features refused, not allocated")
            let list = try await client.send(.get, "/v1/stores")
            #expect((list.object["stores"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["a", "c"])
        }
    }

    @Test func storeCountMemoriesAndBytes() async throws {
        // mrdam dim 3: 16 bytes a memory. Per store 64 bytes = 4 memories; 6 memories in all; 5 per store.
        let limits = Self.limits { $0.maxStores = 2; $0.maxMemoriesPerStore = 5; $0.maxStoreBytes = 64; $0.maxTotalBytes = 96 }
        try await TestApp(limits: limits).run { client in
            let config: [String: Any] = ["kind": "mrdam", "dim": 3, "beta": 1]
            #expect(try await client.send(.put, "/v1/stores/a", config).status == 201)
            #expect(try await client.send(.put, "/v1/stores/b", config).status == 201)
            let third = try await client.send(.put, "/v1/stores/c", config)
            #expect(third.status == 422 && third.detail.contains("2 stores"))
            let four = Array(repeating: [Float(1), 2, 3], count: 4)
            #expect(try await client.send(.post, "/v1/stores/a/memories", ["memories": four]).status == 200, "64 bytes: the edge")
            let fifth = try await client.send(.post, "/v1/stores/a/memories", ["memories": [[1, 2, 3]]])
            #expect(fifth.status == 422 && fifth.detail.contains("per store"), "\(fifth.text)")
            #expect(try await client.send(.post, "/v1/stores/b/memories", ["memories": Array(four.prefix(2))]).status == 200, "96 bytes in all: the edge")
            let total = try await client.send(.post, "/v1/stores/b/memories", ["memories": [[1, 2, 3]]])
            #expect(total.status == 422 && total.detail.contains("together"), "\(total.text)")
            #expect(try await client.send(.get, "/v1/stores/a").object["count"] as? Int == 4)
            #expect(try await client.send(.get, "/v1/stores/b").object["count"] as? Int == 2)
        }
        try await TestApp(limits: Self.limits { $0.maxMemoriesPerStore = 2 }).run { client in
            try await client.send(.put, "/v1/stores/a", ["kind": "mrdam", "dim": 3, "beta": 1])
            #expect(try await client.send(.post, "/v1/stores/a/memories", ["memories": [[1, 2, 3], [1, 2, 3]]]).status == 200)
            let past = try await client.send(.post, "/v1/stores/a/memories", ["memories": [[1, 2, 3]]])
            #expect(past.status == 422 && past.detail.contains("3 memories, over the limit of 2"))
        }
    }

    /// With one compute thread and no queue, a recall arriving while the thread computes (here, work
    /// the test holds there until it has the answer) is refused at once with 503 and Retry-After.
    @Test func aFullPoolRefusesAtOnce() async throws {
        let app = try TestApp(limits: Self.limits { $0.maxQueuedRecalls = 0 })
        try await app.run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 2, "beta": 1])
            try await client.send(.post, "/v1/stores/m/memories", ["memories": [[1, 0], [0, 1]]])
            let release = DispatchSemaphore(value: 0)
            let holding = Task { try await app.service.recalls.run { release.wait() } }
            await app.service.recalls.load.wait(forAtLeast: 1)
            let busy = try await client.send(.post, "/v1/stores/m/recall", ["queries": [[1, 0]], "depth": 1])
            release.signal()
            try await holding.value
            #expect(busy.status == 503 && busy.headers[.retryAfter] == "1", "\(busy.text)")
            #expect(try await client.send(.post, "/v1/stores/m/recall", ["queries": [[1, 0]], "depth": 1]).status == 200)
        }
    }

    /// A recall passing the request timeout stops within a step and answers 503, long before the end
    /// of its descent; the server serves on.
    @Test func aRecallPastTheTimeoutStops() async throws {
        let app = try TestApp(limits: Self.limits { $0.requestTimeout = 0.5 })
        try await app.run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 32, "beta": 1])
            let memories: [[Float]] = (0..<256).map { i in (0..<32).map { j in Float((i * 31 + j * 17) % 13) / 13 } }
            try await client.send(.post, "/v1/stores/m/memories", ["memories": memories])
            let timedOut = try await client.send(.post, "/v1/stores/m/recall", ["queries": Array(memories.prefix(16)), "depth": 100_000, "trace": false])
            #expect(timedOut.status == 503 && timedOut.detail.contains("request timeout"), "\(timedOut.text)")
            let steps = try #require(timedOut.detail.firstMatch(of: /stopped after (\d+) steps/).flatMap { Int($0.1) }, "\(timedOut.detail)")
            #expect(steps < 100_000, "stopped by the timeout, not at the end of its descent")
            #expect(try await client.send(.post, "/v1/stores/m/recall", ["queries": [memories[0]], "depth": 1]).status == 200)
        }
    }

    /// A value for each limit, within its range and different from every other's (the top of the
    /// range less the entry's place), so that a mix-up between two limits shows.
    static func distinctLimits() -> Limits {
        var limits = Limits()
        for (index, definition) in Limits.catalog.enumerated() {
            switch definition.field {
            case .integer(let path, let range): limits[keyPath: path] = range.upperBound - index
            case .seconds(let path, let range): limits[keyPath: path] = range.upperBound - Double(index)
            }
        }
        return limits
    }

    /// The catalog, docs/limits.md, `engram serve`'s flags and help, and `GET /v1/info` agree: every
    /// limit has its row in the table (flag, variable, range, default), is set by its flag, is
    /// described in --help with its variable and range, and is reported under its flag's name.
    @Test func everyLimitIsDocumentedParsedAndReported() async throws {
        let docs = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/limits.md"), encoding: .utf8)
        let help = ServeCommand.helpMessage(columns: 10_000)
        let limits = Self.distinctLimits()
        for definition in Limits.catalog {
            let row = docs.split(separator: "\n").first { $0.hasPrefix("| `\(definition.name)` |") }.map(String.init) ?? ""
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count == 7 && cells[1] == "`\(definition.flag)`" && cells[2] == "`\(definition.environmentName)`" && cells[4] == definition.rangeDescription,
                    "docs/limits.md's row for \(definition.name): \(row)")
            if definition.defaultDescription == nil { #expect(cells.count > 3 && cells[3].hasPrefix(definition.defaultText), "\(row)") }
            #expect(help.contains(definition.flag) && help.contains(definition.environmentName) && help.contains(definition.rangeDescription), "--help on \(definition.flag)")
            let text = definition.number(in: limits) == definition.number(in: limits).rounded() ? String(Int(definition.number(in: limits))) : String(definition.number(in: limits))
            let parsed = try ServeCommand.parse([definition.flag, text]).limits.limits()
            #expect(definition.number(in: parsed) == definition.number(in: limits), "\(definition.flag) \(text) sets \(definition.name)")
        }
        #expect(docs.split(separator: "\n").filter { $0.hasPrefix("| `max") || $0.hasPrefix("| `idle") || $0.hasPrefix("| `header") || $0.hasPrefix("| `body") || $0.hasPrefix("| `request") }.count == Limits.catalog.count)
        try await TestApp(limits: limits).run { client in
            let reported = try await client.send(.get, "/v1/info").object["limits"] as? [String: Double] ?? [:]
            #expect(reported.count == Limits.catalog.count)
            for definition in Limits.catalog {
                #expect(reported[definition.infoName] == definition.number(in: limits), "\(definition.infoName)")
            }
        }
    }

    /// A flag out of its range stops the server with a message naming the flag, its variable and range.
    @Test func aLimitOutOfRangeIsAUsageError() throws {
        let error = #expect(throws: ValidationError.self) { try ServeCommand.parse(["--max-dim", "0"]).limits.limits() }
        #expect(error?.message == "--max-dim (or ENGRAM_MAX_DIM) must be a number from 1 to 16777216, got '0' from --max-dim")
    }

    /// No cap before the limits: with --max-dim raised, a store of dim 70000 (over the old 2^16) is made.
    @Test func aRaisedMaxDimIsHonoured() async throws {
        let body = #"{"kind": "mrdam", "dim": 70000, "beta": 1}"#
        try await TestApp(limits: Self.limits { $0.maxDim = 100_000 }).run { client in
            let created = try await client.send(.put, "/v1/stores/wide", body)
            #expect(created.status == 201, "\(created.text)")
            #expect(try await client.send(.get, "/v1/stores/wide").object["dim"] as? Int == 70_000)
        }
        try await TestApp().run { client in
            let refused = try await client.send(.put, "/v1/stores/wide", body)
            #expect(refused.status == 422 && refused.detail.contains("dim 70000 is over the limit of 65536"), "\(refused.text)")
        }
    }
}
