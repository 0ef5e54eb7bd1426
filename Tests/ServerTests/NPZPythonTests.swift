import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import Server

/// NumPy on both sides: files that `np.save` and `np.savez` write are read as the same numbers as JSON,
/// and `np.load` reads the `.npy` and `.npz` answers (unicode ids included) as the JSON answer's numbers.
@Suite struct NPZPythonTests {
    static let clamp = [[true, false, false, false], [false, false, false, true]]

    @Test(.timeLimit(.minutes(2))) func numpyWritesTheBodiesAndReadsTheAnswers() async throws {
        let probe = try EngramProcess.run(["python3", "-c", "import numpy"])
        try #require(probe.status == 0, "python3 cannot import numpy: pip install numpy (`make pydeps` does): \(probe.output)")
        let directory = try TemporaryDirectory("npz")
        let work = directory.url
        let queries = String(decoding: try JSONSerialization.data(withJSONObject: NPYRouteTests.queries), as: UTF8.self)
        let clamp = String(decoding: try JSONSerialization.data(withJSONObject: Self.clamp), as: UTF8.self)
        let write = try EngramProcess.run(["python3", "-c", """
            import json, sys, numpy as np
            out, q, clamp = sys.argv[1], np.array(json.loads(sys.argv[2])), np.array(json.loads(sys.argv[3]))
            np.save(out + '/q8.npy', q)
            np.save(out + '/q4.npy', q.astype(np.float32))
            np.savez(out + '/qc.npz', queries=q.astype(np.float32), clamp=clamp)
            """, work.path, queries, clamp])
        try #require(write.status == 0, "\(write.output)")

        try await TestApp().run { client in
            try await NPYRouteTests.mrdam(client)
            let plain = try await client.send(.post, "/v1/stores/m/recall", ["queries": NPYRouteTests.queries, "depth": 50])
            let clamped = try await client.send(.post, "/v1/stores/m/recall", ["queries": NPYRouteTests.queries, "depth": 50, "clamp": Self.clamp])
            let expected = try #require(clamped.object["results"] as? [[String: Any]])
            for file in ["q8.npy", "q4.npy"] {
                let reply = try await client.send(.post, "/v1/stores/m/recall?depth=50", try Data(contentsOf: work.appendingPathComponent(file)),
                                                  headers: [.contentType: "application/x-npy"])
                #expect(reply.status == 200 && reply.text == plain.text, "\(file): \(reply.text)")
            }
            let body = try Data(contentsOf: work.appendingPathComponent("qc.npz"))
            let npz = try await client.send(.post, "/v1/stores/m/recall?depth=50", body, headers: NPYExchange.npzIn)
            let npy = try await client.send(.post, "/v1/stores/m/recall?depth=50", body, headers: [.contentType: "application/x-npz", .accept: "application/x-npy"])
            try #require(npz.status == 200 && npy.status == 200, "\(npz.text) \(npy.text)")
            try npz.body.write(to: work.appendingPathComponent("answer.npz"))
            try npy.body.write(to: work.appendingPathComponent("answer.npy"))

            let read = try EngramProcess.run(["python3", "-c", """
                import json, sys, numpy as np
                with np.load(sys.argv[1] + '/answer.npz', allow_pickle=False) as z:
                    arrays = {k: z[k] for k in z.files}
                arrays['npy'] = np.load(sys.argv[1] + '/answer.npy', allow_pickle=False)
                print(json.dumps({k: {'dtype': str(a.dtype), 'shape': list(a.shape), 'values': a.tolist()} for k, a in arrays.items()}))
                """, work.path])
            try #require(read.status == 0, "\(read.output)")
            let arrays = try #require(try JSONSerialization.jsonObject(with: Data(read.output.utf8)) as? [String: [String: Any]])
            func array(_ name: String) -> (dtype: String, shape: [Int], values: Any?) {
                (arrays[name]?["dtype"] as? String ?? "", arrays[name]?["shape"] as? [Int] ?? [], arrays[name]?["values"])
            }
            #expect(Set(arrays.keys) == ["states", "energy", "energies", "steps", "nearest", "nearest_id", "nearest_distance", "warnings", "npy"])
            #expect(array("warnings").shape == [2] && array("warnings").values as? [String] == ["", ""], "no query warned")
            let states = expected.map { floats($0["state"]) }
            #expect(array("states").dtype == "float32" && array("states").shape == [2, 4] && floatRows(array("states").values) == states)
            #expect(array("npy").dtype == "float32" && floatRows(array("npy").values) == states)
            #expect(zip(states, NPYRouteTests.queries).enumerated().allSatisfy { b, pair in
                (0..<4).allSatisfy { !Self.clamp[b][$0] || pair.0[$0] == pair.1[$0] }
            }, "the clamp in the .npz held its entries")
            #expect(array("energy").dtype == "float32" && floats(array("energy").values).bitPatterns == expected.map { NPYRouteTests.number($0["energy"]) }.bitPatterns)
            #expect(array("energies").shape == [2, 50] && array("steps").dtype == "int64" && array("steps").values as? [Int] == [50, 50])
            #expect(floatRows(array("energies").values).map { Array($0.prefix(50)).bitPatterns } == expected.map { floats($0["energies"]).bitPatterns })
            let nearest = expected.map { $0["nearest"] as? [String: Any] ?? [:] }
            #expect(array("nearest").dtype == "int64" && array("nearest").values as? [Int] == nearest.map { $0["index"] as? Int ?? -1 })
            #expect(array("nearest_id").dtype == "<U1" && array("nearest_id").values as? [String] == nearest.map { $0["id"] as? String ?? "" })
            #expect(floats(array("nearest_distance").values).bitPatterns == nearest.map { NPYRouteTests.number($0["distance"]) }.bitPatterns)
        }
    }
}
