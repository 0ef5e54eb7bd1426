import Testing
@testable import Server

@Suite struct StorePatternTests {
    /// What the patterns mean, on names chosen by hand.
    @Test(arguments: [
        ("*", "", true), ("*", "anything", true), ("", "", true), ("", "a", false),
        ("lab-*", "lab-a", true), ("lab-*", "lab-", true), ("lab-*", "lab", false), ("lab-*", "other", false),
        ("?", "a", true), ("?", "", false), ("?", "ab", false), ("a?c", "abc", true), ("a?c", "ac", false),
        ("*a*b", "xaxxb", true), ("*a*b", "xaxxbx", false), ("a*b*c", "abc", true), ("a*b*c", "acb", false),
        ("**", "x", true), ("*?*", "", false), ("*?*", "x", true), ("a*a", "a", false), ("a*a", "aa", true),
    ])
    func matchesLikeAGlob(pattern: String, name: String, matches: Bool) {
        #expect(StorePattern(pattern).matches(name) == matches)
    }

    /// Issue 18: a name of n bytes against a pattern of m takes at most (n + 1)·(m + 2) steps, however
    /// many `*` the pattern has (the recursive matcher took C(n, stars) and more: 30 000-byte names froze
    /// the server).
    @Test(arguments: [("*a*a*a*a*b", 30_000), ("*a*a*a*a*b", 300), ("*aaaaaaaaab", 30_000), ("?*?*?*?*c", 30_000)])
    func hostileNamesTakeStepsLinearInTheName(pattern: String, length: Int) {
        let name = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        var steps = 0
        #expect(!StorePattern(pattern).matches(name, steps: &steps))
        #expect(steps <= (name.count + 1) * (pattern.utf8.count + 2), "\(steps) steps")
    }

    /// A scoped key never matches a name no store can have (over 64 bytes), however its pattern reads,
    /// so a hostile name costs no matching; a key for every store allows it to reach the route (which
    /// refuses it as a name).
    @Test func keysMatchOnlyNamesAStoreCanHave() throws {
        let scoped = try APIKey(name: "scoped", secret: "scoped-secret", role: .write, stores: ["a*"])
        let every = try APIKey(name: "every", secret: "every-secret", role: .write)
        #expect(scoped.allows(store: String(repeating: "a", count: 64)))
        #expect(!scoped.allows(store: String(repeating: "a", count: 65)))
        #expect(!scoped.allows(store: String(repeating: "a", count: 30_000)))
        #expect(every.allows(store: String(repeating: "a", count: 30_000)))
    }
}
