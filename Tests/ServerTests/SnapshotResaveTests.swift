import Foundation
import TestSupport
import Testing
@testable import Server

/// A snapshot loaded and saved again by Python's `safetensors` (which lays the tensors out in its own
/// order, with its own header) is still a valid Engram snapshot: uploaded, it gives the store the
/// same state as the original file; and a byte flipped in the data of the re-saved file is still caught.
@Suite struct SnapshotResaveTests {
    /// Loads `input` with `safetensors.numpy` and saves its tensors and metadata to `output`.
    static let resave = """
        import sys
        from safetensors import safe_open
        from safetensors.numpy import save_file
        with safe_open(sys.argv[1], framework="np") as f:
            save_file({k: f.get_tensor(k) for k in f.keys()}, sys.argv[2], metadata=f.metadata())
        """

    @Test(.timeLimit(.minutes(2)), arguments: [
        ["kind": "mrdam", "dim": 4, "beta": 2.5] as [String: any Sendable],
        ["kind": "drdam", "dim": 4, "beta": 2.5, "features": 16, "seed": 3],
    ])
    func pythonResavedSnapshotsUploadAsTheOriginal(configuration: [String: any Sendable]) async throws {
        let probe = try EngramProcess.run(["python3", "-c", "import numpy, safetensors.numpy"])
        try #require(probe.status == 0, "python3 cannot import safetensors and numpy: pip install safetensors numpy (`make pydeps` does): \(probe.stderr)")
        let directory = try TemporaryDirectory("resave")
        let work = directory.url

        try await TestApp().run { client in
            try #require(await client.send(.put, "/v1/stores/a", configuration).status == 201)
            let memories: [[Float]] = [[1, 0, -0.5, 0.25], [0, 1, 0.125, -1], [0.5, 0.5, -0.75, 0.0625]]
            try #require(await client.send(.post, "/v1/stores/a/memories", ["memories": memories]).status == 200)
            let taken = try await client.send(.post, "/v1/stores/a/snapshots")
            let name = try #require(taken.object["name"] as? String, "\(taken.text)")
            let original = try await client.send(.get, "/v1/stores/a/snapshots/\(name)").body
            let (input, output) = (work.appendingPathComponent("a.safetensors"), work.appendingPathComponent("b.safetensors"))
            try original.write(to: input)
            let run = try EngramProcess.run(["python3", "-c", Self.resave, input.path, output.path])
            try #require(run.status == 0, "\(run.stderr)")
            let resaved = try Data(contentsOf: output)
            // The test means something only if Python laid the file out differently.
            #expect(resaved != original)

            let fromOriginal = try await client.send(.post, "/v1/stores/b/snapshots/upload", original)
            let fromResaved = try await client.send(.post, "/v1/stores/c/snapshots/upload", resaved)
            #expect(fromOriginal.status == 201, "\(fromOriginal.text)")
            #expect(fromResaved.status == 201, "\(fromResaved.text)")
            let query: [String: Any] = ["points": [[0.5, 0.25, 0, -0.5]], "gradients": true]
            let energyB = try await client.send(.post, "/v1/stores/b/energy", query)
            let energyC = try await client.send(.post, "/v1/stores/c/energy", query)
            #expect(energyB.status == 200 && energyB.object["energies"] as? [Double] == energyC.object["energies"] as? [Double])
            #expect(floatRows(energyB.object["gradients"]) == floatRows(energyC.object["gradients"]))
            let infoB = try await client.send(.get, "/v1/stores/b"), infoC = try await client.send(.get, "/v1/stores/c")
            #expect(infoB.object["count"] as? Int == 3 && infoC.object["count"] as? Int == 3)

            // Any byte of the re-saved file's data section flipped is refused.
            let dataStart = 8 + Int(resaved.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
            for offset in [dataStart, (dataStart + resaved.count) / 2, resaved.count - 1] {
                var damaged = resaved
                damaged[offset] ^= 0x10
                let reply = try await client.send(.post, "/v1/stores/d/snapshots/upload", damaged)
                #expect(reply.status == 422 && reply.detail.contains("checksum"), "byte \(offset): \(reply.text)")
            }
        }
    }
}
