/// `id_pairs: [LIN/02]`: X12 segments such as LIN and PO1 list product IDs as qualifier/value pairs (LIN02/03,
/// 04/05, …) whose order varies from partner to partner, and the first pair is mandatory. A binding names its
/// qualifier at a home position (`LIN[02=UP]/03`, `LIN[04=MG]/05`); on read the qualifier is found in any pair,
/// and on write the pairs present are packed from the first position, so a line without a UPC is
/// `LIN*1*MG*CABLE-CAT6` rather than a LIN whose mandatory first pair is empty.
enum IDPairs {
    /// Reads the declaration and marks every binding path that reads or writes a pair.
    static func resolve(_ node: MappingNode?, bindings: inout [Binding], file: String) throws(MappingError) -> [String: Int] {
        var starts: [String: Int] = [:]
        for item in node?.items ?? [] {
            guard let text = item.text, let path = EDIPath.parse(text), let tag = path.segment, path.predicates.isEmpty,
                  let element = path.element, path.component == nil, element >= 1
            else {
                throw .definition(file: file, line: item.line, message: "an id_pairs entry is a segment and the element its pairs start at (`LIN/02`)")
            }
            starts[tag] = element
        }
        guard !starts.isEmpty else { return starts }
        var homes: [String: [String: Int]] = [:]  // tag → qualifier → home position
        try mark(&bindings, starts: starts, homes: &homes, file: file)
        return starts
    }

    private static func mark(
        _ bindings: inout [Binding], starts: [String: Int], homes: inout [String: [String: Int]], file: String
    ) throws(MappingError) {
        for index in bindings.indices {
            try mark(&bindings[index].children, starts: starts, homes: &homes, file: file)
            guard case var .edi(path)? = bindings[index].path, let tag = path.segment, let start = starts[tag] else { continue }
            let inPairs = path.predicates.filter { $0.element >= start }
            guard !inPairs.isEmpty else { continue }
            let binding = bindings[index]
            guard inPairs.count == 1, let qualifier = inPairs.first, qualifier.component == 0, (qualifier.element - start) % 2 == 0,
                  path.element == qualifier.element + 1, path.component == nil
            else {
                throw .definition(file: file, line: binding.line, message:
                    "binding \(binding.id): \(tag) holds qualifier/value pairs from \(tag)\(pad(start)); name one qualifier and read its partner (`\(tag)[\(pad(start))=UP]/\(pad(start + 1))`)")
            }
            for value in qualifier.values {
                if let home = homes[tag]?[value], home != qualifier.element {
                    throw .definition(file: file, line: binding.line, message:
                        "binding \(binding.id): qualifier \(value) already has its place at \(tag)\(pad(home))")
                }
                homes[tag, default: [:]][value] = qualifier.element
            }
            path.pairStart = start
            bindings[index].path = .edi(path)
        }
    }

    private static func pad(_ element: Int) -> String { element < 10 ? "0\(element)" : String(element) }
}

extension EDISegment {
    /// The segment with its qualifier/value pairs from `start` on moved forward over empty pairs.
    func packingPairs(from start: Int) -> EDISegment {
        guard elements.count >= start else { return self }
        var pairs: [[[String]]] = []
        var position = start
        while position <= elements.count {
            let pair = [elements[position - 1], position < elements.count ? elements[position] : [""]]
            if !pair.allSatisfy({ $0.allSatisfy(\.isEmpty) }) { pairs.append(pair) }
            position += 2
        }
        var packed = self
        packed.elements = Array(elements.prefix(start - 1)) + pairs.flatMap { $0 }
        while let last = packed.elements.last, last.allSatisfy(\.isEmpty) { packed.elements.removeLast() }
        return packed
    }
}
