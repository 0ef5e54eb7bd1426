import Core
import Formats
import Hummingbird
import Store

/// A request's vectors [rows, dim], its clamp mask (recall) and its options, whichever the body's codec
/// (`BodyCodec`):
/// - JSON: the field `field` ([[number]]) and `clamp`, read by `NumericJSON`; the other fields are the
///   options, and the query string must be empty.
/// - `.npy`: the whole body is the vectors, float32 or float64 [rows, dim]; the options are query
///   parameters.
/// - `.npz`: the entry `<field>.npy` is the vectors (as above) and `clamp.npy` the clamp mask, bool
///   [dim] or [rows, dim]; the options are query parameters.
///
/// Every limit is checked before what it guards is allocated: the body's bytes (413), and, from the
/// `.npy` header before its data is converted, the rows against `maxRows` and their length against
/// `dim` (422). A malformed file, a dtype other than float32/float64 (bool for the clamp mask) and a
/// vectors array that is not 2-D are 400 naming what is wrong; NaN or infinite numbers are 422.
struct NumericBody<Options: BodyOptions> {
    var options: Options
    /// The vectors [rows, dim].
    var matrix: Matrix
    /// The clamp mask; `.none` when none came (always, when the route takes none).
    var clamp: ClampMask

    /// Reads `request`'s body of at most `limit` bytes, parsed by `parser`; `takesClamp` says whether a
    /// clamp mask may come. With `dim` nil the vectors may have any one length (the first row's).
    init(_ request: Request, parser: BodyParser, field: String, takesClamp: Bool = false, maxRows: Int, dim: Int?, limit: Int) async throws {
        let codec = try BodyCodec(contentType: request.headers[.contentType])
        let query = try QueryOptions(request.uri, accepting: Options.names)
        guard codec != .json else {
            if let name = query.names.first {
                throw Problem(.badRequest, "query parameter \(name) goes with an .npy or .npz body: a JSON body carries its options as fields")
            }
            let fields: [String: NumericJSON.Kind] = takesClamp ? [field: .matrix, "clamp": .mask] : [field: .matrix]
            let (options, numbers) = try await request.decodeNumeric(as: Options.self, fields: fields, maxRows: maxRows, dim: dim, limit: limit, parser: parser)
            self.options = options
            matrix = try numbers.required(field).matrix
            clamp = try numbers.masks["clamp"]?.clamp(batch: matrix.rows, dim: matrix.cols) ?? .none
            return
        }
        options = try Options(query: query)
        let buffer = try await request.collectBody(upTo: limit)
        // A large body is converted on the work pool, as JSON is parsed: 64 MiB must not hold a thread that serves HTTP.
        (matrix, clamp) = try await parser.run(converting: buffer.readableBytes) { interrupt in
            try buffer.withUnsafeReadableBytes { bytes in
                codec == .npy
                    ? (try Self.matrix(bytes, field: field, source: "the .npy body", maxRows: maxRows, dim: dim, interrupt: interrupt), ClampMask.none)
                    : try Self.archive(bytes, field: field, takesClamp: takesClamp, maxRows: maxRows, dim: dim, interrupt: interrupt)
            }
        }
    }

    /// The vectors and clamp mask of an `.npz` body; `interrupt` is called about every MiB and throws to stop.
    private static func archive(_ bytes: UnsafeRawBufferPointer, field: String, takesClamp: Bool, maxRows: Int, dim: Int?,
                                interrupt: () throws -> Void) throws -> (Matrix, ClampMask) {
        let entries = try npy("the .npz body") { try NPZArchive.entries(bytes) { try CRC32.checksum($0, interrupt: interrupt) } }
        let expected = takesClamp ? "'\(field).npy' and optionally 'clamp.npy'" : "'\(field).npy' alone"
        if let other = entries.keys.sorted().first(where: { $0 != field && !(takesClamp && $0 == "clamp") }) {
            throw Problem(.badRequest, "the .npz body holds '\(other).npy': expected \(expected)")
        }
        guard let vectors = entries[field] else { throw Problem(.badRequest, "the .npz body has no '\(field).npy': expected \(expected)") }
        let matrix = try Self.matrix(vectors, field: field, source: "\(field).npy in the .npz body", maxRows: maxRows, dim: dim, interrupt: interrupt)
        return (matrix, try entries["clamp"].map { try Self.clamp($0, batch: matrix.rows, dim: matrix.cols) } ?? .none)
    }

    /// Vectors [rows, dim] from the `.npy` file `bytes`, checked from its header first; `interrupt` is
    /// called about every MiB converted and throws to stop.
    private static func matrix(_ bytes: UnsafeRawBufferPointer, field: String, source: String, maxRows: Int, dim: Int?,
                               interrupt: () throws -> Void) throws -> Matrix {
        let reader = try npy(source) { try NPYReader(bytes) }
        let shape = reader.header.shape
        guard reader.isFloat else {
            throw Problem(.badRequest, "\(source): \(field) must be float32 or float64 ('<f4' or '<f8'), not '\(reader.header.descr)'")
        }
        guard shape.count == 2 else { throw Problem(.badRequest, "\(source): \(field) must be 2-D [rows, \(dim.map(String.init) ?? "dim")], not of shape \(shape)") }
        guard shape[0] <= maxRows else { throw Problem(.unprocessableContent, "'\(field)' has \(shape[0]) vectors, more than the limit of \(maxRows)") }
        guard shape[0] > 0 else { throw Problem(.unprocessableContent, "'\(field)' is empty") }
        if let dim, shape[1] != dim { throw Problem(.unprocessableContent, "\(field) of shape \(shape) have \(shape[1]) numbers each; the store has dimension \(dim)") }
        let values = try npy(source) { try reader.floats(interrupt: interrupt) }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw Problem(.unprocessableContent, "\(field)[\(i / shape[1])][\(i % shape[1])] is \(values[i]): numbers must be finite")
        }
        return Matrix(rows: shape[0], cols: shape[1], values: values)
    }

    /// A clamp mask from the `.npy` file `bytes`: bool [dim] for every query or [batch, dim], one per query.
    private static func clamp(_ bytes: UnsafeRawBufferPointer, batch: Int, dim: Int) throws -> ClampMask {
        let source = "clamp.npy in the .npz body"
        let reader = try npy(source) { try NPYReader(bytes) }
        let shape = reader.header.shape
        guard reader.header.descr == "|b1" else { throw Problem(.badRequest, "\(source): clamp must be bool ('|b1'), not '\(reader.header.descr)': send mask.astype(bool)") }
        guard shape == [dim] || shape == [batch, dim] else {
            throw Problem(.unprocessableContent, "clamp has shape \(shape): expected [\(dim)] (one mask for every query) or [\(batch), \(dim)] (one per query)")
        }
        let mask = try npy(source) { try reader.floats() }.map { $0 != 0 }
        return shape.count == 1 ? .shared(mask) : .perQuery(mask)
    }

    /// `work`'s result; an `NPYError` is answered 400, naming `source`.
    private static func npy<T>(_ source: String, _ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as NPYError {
            throw Problem(.badRequest, "\(source): \(error)")
        }
    }
}
