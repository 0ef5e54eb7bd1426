extension String {
    /// This text padded with spaces to at least `width` characters (a column of a benchmark's table).
    func padded(_ width: Int) -> String { padding(toLength: Swift.max(width, count), withPad: " ", startingAt: 0) }
}
