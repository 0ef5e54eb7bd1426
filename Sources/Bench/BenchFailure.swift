/// Why a benchmark could not run (a missing tool, a server that did not start), said in one line.
package struct BenchFailure: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
