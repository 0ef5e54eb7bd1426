/// A store-name pattern of an API key: `*` matches any run of bytes (none included), `?` exactly one,
/// every other byte itself. Matching is the greedy two-pointer glob match: it remembers only the
/// last `*` and, on a mismatch, retries from one byte further in the name, so a name of n bytes and
/// a pattern of m take at most (n + 1)·(m + 2) steps: linear in the name for a key's fixed pattern,
/// however many `*` it has (a recursive match takes a power of n for each `*`).
struct StorePattern: Sendable {
    /// The pattern's bytes, UTF-8.
    let bytes: [UInt8]

    init(_ pattern: String) { bytes = Array(pattern.utf8) }

    /// Whether `name` matches the whole pattern.
    func matches(_ name: String) -> Bool {
        var steps = 0
        return matches(Array(name.utf8), steps: &steps)
    }

    /// Whether `name` (UTF-8) matches the whole pattern, adding to `steps` one per comparison made.
    func matches(_ name: [UInt8], steps: inout Int) -> Bool {
        var n = 0, p = 0
        // The pattern position after the last `*` seen, and the name position that `*` was tried up to.
        var star: (pattern: Int, name: Int)?
        while n < name.count {
            steps += 1
            if p < bytes.count, bytes[p] == UInt8(ascii: "*") {
                star = (p + 1, n)
                p += 1
            } else if p < bytes.count, bytes[p] == UInt8(ascii: "?") || bytes[p] == name[n] {
                p += 1
                n += 1
            } else if let last = star {
                // The last `*` takes one more byte of the name; everything after it is tried again.
                star = (last.pattern, last.name + 1)
                p = last.pattern
                n = last.name + 1
            } else {
                return false
            }
        }
        // The name is used up: what is left of the pattern must be all `*`.
        while p < bytes.count, bytes[p] == UInt8(ascii: "*") {
            steps += 1
            p += 1
        }
        return p == bytes.count
    }
}
