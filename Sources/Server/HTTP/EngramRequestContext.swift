import Foundation
import Hummingbird
import NIOCore

/// The request context of Engram's routes: the key presented, the connection's close, and JSON responses that write
/// a non-finite number (a diverging descent, an energy of +∞) as the string "Infinity", "-Infinity" or
/// "NaN" rather than failing, and dates in ISO 8601.
struct EngramRequestContext: RequestContext {
    /// The most Hummingbird itself collects; the routes collect bodies with the server's own limits.
    static let maxBodyBytes = 1 << 30

    var coreContext: CoreRequestContextStorage
    /// The API key the request presented (nil when the server takes none).
    var key: APIKey?
    /// The client's connection (a recall stops computing when it closes: `ConnectionWatch`).
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    var maxUploadSize: Int { Self.maxBodyBytes }

    var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }
}
