import EDI
import Foundation

/// Which engine reads transaction sets when streaming.
public enum TranslationEngine: Sendable {
    /// The mapping compiled into a flat plan that writes JSON bytes directly, where the mapping
    /// allows it (see `StreamingTranslator.fallbackReason`); the reference engine otherwise.
    case compiled
    /// The binding walker over a `JSONValue` tree (the reference for the compiled plan).
    case reference
}

/// Translates an EDI file to NDJSON, one canonical document per transaction set, holding only
/// one transaction set in memory at a time.
public struct StreamingTranslator: Sendable {
    /// The mapper applied to every transaction set.
    public let mapper: DocumentMapper
    private let plan: Result<ReadPlan, ReadPlanUnsupported>

    /// Creates a translator; `engine` chooses how sets are read (the output is the same).
    public init(mapper: DocumentMapper, engine: TranslationEngine = .compiled) {
        self.mapper = mapper
        switch engine {
        case .compiled:
            do throws(ReadPlanUnsupported) {
                plan = .success(try ReadPlanCompiler.compile(mapper.definition, validatesSchema: mapper.validatesSchema))
            } catch {
                plan = .failure(error)
            }
        case .reference:
            plan = .failure(ReadPlanUnsupported("the reference engine was asked for"))
        }
    }

    /// Why sets are read by the reference engine, or nil when the compiled plan reads them.
    public var fallbackReason: String? {
        if case let .failure(reason) = plan { return reason.description }
        return nil
    }

    /// Reads `path`, hands each document's compact JSON line to `emit`, and reports bytes
    /// read to `progress`; returns the number of documents.
    @discardableResult
    public func translate(
        file path: String, emit: (String) -> Void, progress: ((Int) -> Void)? = nil
    ) throws(MappingError) -> Int {
        try translate(file: path, lines: { emit(String(decoding: $0, as: UTF8.self)) }, progress: progress)
    }

    /// Like `translate(file:emit:progress:)`, handing each line's UTF-8 bytes (valid only
    /// during the call) to `lines`, so no string is made per document.
    @discardableResult
    public func translate(
        file path: String, lines: (UnsafeBufferPointer<UInt8>) -> Void, progress: ((Int) -> Void)? = nil
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
                for document in documents { JSONText.bytes(document, pretty: false).withUnsafeBufferPointer(lines) }
                return documents.count
            }
        }
        let source: FileByteSource
        do throws(EDIReadError) {
            source = try FileByteSource(path: path)
        } catch {
            throw .input(file: mapper.definition.file, message: "\(path): \(error.description)")
        }
        return try translate(InterchangeReader(source: source), lines: lines, progress: progress)
    }

    /// Translates bytes already in memory.
    @discardableResult
    public func translate(bytes: [UInt8], emit: (String) -> Void) throws(MappingError) -> Int {
        try translate(InterchangeReader(source: InMemoryByteSource(bytes)), lines: { emit(String(decoding: $0, as: UTF8.self)) }, progress: nil)
    }

    private func translate<Source: ByteSource>(
        _ reader: InterchangeReader<Source>, lines: (UnsafeBufferPointer<UInt8>) -> Void, progress: ((Int) -> Void)?
    ) throws(MappingError) -> Int {
        guard case let .success(plan) = plan else {
            return try stream(reader, progress: progress) { set, firstSegment throws(MappingError) in
                try referenceLine(set, firstSegment: firstSegment, lines)
            }
        }
        var compiled = CompiledReader(plan: plan)
        return try stream(reader, progress: progress) { set, firstSegment throws(MappingError) in
            if compiled.read(set) {
                lines(compiled.line.buffer)
            } else {
                // An error, or a case the plan only detects: the reference engine decides.
                try referenceLine(set, firstSegment: firstSegment, lines)
            }
        }
    }

    private func referenceLine(
        _ set: TransactionSet, firstSegment: Int, _ lines: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(MappingError) {
        JSONText.bytes(try mapper.read(set, firstSegment: firstSegment), pretty: false).withUnsafeBufferPointer(lines)
    }

    /// Hands every transaction set to `read` with the file position of its header.
    private func stream<Source: ByteSource>(
        _ reader: InterchangeReader<Source>, progress: ((Int) -> Void)?,
        _ read: (TransactionSet, Int) throws(MappingError) -> Void
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
                try read(set, segmentsSeen + 1)
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
