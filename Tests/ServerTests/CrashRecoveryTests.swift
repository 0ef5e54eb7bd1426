import Foundation
import Testing
import TestSupport
@testable import Server

/// The built `engram serve` killed with SIGKILL while writers are mid-stream, then restarted on the
/// same data directory: no acknowledged write is lost, nothing that was not sent appears, log replay
/// and checkpoint restore give recalls identical bit for bit, and memory ids are never reused.
@Suite(.serialized) struct CrashRecoveryTests {
    static let dim = 8
    static let writers = 4
    /// Phase-A adds per writer and store.
    static let phaseAAdds = 10
    /// Phase-B acknowledgements (both stores) after which the server is killed.
    static let acksBeforeKill = 40
    /// At most this many phase-B adds per writer and store: a bound, never reached before the kill.
    static let phaseBLimit = 1_000
    /// Every phase-B drdam memory: one fixed vector, so that the count alone says how many landed.
    static let fixed = vector(phase: 9, writer: 9, index: 9)
    /// The queries recalled throughout.
    static let queries: [[Float]] = [vector(phase: 0, writer: 1, index: 3).map { $0 * 0.9 + 0.05 }, [Float](repeating: 0.125, count: dim)]

    /// One add sent: to store `m` with an id, or to `d` without.
    struct Add: Sendable {
        let store: String
        let id: String?
        let vector: [Float]
    }

    /// What one writer saw: the adds acknowledged (200), in order, and the one that got no answer.
    struct WriterLog: Sendable {
        var acknowledged: [Add] = []
        var unanswered: Add?
    }

    /// A recall's answer as bit patterns: each query's final state and final energy.
    struct Recall: Equatable {
        let states: [[UInt32]]
        let energies: [UInt32]
    }

    @Test(.timeLimit(.minutes(2)))
    func sigkillMidStreamLosesNoAcknowledgedWriteAndRecoveryIsBitExact() async throws {
        let began = Date()
        let directory = try TemporaryDirectory("crash")
        let data = directory.url
        var server = try await Self.start(data)
        defer { server.crash() }

        // a) Two stores; phase A: 4 writers × 10 adds to each, all acknowledged.
        #expect(try await server.send("PUT", "v1/stores/m", ["kind": "mrdam", "dim": Self.dim, "beta": 4]).status == 201)
        #expect(try await server.send("PUT", "v1/stores/d", ["kind": "drdam", "dim": Self.dim, "beta": 4, "features": 256, "seed": 11]).status == 201)
        let phaseA = await Self.runWriters(on: server) { w in
            (0..<Self.phaseAAdds).flatMap { i in
                [Add(store: "m", id: "a-\(w)-\(i)", vector: Self.vector(phase: 0, writer: w, index: i)),
                 Add(store: "d", id: nil, vector: Self.vector(phase: 1, writer: w, index: i))]
            }
        }
        #expect(phaseA.allSatisfy { $0.unanswered == nil && $0.acknowledged.count == 2 * Self.phaseAAdds }, "every phase-A add is acknowledged")
        let recallA = try await Self.recall("m", on: server)

        // b) Phase B: the writers keep adding; SIGKILL once some are acknowledged.
        let acks = WaitableCount()
        let writing = Task { [server] in
            await Self.runWriters(on: server, counting: acks) { w in
                (0..<Self.phaseBLimit).flatMap { i in
                    [Add(store: "m", id: "b-\(w)-\(i)", vector: Self.vector(phase: 2, writer: w, index: i)), Add(store: "d", id: nil, vector: Self.fixed)]
                }
            }
        }
        // (Writers that stopped before, the server having died, leave this to the time limit.)
        await acks.wait(forAtLeast: Self.acksBeforeKill)
        server.crash()
        let phaseB = await writing.value
        let sent = Outcome(phaseA + phaseB)
        let phaseACount = Self.writers * Self.phaseAAdds
        print("phase B: killed after \(acks.value) acknowledgements: m \(sent.acknowledged("m").count - phaseACount), d \(sent.acknowledged("d").count - phaseACount); unanswered: m \(sent.unanswered("m").count), d \(sent.unanswered("d").count)")
        #expect(acks.value >= Self.acksBeforeKill)
        #expect(phaseB.allSatisfy { $0.unanswered != nil }, "every writer is still writing at the kill, or this proves little")

        // c) Restart: every acknowledged add is there, exactly; nothing else but unanswered ones.
        server = try await Self.start(data)
        let landed = try await Self.checkSurvivors(sent, on: server)
        #expect(try await Self.recall("m", on: server) != recallA, "phase B changes m's recall, or the check after deleting it proves little")
        for id in landed where id.hasPrefix("b-") {
            #expect(try await server.send("DELETE", "v1/stores/m/memories/\(id)", timeout: 10).status == 204)
        }
        #expect(try await Self.count("m", on: server) == phaseACount)
        #expect(try await Self.recall("m", on: server) == recallA, "with phase B deleted, m recalls exactly as after phase A")

        // d) Log replay after a kill with nothing in flight, then checkpoint restore, are bit-exact.
        let recallOne = try await Self.recallBoth(on: server)
        server.crash()
        server = try await Self.start(data)
        #expect(try await Self.recallBoth(on: server) == recallOne, "log replay is exact")
        #expect(server.stop() == 0, "SIGTERM exits 0: \(server.transcript)")
        for store in ["m", "d"] {
            let files = Self.files(in: data.appendingPathComponent("checkpoints/\(store)"))
            #expect(files.contains { $0.name.hasSuffix(".safetensors") }, "a checkpoint of \(store): \(files)")
        }
        let segments = Self.files(in: data.appendingPathComponent("wal")).filter { $0.name.hasSuffix(".wal") }
        print("after SIGTERM: write-ahead log segments \(segments)")
        #expect(segments.count <= 1 && segments.allSatisfy { $0.size == 0 }, "the checkpoint at shutdown leaves an empty log: \(segments)")
        server = try await Self.start(data)
        #expect(try await Self.recallBoth(on: server) == recallOne, "checkpoint restore is exact")

        // e) Ids are not reused across a restart, even that of a deleted memory.
        let assigned = try await Self.addWithoutID(2, on: server)
        #expect(assigned.count == 2)
        #expect(try await server.send("DELETE", "v1/stores/m/memories/\(assigned.last ?? "")", timeout: 10).status == 204)
        server.crash()
        server = try await Self.start(data)
        let next = try #require(try await Self.addWithoutID(1, on: server).first)
        print("ids assigned \(assigned), the last deleted; after a kill and restart: \(next)")
        #expect(!assigned.contains(next))
        #expect(assigned.allSatisfy { (UInt64($0) ?? .max) < (UInt64(next) ?? 0) }, "the new id \(next) is greater than \(assigned)")
        print("crash recovery scenario took \(String(format: "%.1f", Date().timeIntervalSince(began))) s")
    }

    // MARK: Phases

    /// Runs `writers` writers at once, writer `w` sending `plan(w)` in order, one add at a time; a
    /// writer stops at the first add that gets no 200 (the server died). Counts acknowledgements.
    static func runWriters(on server: ServerProcess, counting acks: WaitableCount = WaitableCount(), _ plan: @escaping @Sendable (Int) -> [Add]) async -> [WriterLog] {
        await withTaskGroup(of: WriterLog.self) { group in
            for w in 0..<writers {
                group.addTask {
                    var log = WriterLog()
                    for add in plan(w) {
                        let body: [String: Any] = add.id.map { ["memories": [add.vector], "ids": [$0]] } ?? ["memories": [add.vector]]
                        guard let reply = try? await server.send("POST", "v1/stores/\(add.store)/memories", body, timeout: 10) else {
                            log.unanswered = add  // no answer: the server died
                            break
                        }
                        guard reply.status == 200 else {
                            Issue.record("an add to \(add.store) was answered \(reply.status): \(reply.text)")
                            log.unanswered = add
                            break
                        }
                        log.acknowledged.append(add)
                        acks.add(1)
                    }
                    return log
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// The adds of every writer, acknowledged and unanswered, by store.
    struct Outcome {
        let logs: [WriterLog]
        init(_ logs: [WriterLog]) { self.logs = logs }
        func acknowledged(_ store: String) -> [Add] { logs.flatMap(\.acknowledged).filter { $0.store == store } }
        func unanswered(_ store: String) -> [Add] { logs.compactMap(\.unanswered).filter { $0.store == store } }
    }

    /// Checks the restarted server against what was sent: every acknowledged mrdam id holds exactly
    /// its vector; an unanswered one is there exactly or not at all; `m` holds nothing else; `d`'s count
    /// lies between its acknowledged adds and those plus the unanswered. Returns the ids in `m`.
    static func checkSurvivors(_ sent: Outcome, on server: ServerProcess) async throws -> [String] {
        var present: [String] = []
        let acknowledgedIDs = Set(sent.acknowledged("m").compactMap(\.id))
        for add in sent.acknowledged("m") + sent.unanswered("m") {
            let id = try #require(add.id)
            let reply = try await server.send("GET", "v1/stores/m/memories/\(id)", timeout: 10)
            let acknowledged = acknowledgedIDs.contains(id)
            #expect(reply.status == 200 || (!acknowledged && reply.status == 404), "memory \(id): \(reply.status) \(reply.text)")
            guard reply.status == 200 else { continue }
            #expect(floats(reply.object["memory"]).bitPatterns == add.vector.bitPatterns, "memory \(id) holds exactly the vector sent")
            present.append(id)
        }
        let (m, d) = (try await count("m", on: server), try await count("d", on: server))
        let (ackedM, ackedD) = (sent.acknowledged("m").count, sent.acknowledged("d").count)
        print("after the kill: m holds \(m) (acknowledged \(ackedM), unanswered present \(present.count - ackedM)); d holds \(d) (acknowledged \(ackedD))")
        #expect(m == present.count, "m holds only memories that were sent")
        #expect((ackedM...(ackedM + sent.unanswered("m").count)).contains(m))
        #expect((ackedD...(ackedD + sent.unanswered("d").count)).contains(d), "d holds \(d), acknowledged \(ackedD)")
        return present
    }

    // MARK: Requests

    /// Starts the server on `data` and waits until it has recovered.
    static func start(_ data: URL) async throws -> ServerProcess {
        let server = try ServerProcess(data: data, arguments: ["--log-level", "notice"], timeout: 30)
        try await server.waitUntilReady()
        return server
    }

    /// Recalls `queries` from `store` (depth 30, no trace).
    static func recall(_ store: String, on server: ServerProcess) async throws -> Recall {
        let reply = try await server.send("POST", "v1/stores/\(store)/recall", ["queries": queries, "depth": 30, "trace": false], timeout: 30)
        try #require(reply.status == 200, "recall on \(store): \(reply.text)")
        let results = reply.object["results"] as? [[String: Any]] ?? []
        try #require(results.count == queries.count)
        return Recall(states: results.map { floats($0["state"]).bitPatterns }, energies: results.map { Float(($0["energy"] as? NSNumber)?.doubleValue ?? .nan) }.bitPatterns)
    }

    /// Recalls from `m` and from `d`.
    static func recallBoth(on server: ServerProcess) async throws -> [Recall] {
        [try await recall("m", on: server), try await recall("d", on: server)]
    }

    /// The number of memories `store` holds.
    static func count(_ store: String, on server: ServerProcess) async throws -> Int {
        let reply = try await server.send("GET", "v1/stores/\(store)", timeout: 10)
        return try #require(reply.object["count"] as? Int, "\(reply.status) \(reply.text)")
    }

    /// Adds `k` memories to `m` without ids; returns the ids the server assigned.
    static func addWithoutID(_ k: Int, on server: ServerProcess) async throws -> [String] {
        let memories = (0..<k).map { vector(phase: 3, writer: 0, index: $0) }
        let reply = try await server.send("POST", "v1/stores/m/memories", ["memories": memories], timeout: 10)
        try #require(reply.status == 200, "\(reply.text)")
        return reply.object["ids"] as? [String] ?? []
    }

    // MARK: Values

    /// Memory `index` of writer `writer` in `phase`: distinct for distinct arguments (in practice),
    /// with entries in [-0.5, 0.5) that are multiples of 1/64, so JSON carries them exactly.
    static func vector(phase: Int, writer: Int, index: Int) -> [Float] {
        var generator = SeededGenerator(seed: UInt64(phase * 1_000_003 + writer * 10_007 + index))
        return (0..<dim).map { _ in Float(Int.random(in: -32..<32, using: &generator)) / 64 }
    }

    /// The names and sizes of the files in `directory`.
    static func files(in directory: URL) -> [(name: String, size: Int)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
            return (name, (attributes?[.size] as? NSNumber)?.intValue ?? -1)
        }
    }
}
