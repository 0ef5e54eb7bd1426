/// The version of Engram, the one place it is written: `engram --version` prints it, `GET /v1/info`
/// reports it, and openapi.yaml's `info.version` must equal it (a test checks).
enum EngramVersion {
    static let current = "0.1.0"
}
