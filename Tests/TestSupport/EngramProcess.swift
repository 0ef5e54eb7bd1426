import Foundation

/// Programs the tests run to completion: the built `engram` binary, and helpers such as python3,
/// curl and openssl. (A server kept running is a `ServerProcess`.)
package enum EngramProcess {
    /// The output of a program that ran to completion.
    package struct Completed: Sendable {
        package let status: Int32
        package let stdout: String
        package let stderr: String
        /// stdout then stderr.
        package var output: String { stdout + stderr }
    }

    /// The built `engram` binary: $ENGRAM_BINARY, or beside the test runner in the build directory.
    package static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["ENGRAM_BINARY"] { return URL(fileURLWithPath: path) }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let directory = [runner, Bundle.main.bundleURL].first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("engram").path) } ?? runner
        return directory.appendingPathComponent("engram")
    }

    /// Runs the `engram` binary with `arguments` to completion.
    package static func engram(_ arguments: [String], environment: [String: String] = [:]) throws -> Completed {
        try run([binary.path] + arguments, environment: environment)
    }

    /// Runs `arguments` (the program looked up on the PATH, or a path) with `environment` added to this
    /// process's, to completion. An absent program gives status 127.
    package static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Completed {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Completed(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
