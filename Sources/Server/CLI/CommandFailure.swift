import ArgumentParser
import Foundation

/// A failure the CLI reports as one line on stderr (`engram <command>: error: …`) and exit status 1,
/// never a crash trace.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// Runs `body`, turning any error into one line on stderr and `ExitCode.failure`.
    static func reporting(command: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            FileHandle.standardError.write(Data("engram \(command): error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
