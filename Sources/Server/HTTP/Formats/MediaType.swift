import Foundation

/// One media type or range of a Content-Type or Accept header: `type/subtype` in lower case, and its
/// q value (1 unless given; an Accept range's weight).
struct MediaType {
    /// `type/subtype`, lower case: e.g. `application/x-npy`, `application/*`, `*/*`.
    let type: String
    /// The `q` parameter, 0 to 1.
    let quality: Double

    /// Parses `text`, e.g. `application/json; charset=utf-8` or `application/x-npz;q=0.5`; a q that
    /// does not parse counts as 1.
    init(_ text: some StringProtocol) {
        let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        type = parts.first ?? ""
        let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) }
        quality = min(1, max(0, q ?? 1))
    }

    /// How specifically this range matches `candidate` (a full `type/subtype`): 3 exactly, 2 by
    /// `type/*`, 1 by `*/*`, nil not at all.
    func specificity(for candidate: String) -> Int? {
        if type == candidate { return 3 }
        if type == "*/*" { return 1 }
        if type.hasSuffix("/*"), candidate.hasPrefix(type.dropLast()) { return 2 }
        return nil
    }
}
