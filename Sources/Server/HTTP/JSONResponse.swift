import Formats
import Hummingbird
import Store

/// Large JSON bodies built on the work pool, off Swift's cooperative pool, whose threads (one per core)
/// also serve `/healthz` and every other request: converting millions of numbers there would hold them all up.
enum JSONResponse {
    /// A 200 response with `value` written by `NumericJSONWriter` (on `pool` when large).
    static func numeric(_ value: some NumericJSONEncodable, on pool: WorkPool) async throws -> Response {
        let body = try await pool.run(converting: value.estimatedBytes) {
            var json = NumericJSONWriter(capacity: value.estimatedBytes)
            value.write(to: &json)
            return json.buffer
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }
}
