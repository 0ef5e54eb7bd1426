import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
@testable import Server
@testable import Store

/// An in-process Engram (HummingbirdTesting's router framework) on a fresh data directory (removed
/// when the last copy of this app goes) or the one given, and JSON helpers.
struct TestApp {
    let service: EngramService
    /// The data directory.
    let data: URL
    /// The data directory when this app made it up.
    private let ownData: TemporaryDirectory?

    init(recallThreads: Int = 1, data: URL? = nil, policy: AccessPolicy = .open, limits: Limits = Limits(),
         maxBatch: Int = RowProducts.smallBatchLimit, batchDelay: Duration = .microseconds(300)) throws {
        ownData = data == nil ? try TemporaryDirectory("app") : nil
        self.data = data ?? ownData!.url
        let registry = try StoreRegistry.open(DataDirectory(self.data), checkpointBytes: 0, limits: limits).registry
        service = EngramService(
            stores: StoreHost(registry: registry), recalls: ComputePool(width: recallThreads, queue: limits.maxQueuedRecalls),
            metrics: ServerMetrics(), openAPI: try EngramService.bundledOpenAPI(), limits: limits, policy: policy, maxBatch: maxBatch, batchDelay: batchDelay)
    }

    /// An app over `service` as it is (e.g. still recovering).
    init(service: EngramService) {
        self.service = service
        data = URL(fileURLWithPath: "/nonexistent")
        ownData = nil
    }

    /// The registry behind the app.
    var registry: StoreRegistry { service.stores.ready! }

    /// Runs `body` against the app: in process (`.router`), or over one keep-alive HTTP connection (`.live`).
    func run(_ setup: TestingSetup = .router, _ body: @Sendable @escaping (Client) async throws -> Void) async throws {
        let app = Application(router: Router.engram(service), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(setup) { client in try await body(Client(client: client)) }
    }

    /// A response: status, headers and the body parsed as JSON (nil when it is not JSON).
    struct Reply: @unchecked Sendable {
        let status: Int
        let contentType: String
        let requestID: String
        let text: String
        let json: Any?
        /// The body's bytes.
        var body = Data()
        /// The response headers.
        var headers: HTTPFields = [:]

        /// The body as a JSON object.
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        /// The problem's detail, for error responses.
        var detail: String { object["detail"] as? String ?? "" }
    }

    struct Client: Sendable {
        let client: any TestClientProtocol

        /// Sends `body` (a JSON value, raw text when a String, raw bytes when Data), with `headers`, and
        /// parses the reply.
        @discardableResult
        func send(_ method: HTTPRequest.Method, _ uri: String, _ body: Any? = nil, headers: HTTPFields = [:]) async throws -> Reply {
            let buffer: ByteBuffer? = try body.map { value in
                if let text = value as? String { return ByteBuffer(string: text) }
                if let data = value as? Data { return ByteBuffer(bytes: data) }
                return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: value))
            }
            return try await client.execute(uri: uri, method: method, headers: headers, body: buffer) { response in
                let text = String(buffer: response.body)
                let json = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
                return Reply(
                    status: Int(response.status.code), contentType: response.headers[.contentType] ?? "",
                    requestID: response.headers[.init("X-Request-Id")!] ?? "", text: text, json: json, body: Data(buffer: response.body),
                    headers: response.headers)
            }
        }
    }
}

/// Numbers from a JSON array.
func floats(_ value: Any?) -> [Float] { (value as? [Any] ?? []).map { Float(($0 as? NSNumber)?.doubleValue ?? .nan) } }
/// Rows of numbers from a JSON array of arrays.
func floatRows(_ value: Any?) -> [[Float]] { (value as? [Any] ?? []).map { floats($0) } }
