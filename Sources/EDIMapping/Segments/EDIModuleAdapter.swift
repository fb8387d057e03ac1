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

/// Translates an EDI file to NDJSON, one canonical document per transaction set, holding only
/// one transaction set in memory at a time.
public struct StreamingTranslator: Sendable {
    /// The mapper applied to every transaction set.
    public let mapper: DocumentMapper

    /// Creates a translator.
    public init(mapper: DocumentMapper) {
        self.mapper = mapper
    }

    /// Reads `path`, hands each document's compact JSON line to `emit`, and reports bytes
    /// read to `progress`; returns the number of documents.
    @discardableResult
    public func translate(
        file path: String, emit: (String) -> Void, progress: ((Int) -> Void)? = nil
    ) throws(MappingError) -> Int {
        // A bare transaction set (ST…SE or UNH…UNT without an envelope, as in golden files) is
        // small by nature: read it in memory with the mapping's own segment reader.
        if let handle = FileHandle(forReadingAtPath: path) {
            let head = (try? handle.read(upToCount: 16)) ?? Data()
            try? handle.close()
            let start = String(decoding: head, as: UTF8.self).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
            if start.hasPrefix("ST") || start.hasPrefix("UNH") {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw .input(file: mapper.definition.file, message: "cannot read \(path)")
                }
                let documents = try mapper.read(Array(data))
                for document in documents { emit(JSONText.string(document, pretty: false)) }
                return documents.count
            }
        }
        let source: FileByteSource
        do throws(EDIReadError) {
            source = try FileByteSource(path: path)
        } catch {
            throw .input(file: mapper.definition.file, message: "\(path): \(error.description)")
        }
        return try translate(InterchangeReader(source: source), emit: emit, progress: progress)
    }

    /// Translates bytes already in memory.
    @discardableResult
    public func translate(bytes: [UInt8], emit: (String) -> Void) throws(MappingError) -> Int {
        try translate(InterchangeReader(source: InMemoryByteSource(bytes)), emit: emit, progress: nil)
    }

    private func translate<Source: ByteSource>(
        _ reader: InterchangeReader<Source>, emit: (String) -> Void, progress: ((Int) -> Void)?
    ) throws(MappingError) -> Int {
        var count = 0
        var segmentsSeen = 0
        while true {
            let event: EDIEvent?
            do throws(EDIReadError) {
                event = try reader.next()
            } catch {
                throw .input(file: mapper.definition.file, message: error.description)
            }
            guard let event else { return count }
            switch event {
            case let .transactionSet(set):
                let document = try mapper.read(set, firstSegment: segmentsSeen + 1)
                emit(JSONText.string(document, pretty: false))
                count += 1
                segmentsSeen += set.segmentCount
                progress?(reader.bytesRead)
            case let .interchangeHeader(header):
                segmentsSeen += header.store.count
            case .groupHeader, .groupTrailer, .interchangeTrailer, .straySegment:
                segmentsSeen += 1
            }
        }
    }
}
