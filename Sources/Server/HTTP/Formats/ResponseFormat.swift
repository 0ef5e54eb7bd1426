import Hummingbird

/// The encoding of a recall's or energy's answer, negotiated from the Accept header (RFC 9110 §12.5.1):
/// each candidate takes the q of the most specific range that matches it, the highest q wins, and JSON
/// wins ties. No Accept (or an empty one), or `*/*`, is JSON.
enum ResponseFormat: CaseIterable {
    /// `application/json`, as the JSON response types describe.
    case json
    /// `application/x-npz`: an archive of every array of the answer (see `ArrayResponse`).
    case npz
    /// `application/x-npy`: the answer's main array alone (recall: the states; energy: the energies).
    case npy

    /// The media type.
    var mediaType: String {
        switch self {
        case .json: "application/json"
        case .npz: "application/x-npz"
        case .npy: "application/x-npy"
        }
    }

    /// The format `accept` asks for; 406 when it accepts none of them.
    init(accept: String?) throws {
        guard let accept, accept.contains(where: { !$0.isWhitespace }) else { self = .json; return }
        let ranges = accept.split(separator: ",").map(MediaType.init)
        let weighted = Self.allCases.map { format in
            (format, ranges.compactMap { range in range.specificity(for: format.mediaType).map { ($0, range.quality) } }.max { $0.0 < $1.0 }?.1 ?? 0)
        }
        guard let best = weighted.max(by: { $0.1 < $1.1 }), best.1 > 0 else {
            throw Problem(.notAcceptable, "Accept '\(accept)' allows none of application/json, application/x-npy and application/x-npz")
        }
        self = best.0
    }
}
