import Formats
import Foundation
import Hummingbird
import Store

extension Request {
    /// The body, at most `limit` bytes: 413 before reading when Content-Length says more, or as soon
    /// as more arrives.
    func collectBody(upTo limit: Int) async throws -> ByteBuffer {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit { throw Self.tooLarge(limit) }
        do {
            return try await body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Self.tooLarge(limit)
        }
    }

    private static func tooLarge(_ limit: Int) -> Problem {
        Problem(.contentTooLarge, "the request body is larger than the server accepts (\(limit) bytes)")
    }

    /// Decodes the JSON body (at most `limit` bytes, else 413) as `T`; a body that is not JSON, or has
    /// the wrong types, is a 400 problem saying where.
    func decodeJSON<T: Decodable>(as type: T.Type, limit: Int) async throws -> T {
        try Self.decode(T.self, from: Data(buffer: try await collectBody(upTo: limit)))
    }

    /// Decodes a JSON body whose numeric `fields` go through `NumericJSON` (rows checked against
    /// `maxRows` and `dim` as they arrive) and whose other fields decode as `T`; parsed by `parser`.
    func decodeNumeric<T: Decodable>(as type: T.Type, fields: [String: NumericJSON.Kind], maxRows: Int, dim: Int, limit: Int,
                                     parser: BodyParser) async throws -> (options: T, numbers: NumericJSON) {
        let buffer = try await collectBody(upTo: limit)
        // A large body is parsed on the work pool: 64 MiB must not hold a thread that serves HTTP.
        let numbers = try await parser.run(converting: buffer.readableBytes) { interrupt in
            try buffer.withUnsafeReadableBytes { try NumericJSON($0, fields: fields, maxRows: maxRows, dim: dim, interrupt: interrupt) }
        }
        return (try Self.decode(T.self, from: numbers.rest), numbers)
    }

    private static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Problem(decoding: error)
        }
    }
}
