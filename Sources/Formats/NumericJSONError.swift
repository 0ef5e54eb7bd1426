/// Why a body could not be read by `NumericJSON`, said so that a person can fix it.
package struct NumericJSONError: Error, CustomStringConvertible {
    /// What kind of fault: the server answers `malformed` with 400 and `outOfRange` with 422.
    package enum Kind: Sendable {
        /// Not valid JSON, or a field of the wrong type (NaN, Infinity, a number beyond float32's range).
        case malformed
        /// Valid JSON whose values break a limit or a shape: too many rows, a row of the wrong length.
        case outOfRange
    }

    package let kind: Kind
    package let description: String

    package init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
