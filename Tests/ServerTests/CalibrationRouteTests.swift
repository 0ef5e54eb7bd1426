import Core
import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import Server
@testable import Store

/// `POST /v1/stores/{name}/calibrate` and `POST /v1/calibrate`: the β of the numpy oracle
/// (`Fixtures/calibrate_beta.py`), setting β through the log, keys, and refusals.
@Suite struct CalibrationRouteTests {
    static let memories = randomMatrix(rows: 10, cols: 8, seed: 7, scale: 0.3)
    static var rows: [[Double]] { (0..<memories.rows).map { memories.row($0).map(Double.init) } }

    static func mrdam(_ client: TestApp.Client, headers: HTTPFields = [:]) async throws {
        #expect(try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 8, "beta": 1], headers: headers).status == 201)
        #expect(try await client.send(.post, "/v1/stores/m/memories", ["memories": rows], headers: headers).status == 200)
    }

    static func key(_ secret: String) -> HTTPFields { [HTTPField.Name("api-key")!: secret] }

    static func beta(_ client: TestApp.Client) async throws -> Double {
        try #require(try await client.send(.get, "/v1/stores/m").object["beta"] as? Double)
    }

    @Test func aStoreCalibratesAsNumpyAndSetsBetaThroughTheLog() async throws {
        let oracle = try BetaCalibrationTests.oracle(Self.memories, energy: .lse)
        let app = try TestApp()
        try await app.run { client in
            try await Self.mrdam(client)
            let look = try await client.send(.post, "/v1/stores/m/calibrate", [String: Any]())
            try #require(look.status == 200, "\(look.text)")
            let beta = try #require(look.object["beta"] as? Double)
            #expect(abs(beta - oracle.beta) <= BetaCalibration.precision, "\(beta) against numpy's \(oracle.beta)")
            #expect(look.object["steps"] as? Int == oracle.steps && look.object["set"] as? Bool == false, "\(look.text)")
            #expect(try await Self.beta(client) == 1, "looking does not set β")
            let bodiless = try await client.send(.post, "/v1/stores/m/calibrate")
            #expect(bodiless.status == 200 && bodiless.object["beta"] as? Double == beta, "no body is {}: \(bodiless.text)")

            let setting = try await client.send(.post, "/v1/stores/m/calibrate", ["set": true])
            try #require(setting.status == 200, "\(setting.text)")
            #expect(setting.object["set"] as? Bool == true && setting.object["beta"] as? Double == beta)
            #expect(try await Self.beta(client) == beta && beta != 1)
        }
        let set = try app.registry.store(named: "m").state.configuration.beta
        app.registry.close()
        try await TestApp(data: app.data).run { client in
            let beta = try await Self.beta(client)
            #expect(Float(beta) == set && set != 1, "the β set survives a restart: \(beta), \(set)")
            let recall = try await client.send(.post, "/v1/stores/m/recall", ["queries": [Self.rows[0]], "depth": 5])
            #expect(recall.status == 200, "\(recall.text)")
        }
    }

    @Test func memoriesInTheBodyCalibrateAsNumpy() async throws {
        for energy in EnergyFunction.allCases {
            let oracle = try BetaCalibrationTests.oracle(Self.memories, energy: energy)
            try await TestApp().run { client in
                let reply = try await client.send(.post, "/v1/calibrate", ["memories": Self.rows, "energy": energy.rawValue])
                try #require(reply.status == 200, "\(reply.text)")
                let beta = try #require(reply.object["beta"] as? Double)
                #expect(abs(beta - oracle.beta) <= BetaCalibration.precision, "\(energy): \(beta) against numpy's \(oracle.beta)")
                #expect(reply.object["steps"] as? Int == oracle.steps && reply.object["set"] as? Bool == false)
                // Exact duplicates, where lse and sum need different β: the query's energy counts.
                let duplicates = BetaCalibrationTests.sets[3].1
                let json = try await client.send(.post, "/v1/calibrate", ["memories": (0..<4).map { duplicates.row($0) }, "energy": energy.rawValue])
                let npy = try await client.send(.post, "/v1/calibrate?energy=\(energy.rawValue)", NPYBytes.f4(duplicates.values, shape: [4, 2]),
                                                headers: [.contentType: "application/x-npy"])
                #expect(json.status == 200 && npy.text == json.text, "\(energy): .npy \(npy.text) against JSON \(json.text)")
            }
        }
    }

    @Test func aReadOnlyKeyCalibratesButCannotSet() async throws {
        let reader = "calibrate-reader", writer = "calibrate-writer"
        let policy = AccessPolicy(keys: [
            try APIKey(name: "reader", secret: reader, role: .read),
            try APIKey(name: "writer", secret: writer, role: .write),
            try APIKey(name: "scoped", secret: "calibrate-scoped", role: .read, stores: ["other-*"]),
        ], metricsPublic: false)
        try await TestApp(policy: policy).run { client in
            try await Self.mrdam(client, headers: Self.key(writer))
            let refused = try await client.send(.post, "/v1/stores/m/calibrate", ["set": true], headers: Self.key(reader))
            #expect(refused.status == 403, "\(refused.text)")
            #expect(try await client.send(.get, "/v1/stores/m", headers: Self.key(reader)).object["beta"] as? Double == 1)
            #expect(try await client.send(.post, "/v1/stores/m/calibrate", ["set": false], headers: Self.key(reader)).status == 200)
            #expect(try await client.send(.post, "/v1/stores/m/calibrate", ["set": true], headers: Self.key(writer)).status == 200)
            #expect(try await client.send(.post, "/v1/calibrate", ["memories": Self.rows], headers: Self.key("calibrate-scoped")).status == 200)
            #expect(try await client.send(.post, "/v1/stores/m/calibrate", [String: Any](), headers: Self.key("calibrate-scoped")).status == 403)
        }
    }

    @Test func refusals() async throws {
        var limits = Limits()
        limits.maxQueries = 10
        try await TestApp(limits: limits).run { client in
            try await Self.mrdam(client)
            #expect(try await client.send(.put, "/v1/stores/d", ["kind": "drdam", "dim": 8, "beta": 1, "features": 16]).status == 201)
            let drdam = try await client.send(.post, "/v1/stores/d/calibrate", ["set": true])
            #expect(drdam.status == 422 && drdam.detail.contains("POST /v1/calibrate"), "\(drdam.text)")
            #expect(try await client.send(.put, "/v1/stores/e", ["kind": "mrdam", "dim": 8, "beta": 1]).status == 201)
            #expect(try await client.send(.post, "/v1/stores/e/calibrate", [String: Any]()).status == 422)

            let unknownStore = try await client.send(.post, "/v1/stores/m/calibrate", ["set": true, "beta": 3])
            #expect(unknownStore.status == 422 && unknownStore.detail.contains("'beta'"), "\(unknownStore.text)")
            let unknown = try await client.send(.post, "/v1/calibrate", ["memories": Self.rows, "steps": 3])
            #expect(unknown.status == 422 && unknown.detail.contains("'steps'"), "\(unknown.text)")
            #expect(try await client.send(.post, "/v1/stores/m/calibrate?set=true", [String: Any]()).status == 422)
            #expect(try await Self.beta(client) == 1, "nothing refused changed β")

            #expect(try await client.send(.post, "/v1/calibrate", "{\"memories\": [[NaN, 0], [1, 0]]}").status == 400)
            let close = try await client.send(.post, "/v1/calibrate", ["memories": [[0, 0], [0.01, 0]]])
            #expect(close.status == 422 && close.detail.contains("600"), "\(close.text)")
            let many = try await client.send(.post, "/v1/calibrate", ["memories": Array(repeating: [1.0, 0.0], count: 11)])
            #expect(many.status == 422, "\(many.text)")
            let ragged = try await client.send(.post, "/v1/calibrate", ["memories": [[1, 0], [1]]])
            #expect(ragged.status == 422, "\(ragged.text)")
            #expect(try await client.send(.post, "/v1/calibrate", ["memories": [[Double]]()]).status == 422)
            #expect(try await client.send(.post, "/v1/calibrate", ["memories": [[Double](), []]]).status == 422)

            // A store may hold more memories than a calibration takes.
            #expect(try await client.send(.post, "/v1/stores/m/memories", ["memories": [Self.rows[0].map { $0 + 5 }]]).status == 200)
            let over = try await client.send(.post, "/v1/stores/m/calibrate", [String: Any]())
            #expect(over.status == 422 && over.detail.contains("maxQueries"), "\(over.text)")
        }
        limits = Limits()
        limits.maxRecallBytes = 8 * 10 * 10 + 8 * 10 * 8 - 1
        try await TestApp(limits: limits).run { client in
            let memory = try await client.send(.post, "/v1/calibrate", ["memories": Self.rows])
            #expect(memory.status == 422 && memory.detail.contains("maxRecallBytes"), "\(memory.text)")
            #expect(try await client.send(.post, "/v1/calibrate", ["memories": Array(Self.rows.prefix(9))]).status == 200)
        }
    }
}
