import Foundation
import Testing
import TestSupport
@testable import Server

/// Snapshots taken through the API of the built server, downloaded, and read by the reference Python
/// `safetensors` library (`Fixtures/check_snapshot.py`): the layout, values and metadata are what
/// the format promises, and the SHA-256 the API reports is that of the bytes served.
@Suite(.serialized) struct SnapshotPythonTests {
    /// The memories added, in two requests: the first two with ids (mrdam), the last alone.
    static let memories: [[Float]] = [[1, 0, -0.5, 0.25], [0, 1, 0.125, -1], [0.5, 0.5, -0.75, 0.0625]]
    /// A drdam seed beyond 2⁵³: a double could not carry it, the metadata string must.
    static let seed = 12_345_678_901_234_567

    @Test(.timeLimit(.minutes(2)), arguments: ["mrdam", "drdam"])
    func pythonSafetensorsReadsTheSnapshot(kind: String) async throws {
        let script = try #require(Bundle.module.url(forResource: "check_snapshot", withExtension: "py", subdirectory: "Fixtures"))
        let probe = try EngramProcess.run(["python3", "-c", "import numpy, safetensors.numpy"])
        try #require(probe.status == 0, "python3 cannot import safetensors and numpy: pip install safetensors numpy (`make pydeps` does): \(probe.output)")

        let server = try ServerProcess()
        defer { _ = server.stop() }
        let directory = try TemporaryDirectory("snapshot")
        let work = directory.url

        var configuration: [String: Any] = ["kind": kind, "dim": 4, "beta": 2.5]
        if kind == "drdam" { configuration.merge(["features": 64, "seed": Self.seed]) { $1 } }
        let created = try await server.send("PUT", "v1/stores/snap", configuration)
        try #require(created.status == 201, "\(created.text)")
        let first: [String: Any] = kind == "mrdam" ? ["memories": Array(Self.memories.prefix(2)), "ids": ["alpha", "beta"]] : ["memories": Array(Self.memories.prefix(2))]
        #expect(try await server.send("POST", "v1/stores/snap/memories", first).status == 200)
        let second = try await server.send("POST", "v1/stores/snap/memories", ["memories": [Self.memories[2]]])
        try #require(second.status == 200, "\(second.text)")

        let taken = try await server.send("POST", "v1/stores/snap/snapshots")
        try #require(taken.status == 201, "\(taken.text)")
        let name = try #require(taken.object["name"] as? String)
        let download = try await server.send("GET", "v1/stores/snap/snapshots/\(name)")
        try #require(download.status == 200, "\(download.text)")
        #expect(download.body.count == taken.object["size"] as? Int)
        let file = work.appendingPathComponent(name)
        try download.body.write(to: file)
        let digest = try EngramProcess.run(["sha256sum", file.path])
        #expect(digest.output.split(separator: " ").first.map(String.init) == taken.object["sha256"] as? String, "sha256sum: \(digest.output)")
        #expect(taken.object["version"] as? Int == 2)

        let assigned = (second.object["ids"] as? [String]) ?? []
        let expected = work.appendingPathComponent("expected.json")
        try JSONSerialization.data(withJSONObject: Self.expected(kind: kind, assigned: assigned)).write(to: expected)
        let check = try EngramProcess.run(["python3", script.path, file.path, expected.path])
        print(check.output, terminator: "")
        #expect(check.status == 0, "check_snapshot.py: \(check.output)")
    }

    /// What `check_snapshot.py` must find in the snapshot of store `snap` after the two adds;
    /// `assigned` holds the id the mrdam store gave the third memory.
    static func expected(kind: String, assigned: [String]) -> [String: Any] {
        var metadata = [
            "format": "engram-store", "format_version": "1", "name": "snap",
            "kind": kind, "dim": "4", "beta": "2.5", "energy": "lse", "version": "2",
        ]
        if kind == "mrdam" {
            let ids = ["alpha", "beta"] + assigned
            if let last = assigned.last.flatMap(UInt64.init) { metadata["next_id"] = String(last + 1) }
            let idBytes = ids.joined(separator: "\n").utf8.count
            return ["kind": kind, "metadata": metadata, "memories": memories, "ids": ids,
                    "tensors": ["memories": ["dtype": "F32", "shape": [3, 4]], "ids": ["dtype": "U8", "shape": [idBytes]]]]
        }
        metadata.merge(["kernel": "sincos", "features": "64", "seed": String(seed), "orthogonal": "false"]) { $1 }
        // sincos: F = 2 · features (a cosine and a sine per random direction).
        return ["kind": kind, "metadata": metadata, "count": memories.count,
                "tensors": ["T": ["dtype": "F64", "shape": [2 * 64]], "count": ["dtype": "I64", "shape": [Int]()]]]
    }
}
