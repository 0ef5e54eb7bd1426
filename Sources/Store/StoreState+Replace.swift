extension StoreState {
    /// The state after a restore or upload of `image` onto this one: exactly `image`'s configuration and
    /// memories, the next version (versions only grow), and an id counter that never goes back (so an
    /// id assigned before is never assigned again).
    func replaced(by image: StoreState) -> StoreState {
        StoreState(configuration: image.configuration, version: version + 1, model: image.model, ids: image.ids,
                   nextID: Swift.max(nextID, image.nextID), sequence: sequence)
    }
}
