import Core
import Foundation

/// What one log record does to its store: self-describing, so that a log can be read (and replayed)
/// without anything else.
package enum LogEntry: Sendable, Equatable {
    /// The store was created with this resolved configuration (seed included).
    case create(StoreConfiguration)
    /// The store was deleted.
    case delete
    /// A write to the store.
    case mutation(StoreMutation)
    /// The store became exactly the snapshot in these safetensors bytes (restore or upload).
    case replace(Data)

    /// The record kind byte of the frame header.
    var kind: UInt8 {
        switch self {
        case .create: 1
        case .delete: 2
        case .mutation(.add): 3
        case .mutation(.forget): 4
        case .mutation(.remove): 5
        case .replace: 6
        case .mutation(.setBeta): 7
        }
    }

    /// `body` with the payload bytes: a replace's snapshot bytes themselves (no copy of a snapshot of up
    /// to a GiB), the encoded `payload()` otherwise.
    func withPayload<T>(_ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        if case .replace(let bytes) = self { return try bytes.withUnsafeBytes(body) }
        return try payload().withUnsafeBytes(body)
    }

    /// The payload bytes (little-endian; see `decode`).
    func payload() throws -> [UInt8] {
        var out = ByteWriter()
        switch self {
        case .create(let configuration):
            out.write(String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self))
        case .delete:
            break
        case .mutation(.add(let memories, let ids, let nextID)):
            out = ByteWriter(capacity: 16 + 4 * memories.values.count)
            Self.write(memories, to: &out)
            out.write(UInt32(ids.count))
            for id in ids { out.write(id) }
            out.write(nextID)
        case .mutation(.forget(let memories)):
            Self.write(memories, to: &out)
        case .mutation(.remove(let id)):
            out.write(id)
        case .mutation(.setBeta(let beta)):
            out.write(beta.bitPattern)
        case .replace(let bytes):
            bytes.withUnsafeBytes { out.write(raw: $0) }
        }
        return out.bytes
    }

    /// The entry of record kind `kind` from its payload; throws `LogFormatError` for bytes that do not decode.
    static func decode(kind: UInt8, payload: UnsafeRawBufferPointer) throws -> LogEntry {
        var reader = ByteReader(payload)
        let entry: LogEntry
        switch kind {
        case 1:
            let json = try reader.readString()
            do {
                entry = .create(try JSONDecoder().decode(StoreConfiguration.self, from: Data(json.utf8)))
            } catch {
                throw LogFormatError("create record: the configuration does not decode (\(error))")
            }
        case 2: entry = .delete
        case 3:
            let memories = try readMatrix(&reader)
            let count = Int(try reader.read(UInt32.self))
            guard count <= reader.remaining / 4 else { throw LogFormatError("add record: \(count) ids do not fit") }
            let ids = try (0..<count).map { _ in try reader.readString() }
            entry = .mutation(.add(memories, ids: ids, nextID: try reader.read(UInt64.self)))
        case 4: entry = .mutation(.forget(try readMatrix(&reader)))
        case 5: entry = .mutation(.remove(id: try reader.readString()))
        case 6: entry = .replace(Data(try reader.readRaw(reader.remaining)))
        case 7: entry = .mutation(.setBeta(Float(bitPattern: try reader.read(UInt32.self))))
        default: throw LogFormatError("unknown record kind \(kind)")
        }
        guard reader.remaining == 0 else { throw LogFormatError("record kind \(kind) has \(reader.remaining) bytes left over") }
        return entry
    }

    private static func write(_ m: Matrix, to out: inout ByteWriter) {
        out.write(UInt32(m.rows))
        out.write(UInt32(m.cols))
        out.write(floats: m.values)
    }

    private static func readMatrix(_ reader: inout ByteReader) throws -> Matrix {
        let rows = Int(try reader.read(UInt32.self)), cols = Int(try reader.read(UInt32.self))
        guard cols == 0 || rows <= reader.remaining / 4 / cols else { throw LogFormatError("a [\(rows), \(cols)] matrix does not fit in the record") }
        return Matrix(rows: rows, cols: cols, values: try reader.readFloats(rows * cols))
    }
}
