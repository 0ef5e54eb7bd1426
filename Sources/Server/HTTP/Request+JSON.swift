import Foundation
import Hummingbird

extension Request {
    /// Decodes the JSON body (at most the context's upload size, else 413) as `T`; a body that is not
    /// JSON, or has the wrong types, is a 400 problem saying where.
    func decodeJSON<T: Decodable>(as type: T.Type, context: some RequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw Problem(decoding: error)
        }
    }
}
