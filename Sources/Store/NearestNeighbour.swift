import Core

/// The memory nearest to a recalled state (mrdam): its id, row and Euclidean distance.
package struct NearestNeighbour: Sendable, Equatable {
    package let id: String
    package let index: Int
    package let distance: Float
}
