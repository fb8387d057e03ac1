extension AsyncSequence {
    /// Every element, in order: for the small, bounded result sets of the health reports.
    func array() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
