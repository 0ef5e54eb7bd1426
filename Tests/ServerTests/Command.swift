import Foundation

/// A program run to completion by the tests (python3, curl, openssl, the engram binary).
enum Command {
    /// Runs `arguments` (the program looked up on the PATH, or a path) with `environment` added to this
    /// process's; returns the exit status and the output (stdout and stderr together). An absent
    /// program gives status 127.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
