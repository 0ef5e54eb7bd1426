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
    /// the wrong types, is a 400 problem saying where; a field `T` does not take, or one over its
    /// bound, is a 422 naming it (`JSONFields`). An empty body is the empty object: every field
    /// takes its default (a required one is then reported missing). Scanned by `parser` (on the work
    /// pool when large).
    func decodeJSON<T: JSONFields>(as type: T.Type, limit: Int, parser: BodyParser) async throws -> T {
        let received = try await collectBody(upTo: limit)
        let buffer = received.readableBytes == 0 ? ByteBuffer(string: "{}") : received
        let scanned = try await parser.run(converting: buffer.readableBytes) { interrupt in
            try buffer.withUnsafeReadableBytes { try NumericJSON($0, fields: [:], options: T.fieldBounds(maxRows: 0), maxRows: 0, dim: nil, interrupt: interrupt) }
        }
        return try Self.options(T.self, of: scanned, numeric: [])
    }

    /// Decodes a JSON body whose numeric `fields` go through `NumericJSON` (rows checked against
    /// `maxRows` and `dim`, or the first row's length when nil, as they arrive) and whose other fields
    /// decode as `T`, parsed by `parser`; a field neither numeric nor `T`'s, or one of `T`'s over its
    /// bound, is a 422 naming it.
    func decodeNumeric<T: JSONFields>(as type: T.Type, fields: [String: NumericJSON.Kind], maxRows: Int, dim: Int?, limit: Int,
                                      parser: BodyParser) async throws -> (options: T, numbers: NumericJSON) {
        let buffer = try await collectBody(upTo: limit)
        let options = T.fieldBounds(maxRows: maxRows)
        // A large body is parsed on the work pool: 64 MiB must not hold a thread that serves HTTP.
        let numbers = try await parser.run(converting: buffer.readableBytes) { interrupt in
            try buffer.withUnsafeReadableBytes { try NumericJSON($0, fields: fields, options: options, maxRows: maxRows, dim: dim, interrupt: interrupt) }
        }
        let numeric = fields.filter { $0.value == .matrix }.keys.sorted() + fields.filter { $0.value == .mask }.keys.sorted()
        return (try Self.options(T.self, of: numbers, numeric: numeric), numbers)
    }

    /// `scanned`'s option fields decoded as `T`; 422 naming the unknown fields when it has any.
    private static func options<T: JSONFields>(_ type: T.Type, of scanned: NumericJSON, numeric: [String]) throws -> T {
        guard scanned.unknown.isEmpty else {
            let names = scanned.unknown.map { "'\($0)'" }.joined(separator: ", ") + (scanned.moreUnknown ? " and more" : "")
            let plural = scanned.unknown.count > 1 || scanned.moreUnknown ? "s" : ""
            throw Problem(.unprocessableContent, "unknown field\(plural) \(names): this route takes \((numeric + T.names).joined(separator: ", "))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: scanned.rest)
        } catch let error as DecodingError {
            throw Problem(decoding: error)
        }
    }
}
