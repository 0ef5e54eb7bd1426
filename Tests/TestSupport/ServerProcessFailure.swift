/// A server process that did not start or become ready, with what it printed.
package struct ServerProcessFailure: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) { self.description = description }
}
