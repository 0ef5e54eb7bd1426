import Hummingbird

/// The answer to a β calibration.
struct CalibrationResponse: ResponseEncodable {
    /// The smallest β of the search at which every memory is a fixed point of the exact energy (as the
    /// store keeps it: a Float).
    var beta: Float
    /// Bisection steps taken (at most 40).
    var steps: Int
    /// Whether the store's β was set to it.
    var set: Bool
}
