import Foundation

/// The API keys the server accepts. With none, every route is open (allowed only on a loopback
/// address, or with `--insecure-no-auth`).
struct AccessPolicy: Sendable {
    let keys: [APIKey]
    /// Whether `/metrics` answers without a key when keys are set.
    let metricsPublic: Bool

    /// No keys: every route open.
    static let open = AccessPolicy(keys: [], metricsPublic: true)

    /// Whether requests need a key.
    var requiresKeys: Bool { !keys.isEmpty }

    /// The key whose secret is `presented`, comparing SHA-256 digests in constant time against every
    /// key (the time taken does not depend on which key, or how much of one, matched).
    func authenticate(_ presented: String) -> APIKey? {
        let digest = APIKey.digest(presented)
        var found: APIKey?
        for key in keys {
            var difference: UInt8 = 0
            for (a, b) in zip(key.digest, digest) { difference |= a ^ b }
            if difference == 0 { found = key }
        }
        return found
    }

    /// The JSON keys file: `{"keys": [{"name": "lab-a", "key": "…", "role": "read"|"write",
    /// "stores": ["lab-a-*"]}]}` (`stores` defaults to every store, `name` to the key's position).
    struct KeysFile: Decodable {
        struct Entry: Decodable {
            var name: String?
            var key: String
            var role: APIKey.Role
            var stores: [String]?
        }
        var keys: [Entry]
    }

    /// The keys from the environment and files: a full-access key, a read-only key (each given
    /// directly or as a file holding it, as container secrets are), and a keys file of scoped keys.
    static func load(apiKey: String?, apiKeyFile: String?, readOnlyKey: String?, readOnlyKeyFile: String?, keysFile: String?, metricsPublic: Bool) throws -> AccessPolicy {
        func secret(_ value: String?, file: String?, what: String) throws -> String? {
            if let file {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw KeyConfigurationError("cannot read the \(what) file \(file)") }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return value
        }
        var keys: [APIKey] = []
        if let full = try secret(apiKey, file: apiKeyFile, what: "API key") { keys.append(try APIKey(name: "api-key", secret: full, role: .write)) }
        if let read = try secret(readOnlyKey, file: readOnlyKeyFile, what: "read-only API key") { keys.append(try APIKey(name: "read-only-api-key", secret: read, role: .read)) }
        if let keysFile {
            guard !keysFile.lowercased().hasSuffix(".toml") else {
                throw KeyConfigurationError("\(keysFile): TOML keys files are not supported yet; write the same keys as JSON ({\"keys\": [{\"name\", \"key\", \"role\", \"stores\"}]})")
            }
            guard let data = FileManager.default.contents(atPath: keysFile) else { throw KeyConfigurationError("cannot read the keys file \(keysFile)") }
            let file: KeysFile
            do { file = try JSONDecoder().decode(KeysFile.self, from: data) } catch {
                throw KeyConfigurationError("the keys file \(keysFile) is not valid: \(error)")
            }
            for (i, entry) in file.keys.enumerated() {
                keys.append(try APIKey(name: entry.name ?? "key \(i + 1)", secret: entry.key, role: entry.role, stores: entry.stores ?? ["*"]))
            }
        }
        guard Set(keys.map(\.digest)).count == keys.count else { throw KeyConfigurationError("the same key is given twice") }
        return AccessPolicy(keys: keys, metricsPublic: metricsPublic)
    }
}
