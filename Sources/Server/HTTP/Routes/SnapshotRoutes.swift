import Foundation
import Hummingbird
import Store

/// `/v1/stores/{name}/snapshots…` (Qdrant's paths): take, list, download, delete, restore and upload
/// safetensors snapshots of a store; and `POST /v1/checkpoint`.
struct SnapshotRoutes {
    let service: EngramService

    /// `GET …/snapshots`.
    struct SnapshotList: ResponseEncodable {
        var snapshots: [SnapshotInfo]
    }

    func register(on router: Router<EngramRequestContext>) {
        router.post("/v1/stores/{name}/snapshots") { _, context -> EditedResponse<SnapshotInfo> in
            let info = try await service.registry().createSnapshot(of: try service.store(for: context))
            context.logger.info("took snapshot", metadata: ["snapshot": "\(info.name)", "bytes": "\(info.size)"])
            return EditedResponse(status: .created, response: info)
        }
        router.get("/v1/stores/{name}/snapshots") { _, context in
            SnapshotList(snapshots: try service.registry().snapshots(of: try context.parameters.require("name")))
        }
        router.get("/v1/stores/{name}/snapshots/{snapshot}") { _, context -> Response in
            let (url, info) = try service.registry().snapshotFile(of: try context.parameters.require("name"), named: try context.parameters.require("snapshot"))
            let body = try await FileIO(threadPool: .singleton).loadFile(path: url.path, context: context)
            return Response(status: .ok, headers: [
                .contentType: "application/octet-stream",
                .contentDisposition: "attachment; filename=\"\(info.name)\"",
            ], body: body)
        }
        router.delete("/v1/stores/{name}/snapshots/{snapshot}") { _, context -> HTTPResponse.Status in
            try await service.registry().deleteSnapshot(of: try context.parameters.require("name"), named: try context.parameters.require("snapshot"))
            return .noContent
        }
        router.post("/v1/stores/{name}/snapshots/{snapshot}/restore") { _, context in
            let name = try context.parameters.require("name")
            let store = try await service.registry().restore(name, from: try context.parameters.require("snapshot"))
            service.changed()
            context.logger.info("restored store", metadata: ["store": "\(name)", "version": "\(store.state.version)"])
            return StoreInfo(name: name, state: store.state)
        }
        router.post("/v1/stores/{name}/snapshots/upload") { request, context -> EditedResponse<StoreInfo> in
            let name = try context.parameters.require("name")
            let registry = try service.registry()
            let parser = service.parser(for: context)
            let upload = try await Self.receive(request, into: registry, limit: service.limits.maxSnapshotBytes)
            let (store, created) = try await parser.watching { try await registry.replace(name: name, upload: upload, cancellation: $0) }
            service.changed()
            context.logger.info("uploaded snapshot", metadata: ["store": "\(name)", "bytes": "\(upload.size)"])
            return EditedResponse(status: created ? .created : .ok, response: StoreInfo(name: name, state: store.state))
        }
        router.post("/v1/checkpoint") { _, context in
            let report = try await service.registry().checkpoint()
            context.logger.info("checkpoint", metadata: ["sequence": "\(report.sequence)", "written": "\(report.written)"])
            return report
        }
    }

    /// The bytes written to the upload's file at a time (on the registry's pool).
    static let uploadPiece = 1 << 20

    /// `request`'s body, at most `limit` bytes (413 before reading when Content-Length says more, or as
    /// soon as more arrives), written to a temporary file of the data directory as it arrives, a MiB at
    /// a time on the registry's pool. The file goes with the returned upload.
    static func receive(_ request: Request, into registry: StoreRegistry, limit: Int) async throws -> SnapshotUpload {
        let tooLarge = Problem(.contentTooLarge, "the snapshot is larger than the server accepts (\(limit) bytes)")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        let upload = try await registry.pool.run { try SnapshotUpload(in: registry.directory) }
        var pending = ByteBuffer()
        var received = 0
        func flush() async throws {
            let piece = pending
            pending = ByteBuffer()
            try await registry.pool.run { try piece.withUnsafeReadableBytes { try upload.write($0) } }
        }
        for try await chunk in request.body {
            guard chunk.readableBytes <= limit - received else { throw tooLarge }
            received += chunk.readableBytes
            var chunk = chunk
            pending.writeBuffer(&chunk)
            if pending.readableBytes >= uploadPiece { try await flush() }
        }
        try await flush()
        return upload
    }
}

extension CheckpointReport: ResponseEncodable {}
extension SnapshotInfo: ResponseEncodable {}
