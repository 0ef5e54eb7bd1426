/// Why bytes could not be read as a `.npy` array or an `.npz` archive, said so that a person can fix the file.
package struct NPYError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
