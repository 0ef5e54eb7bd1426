/// Why a store operation was refused; nothing was changed. The Server maps each case to an HTTP status.
package enum StoreError: Error, Equatable, CustomStringConvertible {
    /// No store (or memory) of that name or id.
    case notFound(String)
    /// The request contradicts the store's state, e.g. a different configuration under an existing name.
    case conflict(String)
    /// The request is well-formed but its values are not acceptable, e.g. vectors of the wrong dimension.
    case invalid(String)
    /// The store cannot serve now: its files failed recovery, the server is still recovering, or the
    /// log cannot be written.
    case unavailable(String)

    package var description: String {
        switch self {
        case .notFound(let message), .conflict(let message), .invalid(let message), .unavailable(let message): message
        }
    }
}
