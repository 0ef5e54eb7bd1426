import Core

/// `POST /v1/calibrate`: the options beside `memories` [K, D] (JSON).
struct CalibrateBody: JSONFields {
    /// The exact energy whose fixed points the memories must be (default lse).
    var energy: EnergyFunction?

    static let names = ["energy"]
}
