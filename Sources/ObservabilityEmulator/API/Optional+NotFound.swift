extension Optional {
    /// The value, or `StoreError.notFound(resource, id)`: how a handler says that what it
    /// fetched must exist (the edge answers 404 with the resource's `error_code`).
    func orNotFound(_ resource: StoreError.Resource, id: String) throws -> Wrapped {
        guard let self else { throw StoreError.notFound(resource, id: id) }
        return self
    }
}
