import Core
import Crypto
import Formats
import Foundation

/// A store's state as one safetensors file (docs/durability.md), read by the Python `safetensors`
/// library as well as by Engram:
/// - mrdam: `memories` F32 [K, D] and `ids` U8 [N], the rows' ids in order, UTF-8, joined by "\n";
/// - drdam: `T` F64 [F], the Double accumulator (so a restart is bit-exact), and `count` I64 [].
/// `__metadata__` holds, as strings: `format` ("engram-store"), `format_version`, `name`, the
/// configuration (`kind`, `dim`, `beta`, `energy`; drdam also `kernel`, `features`, `seed`, `eps`,
/// `orthogonal`, `transform` for structured features only (absent means dense), and `generator`, dense
/// Ω's generator version, when it is not 1: absent means 1), `version`, `next_id`, `sequence` (the last
/// log record applied), `created`
/// (ISO 8601) and `engram_crc32`, a CRC32 of the other metadata entries (sorted `key=value` lines)
/// followed by the tensors' bytes in the order above, so that a flipped byte anywhere is caught and
/// the file may lay its tensors out in any order (as Python's `safetensors` does when it saves again).
package enum StoreSnapshot {
    static let format = "engram-store"
    static let formatVersion = "1"
    /// The tensors of each kind, in the order they are written and checksummed.
    static let tensorNames = ["mrdam": ["memories", "ids"], "drdam": ["T", "count"]]

    /// A snapshot read back.
    package struct Decoded {
        /// The name of the store it was taken from.
        package let name: String
        /// The state, features regenerated from the seed.
        package let state: StoreState
        package let created: Date
    }

    /// A snapshot written: its size and SHA-256 (hex).
    package struct Written {
        package let size: Int
        package let sha256: String
    }

    /// Writes a snapshot of `state` (store `name`) to `path` atomically (temporary file, fsync, rename,
    /// fsync of the directory), streaming the tensors from the state without copying them.
    /// `admit` sees the file's size in bytes before anything is written, and throws to refuse it (the
    /// snapshots' disk limit).
    package static func write(_ state: StoreState, name: String, created: Date, to path: String, on fileSystem: any FileSystem,
                              admitting admit: (_ bytes: Int) throws -> Void = { _ in }) throws -> Written {
        let layout = Layout(state)
        var metadata = Self.metadata(state, name: name, created: created)
        var crc = CRC32.checksum(Array(canonical(metadata).utf8))
        var tensorBytes = 0
        layout.feed {
            crc = CRC32.checksum($0, seed: crc)
            tensorBytes += $0.count
        }
        metadata["engram_crc32"] = String(crc)
        let header = try SafeTensors.header(layout.tensors, metadata: metadata).bytes
        try admit(header.count + tensorBytes)
        var hasher = SHA256()
        var size = 0
        try fileSystem.writeAtomically(to: path) { file in
            var failure: (any Error)?
            func put(_ bytes: UnsafeRawBufferPointer) {
                guard failure == nil else { return }
                do { try file.write(bytes) } catch { failure = error }
                hasher.update(bufferPointer: bytes)
                size += bytes.count
            }
            header.withUnsafeBytes { put($0) }
            layout.feed(put)
            if let failure { throw failure }
        }
        return Written(size: size, sha256: hex(hasher.finalize()))
    }

    /// The SHA-256 of `bytes`, hex.
    package static func sha256(_ bytes: Data) -> String { hex(SHA256.hash(data: bytes)) }

    private static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    /// Reads a snapshot from its bytes, checking everything (format, checksum, configuration, shapes,
    /// ids). Throws `LogFormatError` saying what is wrong.
    /// `admit` sees the configuration and the number of memories (mrdam rows; 0 for drdam) before any
    /// memory is loaded or feature generated, and throws to refuse them (an upload's limits).
    /// `interrupt` is called before each MiB checksummed and throws to stop (the client left).
    package static func decode(_ data: Data, admitting admit: (StoreConfiguration, _ memories: Int) throws -> Void = { _, _ in },
                               interrupt: () throws -> Void = {}) throws -> Decoded {
        try data.withUnsafeBytes { bytes in
            let parsed: SafeTensors.Parsed
            do {
                parsed = try SafeTensors.parse(bytes, fileSize: bytes.count)
            } catch let error as SafeTensorsError {
                throw LogFormatError(error.description)
            }
            var metadata = parsed.metadata
            guard metadata["format"] == format else { throw LogFormatError("not an Engram store snapshot (metadata 'format' is not '\(format)')") }
            guard metadata["format_version"] == formatVersion else {
                throw LogFormatError("snapshot format version \(metadata["format_version"] ?? "?") is not supported (this server reads \(formatVersion))")
            }
            guard let stored = metadata.removeValue(forKey: "engram_crc32").flatMap(UInt32.init) else { throw LogFormatError("the snapshot has no engram_crc32") }
            let dataBytes = UnsafeRawBufferPointer(rebasing: bytes[parsed.dataStart...])
            // The checksum covers the tensors in the order Engram writes them, wherever the file puts
            // them (Python's safetensors orders them its own way when it saves a file again).
            let names = metadata["kind"].flatMap { tensorNames[$0] } ?? []
            if let other = parsed.tensors.keys.sorted().first(where: { !names.contains($0) }) { throw LogFormatError("unexpected tensor '\(other)'") }
            var crc = CRC32.checksum(Array(canonical(metadata).utf8))
            for name in names {
                guard let tensor = parsed.tensors[name] else { throw LogFormatError("tensor '\(name)' is missing") }
                crc = try CRC32.checksum(UnsafeRawBufferPointer(rebasing: dataBytes[tensor.range]), seed: crc, interrupt: interrupt)
            }
            guard crc == stored else { throw LogFormatError("the snapshot's checksum does not match: the file is damaged") }
            func field(_ key: String) throws -> String {
                guard let value = metadata[key] else { throw LogFormatError("metadata '\(key)' is missing") }
                return value
            }
            func number<T: LosslessStringConvertible>(_ key: String, _: T.Type = T.self) throws -> T {
                guard let value = T(try field(key)) else { throw LogFormatError("metadata '\(key)' is not a number") }
                return value
            }
            let configuration = try Self.configuration(metadata, field: field)
            let version: UInt64 = try number("version"), nextID: UInt64 = try number("next_id"), sequence: UInt64 = try number("sequence")
            for (key, value) in [("version", version), ("next_id", nextID)] where value > StoreState.counterLimit {
                throw LogFormatError("metadata '\(key)' is \(value), over the largest a store can carry forward (\(StoreState.counterLimit))")
            }
            guard let created = ISO8601DateFormatter().date(from: try field("created")) else { throw LogFormatError("metadata 'created' is not an ISO 8601 date") }
            func tensor(_ name: String, _ dtype: String, _ shape: [Int]) throws -> UnsafeRawBufferPointer {
                guard let t = parsed.tensors[name] else { throw LogFormatError("tensor '\(name)' is missing") }
                guard t.dtype == dtype, t.shape == shape else { throw LogFormatError("tensor '\(name)' is \(t.dtype) \(t.shape), expected \(dtype) \(shape)") }
                return UnsafeRawBufferPointer(rebasing: dataBytes[t.range])
            }
            let model: StoreModel
            var ids = MemoryIDs()
            switch configuration.kind {
            case .mrdam:
                guard let k = parsed.tensors["memories"]?.shape.first else { throw LogFormatError("tensor 'memories' is missing") }
                try admit(configuration, k)
                let raw = try tensor("memories", "F32", [k, configuration.dim])
                guard let idBytes = parsed.tensors["ids"]?.shape.first else { throw LogFormatError("tensor 'ids' is missing") }
                let names = k == 0 ? [] : String(decoding: try tensor("ids", "U8", [idBytes]), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                guard names.count == k, Set(names).count == k, names.allSatisfy(StoreState.isValidID) else {
                    throw LogFormatError("tensor 'ids' does not hold \(k) distinct valid ids")
                }
                ids = MemoryIDs(names)
                do {
                    model = .exact(try ExactMemory(rowMajor: raw, rows: k, cols: configuration.dim, beta: configuration.beta, energy: configuration.energy))
                } catch {
                    throw LogFormatError("the memories are not valid: \(error)")
                }
            case .drdam(let settings):
                try admit(configuration, 0)
                let f = settings.kernel.multiplicity * settings.features
                let raw = try tensor("T", "F64", [f])
                let accumulator = (0..<f).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
                let count = Int(Int64(littleEndian: try tensor("count", "I64", []).loadUnaligned(as: Int64.self)))
                guard count >= 0, UInt64(count) <= StoreState.counterLimit else {
                    throw LogFormatError("count \(count) is negative or over the largest a store can carry forward (\(StoreState.counterLimit))")
                }
                do {
                    model = try StoreModel(dim: configuration.dim, beta: configuration.beta, energy: configuration.energy, settings: settings, accumulator: accumulator, count: count)
                } catch {
                    throw LogFormatError("T is not valid: \(error)")
                }
            }
            let state = StoreState(configuration: configuration, version: version, model: model, ids: ids, nextID: nextID, sequence: sequence)
            return Decoded(name: try field("name"), state: state, created: created)
        }
    }

    /// The configuration from the metadata (`field` gives an entry or throws when it is missing),
    /// checked as a creation request would be.
    static func configuration(_ metadata: [String: String], field: (String) throws -> String) throws -> StoreConfiguration {
        guard let kind = StoreKind(rawValue: try field("kind")), let dim = Int(try field("dim")), let beta = Float(try field("beta")),
              let energy = EnergyFunction(rawValue: try field("energy"))
        else { throw LogFormatError("the configuration in the metadata is not valid") }
        var request = RequestedConfiguration(kind: kind, dim: dim, beta: beta, energy: energy)
        if kind == .drdam {
            guard let kernel = KernelKind(rawValue: try field("kernel")), let features = Int(try field("features")), let seed = UInt64(try field("seed")),
                  let eps = Float(try field("eps")), let orthogonal = Bool(try field("orthogonal")),
                  let transform = FeatureTransform(rawValue: metadata["transform"] ?? FeatureTransform.dense.rawValue)
            else { throw LogFormatError("the drdam configuration in the metadata is not valid") }
            // Snapshots written before generator version 2 have no `generator`: they keep version 1.
            let generatorField = metadata["generator"] ?? "1"
            guard let generator = Int(generatorField).flatMap(FeatureGenerator.init(rawValue:)) else {
                throw LogFormatError("generator must be one of \(FeatureGenerator.allCases.map { String($0.rawValue) }.joined(separator: ", ")), got '\(generatorField)'")
            }
            request = RequestedConfiguration(kind: kind, dim: dim, beta: beta, energy: energy, kernel: kernel, features: features, seed: seed, eps: eps,
                                             orthogonal: orthogonal, transform: transform, generator: generator)
        }
        do {
            return try request.resolved()
        } catch let error as StoreError {
            throw LogFormatError("the configuration in the metadata is not valid: \(error)")
        }
    }

    private static func metadata(_ state: StoreState, name: String, created: Date) -> [String: String] {
        metadata(of: state.configuration).merging([
            "format": format, "format_version": formatVersion, "name": name,
            "version": String(state.version), "next_id": String(state.nextID), "sequence": String(state.sequence),
            "created": ISO8601DateFormatter().string(from: created),
        ]) { $1 }
    }

    /// The configuration's metadata entries, what `configuration(_:field:)` reads back.
    static func metadata(of c: StoreConfiguration) -> [String: String] {
        var out = ["kind": c.storeKind.rawValue, "dim": String(c.dim), "beta": String(c.beta), "energy": c.energy.rawValue]
        if let drdam = c.drdam {
            out["kernel"] = drdam.kernel.rawValue
            out["features"] = String(drdam.features)
            out["seed"] = String(drdam.seed)
            out["eps"] = String(drdam.eps)
            out["orthogonal"] = String(drdam.orthogonal)
            if drdam.transform != .dense { out["transform"] = drdam.transform.rawValue }
            if drdam.generator != .version1 { out["generator"] = String(drdam.generator.rawValue) }
        }
        return out
    }

    /// The metadata as sorted `key=value` lines: what the checksum covers besides the data.
    private static func canonical(_ metadata: [String: String]) -> String {
        metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
    }

    /// The tensors of a state and a way to hand their bytes, in order, to a sink.
    private struct Layout {
        let tensors: [(name: String, dtype: String, shape: [Int])]
        let feed: ((UnsafeRawBufferPointer) -> Void) -> Void

        init(_ state: StoreState) {
            switch state.model {
            case .exact(let exact):
                let ids = Array(state.ids.all.joined(separator: "\n").utf8)
                tensors = [("memories", "F32", [exact.count, exact.dim]), ("ids", "U8", [ids.count])]
                feed = { sink in
                    exact.withUnsafeMemories { sink(UnsafeRawBufferPointer($0)) }
                    ids.withUnsafeBytes { sink($0) }
                }
            case .distributed(let distributed):
                tensors = [("T", "F64", [distributed.accumulator.count]), ("count", "I64", [])]
                feed = { sink in
                    distributed.accumulator.withUnsafeBytes { sink($0) }
                    withUnsafeBytes(of: Int64(distributed.count).littleEndian) { sink($0) }
                }
            }
        }
    }
}
