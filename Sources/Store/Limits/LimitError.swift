/// A limit set to something it cannot be: not a number of its type, or out of its range. The
/// message names the flag, the environment variable and the range.
package struct LimitError: Error, Equatable, CustomStringConvertible {
    package let description: String

    package init(_ description: String) { self.description = description }
}
