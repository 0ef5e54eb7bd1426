/// Why bytes are not a valid safetensors file, said for a person inspecting the file.
package struct SafeTensorsError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
