import Store

/// The memory nearest to a recalled state (mrdam).
struct NearestBody: Encodable {
    var id: String
    var index: Int
    var distance: Float

    init(_ nearest: NearestNeighbour) {
        id = nearest.id
        index = nearest.index
        distance = nearest.distance
    }
}
