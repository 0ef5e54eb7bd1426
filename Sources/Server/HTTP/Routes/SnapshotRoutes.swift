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
            let buffer = try await request.collectBody(upTo: service.limits.maxSnapshotBytes)
            let (store, created) = try await registry.replace(name: name, snapshot: Data(buffer: buffer))
            service.changed()
            context.logger.info("uploaded snapshot", metadata: ["store": "\(name)", "bytes": "\(buffer.readableBytes)"])
            return EditedResponse(status: created ? .created : .ok, response: StoreInfo(name: name, state: store.state))
        }
        router.post("/v1/checkpoint") { _, context in
            let report = try await service.registry().checkpoint()
            context.logger.info("checkpoint", metadata: ["sequence": "\(report.sequence)", "written": "\(report.written)"])
            return report
        }
    }
}

extension CheckpointReport: ResponseEncodable {}
extension SnapshotInfo: ResponseEncodable {}
