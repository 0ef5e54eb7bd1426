import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import Testing
import TestSupport
@testable import Server
@testable import Store

/// Snapshot uploads go to a temporary file in the data directory as they arrive, and the file goes
/// when the request ends, however it ends; leftovers of a killed server go at the next open.
@Suite struct UploadStreamingTests {
    struct ClientGone: Error {}

    /// The upload files in the data directory `data`.
    static func uploads(in data: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasPrefix(".upload-") }
    }

    static func upload(_ name: String, length: Int?, body: RequestBody) -> Request {
        var head = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1/stores/\(name)/snapshots/upload")
        if let length { head.headerFields[.contentLength] = String(length) }
        return Request(head: head, body: body)
    }

    /// A stored upload, a refused one (not a snapshot) and one over the limit leave no file behind.
    @Test func uploadsLeaveNoTemporaryFile() async throws {
        var limits = Limits()
        limits.maxSnapshotBytes = 1 << 20
        let app = try TestApp(limits: limits)
        try await app.run { client in
            try await client.send(.put, "/v1/stores/a", ["kind": "mrdam", "dim": 4, "beta": 3])
            try await client.send(.post, "/v1/stores/a/memories", ["memories": [[1, 0, 0, 0.5], [0, 1, 0, -0.5]]])
            let name = try #require(try await client.send(.post, "/v1/stores/a/snapshots").object["name"] as? String)
            let file = try await client.send(.get, "/v1/stores/a/snapshots/\(name)").body
            let stored = try await client.send(.post, "/v1/stores/b/snapshots/upload", file)
            #expect(stored.status == 201, "\(stored.text)")
            #expect(try await client.send(.get, "/v1/stores/b").object["count"] as? Int == 2)
            let refused = try await client.send(.post, "/v1/stores/c/snapshots/upload", Data(repeating: 7, count: 5000))
            #expect(refused.status == 422, "\(refused.text)")
            let tooLarge = try await client.send(.post, "/v1/stores/c/snapshots/upload", Data(repeating: 7, count: (1 << 20) + 1))
            #expect(tooLarge.status == 413, "\(tooLarge.text)")
        }
        #expect(try Self.uploads(in: app.data) == [])
    }

    /// A body without Content-Length that passes the limit as it streams is 413, and a client that
    /// leaves mid-body: neither leaves its file.
    @Test(.timeLimit(.minutes(1)))
    func cutUploadsLeaveNoTemporaryFile() async throws {
        let app = try TestApp()
        for ending in ["too large", "client gone"] {
            let (body, source) = RequestBody.makeStream()
            let receiving = Task { try await SnapshotRoutes.receive(Self.upload("b", length: nil, body: body), into: app.registry, limit: 3 << 20) }
            // Two MiB: one piece written to the file before the end.
            await source.yield(ByteBuffer(repeating: 1, count: 2 << 20))
            if ending == "too large" {
                await source.yield(ByteBuffer(repeating: 1, count: 2 << 20))
                source.finish()
                await #expect { _ = try await receiving.value } throws: { ($0 as? Problem)?.status == .contentTooLarge }
            } else {
                source.finish(ClientGone())
                await #expect(throws: ClientGone.self) { _ = try await receiving.value }
            }
            #expect(try Self.uploads(in: app.data) == [], "\(ending)")
        }
    }

    /// While an upload is received its bytes are in its file, not in memory; released, the file goes.
    @Test func theUploadIsAFileUntilReleased() async throws {
        let app = try TestApp()
        let bytes = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        var upload: SnapshotUpload? = try await SnapshotRoutes.receive(
            Self.upload("b", length: bytes.count, body: RequestBody(buffer: ByteBuffer(bytes: bytes))), into: app.registry, limit: 4 << 20)
        #expect(try Self.uploads(in: app.data).count == 1)
        #expect(try upload?.contents() == bytes)
        #expect(upload?.size == bytes.count)
        upload = nil
        #expect(try Self.uploads(in: app.data) == [])
    }

    /// An upload file a killed server left behind (here: an upload never released) is removed when
    /// the data directory is next opened.
    @Test func leftoversAreRemovedAtOpen() throws {
        let data = try TemporaryDirectory("uploads")
        let first = try DataDirectory(data.url)
        let killed = Unmanaged.passRetained(try SnapshotUpload(in: first))
        try Data(repeating: 1, count: 1000).withUnsafeBytes { try killed.takeUnretainedValue().write($0) }
        first.close()
        #expect(try Self.uploads(in: data.url).count == 1)
        let directory = try DataDirectory(data.url)
        defer { directory.close() }
        #expect(try Self.uploads(in: data.url) == [])
        killed.release()
    }

    /// A safetensors header of 99 MiB (which once took 3 GB and 16 s to parse) is refused with 422
    /// from its length, before any JSON is parsed.
    @Test func aHugeSafetensorsHeaderIsRefusedUnparsed() async throws {
        let header = 99 << 20
        // The length, then a JSON object padded with spaces to it.
        var file = Data(repeating: UInt8(ascii: " "), count: 8 + header)
        withUnsafeBytes(of: UInt64(header).littleEndian) { file.replaceSubrange(0..<8, with: $0) }
        file[8] = UInt8(ascii: "{")
        file[file.count - 1] = UInt8(ascii: "}")
        let body = file
        try await TestApp().run { client in
            let reply = try await client.send(.post, "/v1/stores/b/snapshots/upload", body)
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.detail.contains("the header is \(header) bytes, more than the 1048576 accepted"), "\(reply.detail)")
            #expect(try await client.send(.get, "/v1/stores/b").status == 404)
        }
    }
}
