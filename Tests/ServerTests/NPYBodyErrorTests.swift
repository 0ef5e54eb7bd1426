import Formats
import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import Server
import Store

/// Malformed `.npy` and `.npz` bodies are refused with a status and a detail naming what is wrong, and
/// the limits hold for them as for JSON, checked from the header before the data is read.
@Suite struct NPYBodyErrorTests {
    static let good = NPYBytes.f4([[1, 2, 3, 4], [4, 3, 2, 1]])
    static let f4 = NPYBytes.header("<f4", [1, 4])
    static let sixteen = [UInt8](repeating: 0, count: 16)

    /// An `.npz` of `queries` whose central directory entry gets `patch` (offset within the entry, byte).
    static func patchedDirectory(_ patch: (Int, UInt8)) -> Data {
        var zip = NPZArchive.encode([("queries", good)])
        let entry = zip.range(of: Data([0x50, 0x4B, 0x01, 0x02]))!.lowerBound
        zip[entry + patch.0] = patch.1
        return zip
    }

    /// (what, Content-Type, body, status, words of the detail).
    static var cases: [(String, String, Data, Int, String)] {
        let npy = "application/x-npy", npz = "application/x-npz"
        var flipped = NPZArchive.encode([("queries", good)])
        flipped[30 + "queries.npy".utf8.count + good.count - 1] ^= 0xFF
        return [
            ("bad magic", npy, Data("PK\u{3}\u{4} certainly not numpy".utf8), 400, "the .npy body: not a .npy file"),
            ("truncated header", npy, good.prefix(40), 400, "the .npy body: the .npy header is truncated"),
            ("version 9", npy, Data(good.prefix(6)) + Data([9, 0]) + good.dropFirst(8), 400, ".npy version 9.0 is not supported"),
            ("header not a dict", npy, NPYBytes.file("descr = '<f4'", sixteen), 400, "expected '{'"),
            ("header garbage", npy, NPYBytes.file("{'descr': '<f4', 'fortran_order': Nope, 'shape': (1, 4), }", sixteen), 400, "unexpected character in the header"),
            ("no shape", npy, NPYBytes.file("{'descr': '<f4', 'fortran_order': False, }", sixteen), 400, "no 'shape' tuple"),
            ("complex", npy, NPYBytes.file(NPYBytes.header("<c8", [1, 4]), sixteen + sixteen), 400, "queries must be float32 or float64 ('<f4' or '<f8'), not '<c8'"),
            ("object", npy, NPYBytes.file(NPYBytes.header("|O", [1, 4]), sixteen), 400, "not '|O'"),
            ("int64", npy, NPYBytes.file(NPYBytes.header("<i8", [1, 4]), sixteen + sixteen), 400, "not '<i8'"),
            ("structured", npy, NPYBytes.file("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (4,), }", sixteen), 400, "structured dtypes"),
            ("big-endian", npy, NPYBytes.file(NPYBytes.header(">f4", [1, 4]), sixteen), 400, "big-endian"),
            ("Fortran order", npy, NPYBytes.file(NPYBytes.header("<f4", [1, 4], fortran: true), sixteen), 400, "Fortran-ordered arrays are not supported"),
            ("3-d", npy, NPYBytes.file(NPYBytes.header("<f4", [1, 1, 4]), sixteen), 400, "queries must be 2-D [rows, 4], not of shape [1, 1, 4]"),
            ("1-d", npy, NPYBytes.file(NPYBytes.header("<f4", [4]), sixteen), 400, "must be 2-D"),
            ("truncated data", npy, good.dropLast(3), 400, "the data holds 29 bytes, but shape [2, 4] of <f4 needs 32"),
            ("trailing bytes", npy, good + Data([0, 0, 0, 0]), 400, "the data holds 36 bytes"),
            ("wrong dimension", npy, NPYBytes.f4([[1, 2, 3]]), 422, "queries of shape [1, 3] have 3 numbers each; the store has dimension 4"),
            ("no rows", npy, NPYBytes.file(NPYBytes.header("<f4", [0, 4]), []), 422, "'queries' is empty"),
            ("a billion rows, from the header", npy, NPYBytes.file(NPYBytes.header("<f4", [1_000_000_000, 4]), sixteen), 422, "'queries' has 1000000000 vectors, more than the limit of 4096"),
            ("NaN", npy, NPYBytes.f4([[1, 2, 3, 4], [1, .nan, 3, 4]]), 422, "queries[1][1] is nan: numbers must be finite"),
            ("infinity in float64", npy, NPYBytes.f8([[1, 2, 3, -.infinity]]), 422, "queries[0][3] is -inf"),
            ("float64 beyond float32", npy, NPYBytes.f8([[1, 2, 1e300, 4]]), 400, "element [0][2] (1e+300) does not fit in float32"),
            ("not a zip", npz, good, 400, "the .npz body: not an .npz file"),
            ("compressed entry", npz, patchedDirectory((10, 8)), 400, "entry 'queries.npy' is compressed (method 8): send np.savez, not np.savez_compressed"),
            ("damaged entry", npz, flipped, 400, "entry 'queries.npy' fails its CRC-32 check"),
            ("truncated archive", npz, NPZArchive.encode([("queries", good)]).dropFirst(50), 400, "truncated"),
            ("no queries", npz, NPZArchive.encode([("points", good)]), 400, "the .npz body holds 'points.npy': expected 'queries.npy' and optionally 'clamp.npy'"),
            ("clamp alone", npz, NPZArchive.encode([("clamp", NPYBytes.bool([true, false, false, true], shape: [4]))]), 400, "the .npz body has no 'queries.npy'"),
            ("queries twice", npz, NPZArchive.encode([("queries", good), ("queries", good)]), 400, "entry 'queries.npy' is there twice"),
            ("malformed queries in the archive", npz, NPZArchive.encode([("queries", good.dropLast(4))]), 400, "queries.npy in the .npz body: the data holds"),
            ("integer clamp", npz, NPZArchive.encode([("queries", good), ("clamp", NPYBytes.file(NPYBytes.header("|u1", [4]), [1, 0, 0, 1]))]), 400,
             "clamp must be bool ('|b1'), not '|u1': send mask.astype(bool)"),
            ("clamp of the wrong shape", npz, NPZArchive.encode([("queries", good), ("clamp", NPYBytes.bool([true, false, true], shape: [3]))]), 422,
             "clamp has shape [3]: expected [4] (one mask for every query) or [2, 4] (one per query)"),
        ]
    }

    @Test(arguments: cases)
    func refused(what: String, contentType: String, body: Data, status: Int, detail: String) async throws {
        try await TestApp().run { client in
            try await NPYRouteTests.mrdam(client)
            let reply = try await client.send(.post, "/v1/stores/m/recall", body, headers: [.contentType: contentType])
            #expect(reply.status == status && reply.detail.contains(detail), "\(what): \(reply.status) \(reply.detail)")
            #expect(reply.contentType == "application/problem+json")
        }
    }

    /// The body limit (413) and the row limits (422) hold for `.npy` bodies at their edges, and a
    /// refused add changes nothing.
    @Test func limits() async throws {
        var limits = Limits()
        limits.maxBodyBytes = Self.good.count
        limits.maxQueries = 2
        limits.maxMemoriesPerRequest = 2
        let npy: HTTPFields = [.contentType: "application/x-npy"]
        try await TestApp(limits: limits).run { client in
            try await client.send(.put, "/v1/stores/m", ["kind": "mrdam", "dim": 4, "beta": 3])
            for pair in [NPYRouteTests.memories[0..<2], NPYRouteTests.memories[2..<4]] {
                #expect(try await client.send(.post, "/v1/stores/m/memories", NPYBytes.f4(Array(pair)), headers: npy).status == 200)
            }
            #expect(try await client.send(.post, "/v1/stores/m/recall?depth=2", Self.good, headers: npy).status == 200, "at the edges")
            let large = try await client.send(.post, "/v1/stores/m/recall", Self.good + Data([0]), headers: npy)
            #expect(large.status == 413 && large.detail.contains("\(Self.good.count) bytes"), "\(large.text)")
            let three = NPYBytes.file(NPYBytes.header("<f4", [3, 4]), [])
            let queries = try await client.send(.post, "/v1/stores/m/recall", three, headers: npy)
            #expect(queries.status == 422 && queries.detail.contains("3 vectors, more than the limit of 2"), "\(queries.text)")
            let points = try await client.send(.post, "/v1/stores/m/energy", three, headers: npy)
            #expect(points.status == 422 && points.detail.contains("'points' has 3 vectors"))
            let memories = try await client.send(.post, "/v1/stores/m/memories", three, headers: npy)
            #expect(memories.status == 422 && memories.detail.contains("'memories' has 3 vectors"))
            let forget = try await client.send(.post, "/v1/stores/m/memories/forget", NPYBytes.f4([[1, 0, 0]]), headers: npy)
            #expect(forget.status == 422 && forget.detail.contains("the store has dimension 4"))
            #expect(try await client.send(.get, "/v1/stores/m").object["count"] as? Int == 4)
        }
    }
}
