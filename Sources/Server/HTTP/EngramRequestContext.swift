import Foundation
import Hummingbird

/// The request context of Engram's routes: bodies up to `maxBodyBytes`, and JSON responses that write
/// a non-finite number (a diverging descent, an energy of +∞) as the string "Infinity", "-Infinity" or
/// "NaN" rather than failing, and dates in ISO 8601.
struct EngramRequestContext: RequestContext {
    /// The largest request body accepted, in bytes (64 MiB); larger bodies get 413.
    static let maxBodyBytes = 64 << 20

    var coreContext: CoreRequestContextStorage

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
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
