/// A log record or snapshot whose bytes do not decode: what is wrong, said for a person inspecting the file.
package struct LogFormatError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
