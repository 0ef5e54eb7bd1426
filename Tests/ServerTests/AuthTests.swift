import Foundation
import HTTPTypes
import Hummingbird
import Testing
import TestSupport
@testable import Server
@testable import Store

/// API keys on every route: no key, a wrong key, a read-only key, a full key and a store-scoped key.
@Suite struct AuthTests {
    static let full = "full-key-0123456789", reader = "read-key-0123456789", labA = "lab-a-key-0123456789", labAReader = "lab-a-read-0123456789"

    static func policy(metricsPublic: Bool = false) throws -> AccessPolicy {
        AccessPolicy(keys: [
            try APIKey(name: "full", secret: full, role: .write),
            try APIKey(name: "reader", secret: reader, role: .read),
            try APIKey(name: "lab-a", secret: labA, role: .write, stores: ["lab-a-*"]),
            try APIKey(name: "lab-a-reader", secret: labAReader, role: .read, stores: ["lab-a-?"]),
        ], metricsPublic: metricsPublic)
    }

    /// Every route: (method, path template, body, writes). `{s}` is the store.
    static var routes: [(HTTPRequest.Method, String, Any?, Bool)] { [
        (.put, "/v1/stores/{s}", ["kind": "mrdam", "dim": 2, "beta": 1], true),
        (.get, "/v1/stores/{s}", nil, false),
        (.post, "/v1/stores/{s}/memories", ["memories": [[1, 0]], "ids": ["x"]], true),
        (.get, "/v1/stores/{s}/memories/x", nil, false),
        (.post, "/v1/stores/{s}/recall", ["queries": [[1, 0]], "depth": 2], false),
        (.post, "/v1/stores/{s}/energy", ["points": [[1, 0]]], false),
        (.post, "/v1/stores/{s}/memories/forget", ["memories": [[5, 5]]], true),
        (.post, "/v1/stores/{s}/snapshots", nil, true),
        (.get, "/v1/stores/{s}/snapshots", nil, false),
        (.get, "/v1/stores/{s}/snapshots/none.safetensors", nil, false),
        (.post, "/v1/stores/{s}/snapshots/none.safetensors/restore", nil, true),
        (.delete, "/v1/stores/{s}/snapshots/none.safetensors", nil, true),
        (.post, "/v1/stores/{s}/snapshots/upload", "not a snapshot", true),
        (.delete, "/v1/stores/{s}/memories/x", nil, true),
        (.delete, "/v1/stores/{s}", nil, true),
    ] }

    static func headers(_ key: String?, bearer: Bool = false) -> HTTPFields {
        guard let key else { return [:] }
        return bearer ? [.authorization: "Bearer \(key)"] : [HTTPField.Name("api-key")!: key]
    }

    @Test func everyRouteNeedsAValidKey() async throws {
        let policy = try Self.policy()
        try await TestApp(policy: policy).run { client in
            for (method, template, body, _) in Self.routes {
                let path = template.replacingOccurrences(of: "{s}", with: "lab-a-1")
                let none = try await client.send(method, path, body)
                #expect(none.status == 401 && none.detail.contains("API key is required") && none.headers[.wwwAuthenticate] == "Bearer", "\(method) \(path): \(none.status)")
                let wrong = try await client.send(method, path, body, headers: Self.headers("not-a-key"))
                #expect(wrong.status == 401 && wrong.detail.contains("not valid"), "\(method) \(path): \(wrong.status)")
            }
            for path in ["/v1/stores", "/v1/checkpoint", "/metrics", "/openapi.yaml"] {
                #expect(try await client.send(path == "/v1/checkpoint" ? .post : .get, path).status == 401, "\(path)")
            }
            #expect(try await client.send(.get, "/healthz").status == 200)
            #expect(try await client.send(.get, "/readyz").status == 200)
        }
    }

    /// A full key (by either header) reaches every route; a read-only key reads and recalls but every
    /// write is 403 and changes nothing.
    @Test func roles() async throws {
        let policy = try Self.policy()
        try await TestApp(policy: policy).run { client in
            for (method, template, body, writes) in Self.routes.dropLast() {
                let path = template.replacingOccurrences(of: "{s}", with: "shared")
                let read = try await client.send(method, path, body, headers: Self.headers(Self.reader))
                if writes {
                    #expect(read.status == 403 && read.detail.contains("read-only"), "\(method) \(path): \(read.status) \(read.text)")
                } else {
                    #expect(read.status != 401 && read.status != 403, "\(method) \(path): \(read.status)")
                }
                let full = try await client.send(method, path, body, headers: Self.headers(Self.full, bearer: method == .post))
                #expect(full.status != 401 && full.status != 403 && full.status < 500, "\(method) \(path): \(full.status) \(full.text)")
            }
            let info = try await client.send(.get, "/v1/stores/shared", headers: Self.headers(Self.reader))
            #expect(info.status == 200 && info.object["count"] as? Int == 0, "the reader's writes changed nothing; the full key's add and remove cancel out")
            #expect(try await client.send(.get, "/metrics", headers: Self.headers(Self.reader)).status == 200)
            #expect(try await client.send(.post, "/v1/checkpoint", headers: Self.headers(Self.reader)).status == 403)
            #expect(try await client.send(.post, "/v1/checkpoint", headers: Self.headers(Self.full)).status == 200)
        }
    }

    /// A key scoped to `lab-a-*` works on those stores only, sees only them in the list, and may not
    /// run server-wide operations; `?` matches one character.
    @Test func storeScopedKeys() async throws {
        let policy = try Self.policy()
        try await TestApp(policy: policy).run { client in
            for name in ["lab-a-1", "lab-a-22", "lab-b-1"] {
                try await client.send(.put, "/v1/stores/\(name)", ["kind": "mrdam", "dim": 2, "beta": 1], headers: Self.headers(Self.full))
            }
            for (method, template, body, _) in Self.routes {
                let other = try await client.send(method, template.replacingOccurrences(of: "{s}", with: "lab-b-1"), body, headers: Self.headers(Self.labA))
                #expect(other.status == 403 && other.detail.contains("may not use store 'lab-b-1'"), "\(method) \(template): \(other.status)")
            }
            #expect(try await client.send(.post, "/v1/stores/lab-a-22/memories", ["memories": [[1, 0]]], headers: Self.headers(Self.labA)).status == 200)
            #expect(try await client.send(.get, "/v1/stores/lab-a-22", headers: Self.headers(Self.labAReader)).status == 403, "lab-a-? is one character")
            #expect(try await client.send(.get, "/v1/stores/lab-a-1", headers: Self.headers(Self.labAReader)).status == 200)
            let list = try await client.send(.get, "/v1/stores", headers: Self.headers(Self.labA))
            #expect((list.object["stores"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["lab-a-1", "lab-a-22"])
            #expect(try await client.send(.post, "/v1/checkpoint", headers: Self.headers(Self.labA)).status == 403)
            // The router drops empty segments: `//v1/stores/x` is `/v1/stores/x`, and is checked as such.
            for (method, path) in [(HTTPRequest.Method.get, "//v1/stores/lab-b-1"), (.post, "//v1//stores/lab-b-1/memories"), (.delete, "//v1/stores/lab-b-1"), (.post, "//v1/checkpoint")] {
                let sneaky = try await client.send(method, path, method == .post ? ["memories": [[1, 0]]] : nil, headers: Self.headers(Self.labA))
                #expect(sneaky.status == 403, "\(method) \(path): \(sneaky.status)")
            }
            #expect(try await client.send(.get, "/v1/stores/lab-b-1", headers: Self.headers(Self.full)).object["count"] as? Int == 0)
        }
    }

    /// A key limited to some stores may not read /metrics (403: its counts are server-wide), but may
    /// read /v1/info (the limits its own requests meet); a key for every store reads both.
    @Test func metricsNeedAKeyForEveryStore() async throws {
        let policy = try Self.policy()
        try await TestApp(policy: policy).run { client in
            for key in [Self.labA, Self.labAReader] {
                let metrics = try await client.send(.get, "/metrics", headers: Self.headers(key))
                #expect(metrics.status == 403 && metrics.detail.contains("limited to some stores") && !metrics.text.contains("engram_"), "\(metrics.status) \(metrics.text)")
                #expect(try await client.send(.get, "/v1/info", headers: Self.headers(key)).status == 200)
            }
            for key in [Self.full, Self.reader] {
                #expect(try await client.send(.get, "/metrics", headers: Self.headers(key)).status == 200)
            }
        }
    }

    /// Protected mode's loopback test parses the address: 127.0.0.0/8 written as an IPv4 address, ::1
    /// and localhost are loopback; a name that merely starts with "127." is not.
    @Test func loopbackIsAnAddressNotAPrefix() {
        for host in ["127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST"] {
            #expect(AuthOptions.isLoopback(host), "\(host)")
        }
        for host in ["127.example.org", "127.0.0.1.example.org", "127.", "128.0.0.1", "0.0.0.0", "::", "::2", "[::1", "10.0.0.1", "example.org", "", "localhost.example.org"] {
            #expect(!AuthOptions.isLoopback(host), "\(host)")
        }
    }

    @Test func metricsCanBePublic() async throws {
        let policy = try Self.policy(metricsPublic: true)
        try await TestApp(policy: policy).run { client in
            let metrics = try await client.send(.get, "/metrics"), stores = try await client.send(.get, "/v1/stores")
            #expect(metrics.status == 200 && stores.status == 401)
        }
    }

    /// Keys load from the environment's values, files holding them (container secrets) and a JSON
    /// keys file; bad configurations are refused with the reason.
    @Test func keysLoad() throws {
        let directory = try TemporaryDirectory("keys")
        let keyFile = directory.file("key"), keysFile = directory.file("keys.json")
        try "secret-from-file\n".write(to: keyFile, atomically: true, encoding: .utf8)
        try #"{"keys": [{"name": "lab-a", "key": "lab-a-secret", "role": "read", "stores": ["lab-a-*"]}, {"key": "other", "role": "write"}]}"#
            .write(to: keysFile, atomically: true, encoding: .utf8)
        let policy = try AccessPolicy.load(apiKey: nil, apiKeyFile: keyFile.path, readOnlyKey: "reader", readOnlyKeyFile: nil, keysFile: keysFile.path, metricsPublic: false)
        #expect(policy.keys.map(\.name) == ["api-key", "read-only-api-key", "lab-a", "key 2"])
        #expect(policy.authenticate("secret-from-file")?.role == .write && policy.authenticate("reader")?.role == .read)
        #expect(policy.authenticate("lab-a-secret")?.allows(store: "lab-a-x") == true && policy.authenticate("lab-a-secret")?.allows(store: "lab-b") == false)
        #expect(policy.authenticate("secret-from-file\n") == nil && policy.authenticate("") == nil)
        try #"{"keys": [{"key": "x", "role": "admin"}]}"#.write(to: keysFile, atomically: true, encoding: .utf8)
        #expect(throws: KeyConfigurationError.self) { try AccessPolicy.load(apiKey: nil, apiKeyFile: nil, readOnlyKey: nil, readOnlyKeyFile: nil, keysFile: keysFile.path, metricsPublic: false) }
        #expect(throws: KeyConfigurationError.self) { try AccessPolicy.load(apiKey: "same", apiKeyFile: nil, readOnlyKey: "same", readOnlyKeyFile: nil, keysFile: nil, metricsPublic: false) }
        #expect(throws: KeyConfigurationError.self) { try AccessPolicy.load(apiKey: "has space", apiKeyFile: nil, readOnlyKey: nil, readOnlyKeyFile: nil, keysFile: nil, metricsPublic: false) }
        #expect(throws: KeyConfigurationError.self) { try AccessPolicy.load(apiKey: nil, apiKeyFile: nil, readOnlyKey: nil, readOnlyKeyFile: nil, keysFile: "/x/keys.toml", metricsPublic: false) }
    }
}
