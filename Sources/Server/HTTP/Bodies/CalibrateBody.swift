import Core

/// `POST /v1/calibrate`: the options beside `memories` [K, D] (read by `NumericBody`), as JSON fields
/// or query parameters.
struct CalibrateBody: BodyOptions {
    /// The exact energy whose fixed points the memories must be (default lse).
    var energy: EnergyFunction?

    static let names = ["energy"]

    init(query: QueryOptions) throws {
        energy = try query.list("energy").map { names in
            guard names.count == 1, let energy = EnergyFunction(rawValue: names[0]) else {
                throw Problem(.badRequest, "query parameter energy is '\(names.joined(separator: ","))': give lse or sum, once")
            }
            return energy
        }
    }
}
