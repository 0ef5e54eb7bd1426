import Formats

/// A response body written by `NumericJSONWriter` rather than Codable (see `JSONResponse.numeric`).
protocol NumericJSONEncodable: Sendable {
    /// About how many bytes the JSON takes: the buffer's first capacity.
    var estimatedBytes: Int { get }

    /// Writes the body, one JSON object.
    func write(to json: inout NumericJSONWriter)
}
