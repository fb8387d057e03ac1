import EDI
import Foundation

extension EDISegment {
    /// The mapping view of a segment read by the `EDI` module.
    init(_ segment: Segment) {
        self.init(tag: segment.tagText, elements: segment.elements.map { element in
            element.components.map(\.text)
        })
    }
}

extension EDITransaction {
    /// The mapping view of a transaction set read by the `EDI` module; `firstSegment` is the
    /// 1-based position of its header in the file (for error positions).
    init(_ set: TransactionSet, firstSegment: Int) {
        let segments = set.segments
        let hasTrailer = set.trailer != nil
        let body = segments.dropFirst().dropLast(hasTrailer ? 1 : 0)
        self.init(header: EDISegment(set.header), moduleSegments: Array(body), firstSegment: firstSegment)
    }
}

extension DocumentMapper {
    /// Reads one transaction set or message streamed by the `EDI` module's `InterchangeReader`.
    public func read(_ set: TransactionSet, firstSegment: Int = 1) throws(MappingError) -> JSONValue {
        guard let settings = definition.edi else {
            throw .definition(file: definition.file, line: nil, message: "an \(definition.syntax.rawValue) mapping cannot read EDI")
        }
        let document = try EDIMappingEngine(definition: definition, settings: settings)
            .read(EDITransaction(set, firstSegment: firstSegment))
        if validatesSchema { try validate(document) }
        return document
    }
}
