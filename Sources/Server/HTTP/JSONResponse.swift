import Foundation
import Hummingbird
import Store

/// Large JSON bodies built off Swift's cooperative pool, whose threads (one per core) also serve
/// `/healthz` and every other request: converting millions of numbers there would hold them all up.
enum JSONResponse {
    /// A 200 response with `value` encoded by `context`'s encoder on a background thread.
    static func encoded<T: Encodable & Sendable>(_ value: T, context: EngramRequestContext) async throws -> Response {
        let encoder = context.responseEncoder
        let data = try await Background.run { try encoder.encode(value) }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
