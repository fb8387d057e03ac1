extension AsyncSequence {
    /// Every element, in order: for the short, bounded result sets of look-ups, aggregates and reports.
    func collect() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
