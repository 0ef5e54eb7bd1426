import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport

extension ServerProcess {
    /// Sends `body` as JSON (raw bytes when Data; none when nil) with `key`, over real HTTP (URLSession),
    /// and returns the status and the parsed body (and its bytes, in `body`); gives up after `timeout` seconds.
    func send(_ method: String, _ path: String, _ body: Any? = nil, timeout: TimeInterval = 60) async throws -> TestApp.Reply {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let key { request.setValue(key, forHTTPHeaderField: "api-key") }
        if let body {
            request.httpBody = try (body as? Data) ?? JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return TestApp.Reply(
            status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "",
            requestID: http.value(forHTTPHeaderField: "X-Request-Id") ?? "", text: String(decoding: data, as: UTF8.self),
            json: try? JSONSerialization.jsonObject(with: data), body: data)
    }

    /// Waits (at most `timeout` seconds) for the server to report the end of recovery, then checks that
    /// `/readyz` answers 200. Needs the log level at notice or below.
    func waitUntilReady(timeout: TimeInterval = 60) async throws {
        guard await waitForOutput(#"recovered|recovery could not run"#, timeout: timeout) == "recovered" else {
            throw ServerProcessFailure("the server did not report its recovery: \(transcript)")
        }
        let reply = try await send("GET", "readyz")
        guard reply.status == 200 else { throw ServerProcessFailure("/readyz answered \(reply.status) \(reply.text) after recovery: \(transcript)") }
    }
}
