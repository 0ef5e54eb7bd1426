import Synchronization

/// The ids of an mrdam version's rows, in row order: the first `count` entries of an append-only
/// index shared by the versions of a store, so that adding rows costs O(rows added), not O(K).
/// Every id in an index is unique, and an entry once written never changes.
package struct MemoryIDs: Sendable {
    private let index: Index
    /// Rows this version has.
    package let count: Int

    /// No ids.
    init() { self.init(index: Index(names: []), count: 0) }

    /// The ids `names`, in row order (unique).
    init(_ names: [String]) { self.init(index: Index(names: names), count: names.count) }

    private init(index: Index, count: Int) {
        self.index = index
        self.count = count
    }

    /// The id of row `row`.
    package subscript(row: Int) -> String {
        precondition(row >= 0 && row < count, "MemoryIDs: row \(row) of \(count)")
        return index.state.withLock { $0.names[row] }
    }

    /// The row of `id`, or nil when this version has no such id.
    package func row(of id: String) -> Int? {
        guard let row = index.state.withLock({ $0.rows[id] }), row < count else { return nil }
        return row
    }

    /// Every id, in row order.
    package var all: [String] { index.state.withLock { Array($0.names.prefix(count)) } }

    /// These ids followed by `new` (unique and not among these): appended in place when this version
    /// is the newest on its index, copied otherwise.
    func appending(_ new: [String]) -> MemoryIDs {
        let appended = index.state.withLock { state -> Bool in
            guard state.names.count == count else { return false }
            for (offset, id) in new.enumerated() { state.rows[id] = count + offset }
            state.names.append(contentsOf: new)
            return true
        }
        return appended ? MemoryIDs(index: index, count: count + new.count) : MemoryIDs(all + new)
    }

    /// The ids of rows `rows` (ascending), in a new index.
    func keeping(rows: [Int]) -> MemoryIDs {
        let names = index.state.withLock { state in rows.map { state.names[$0] } }
        return MemoryIDs(names)
    }

    /// The shared storage: names in row order and the row of each name.
    private final class Index: Sendable {
        let state: Mutex<(names: [String], rows: [String: Int])>
        init(names: [String]) {
            state = Mutex((names, Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })))
        }
    }
}
