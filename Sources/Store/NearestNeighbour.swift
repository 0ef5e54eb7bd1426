import Core

/// The memory nearest to a recalled state (mrdam): its id, row and Euclidean distance.
public struct NearestNeighbour: Sendable, Equatable {
    public let id: String
    public let index: Int
    public let distance: Float
}
