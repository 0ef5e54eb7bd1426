/// Why bytes could not be read as a `.npy` array or an `.npz` archive, said so that a person can fix the file.
struct NPYError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
