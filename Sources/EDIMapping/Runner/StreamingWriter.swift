import EDI
import Foundation

/// Writes partner documents from canonical JSON read in chunks, one document in memory at a time:
/// EDI one transaction set per document (with increasing control numbers, inside a whole interchange
/// when `interchange` is set), XML from exactly one document.
public struct StreamingWriter: Sendable {
    /// The mapper applied to every document.
    public let mapper: DocumentMapper
    /// The parties of the interchange to wrap EDI sets in; without it the sets are written bare (ST…SE / UNH…UNT).
    public var interchange: InterchangeParties?
    /// With an interchange: each set is checked against the guide of its set before it is handed out, and a
    /// document whose set breaks it is an error naming the document, the segment and the element.
    public var guideCheck: GuideCheck?

    /// Creates a writer.
    public init(mapper: DocumentMapper, interchange: InterchangeParties? = nil, guideCheck: GuideCheck? = nil) {
        self.mapper = mapper
        self.interchange = interchange
        self.guideCheck = guideCheck
    }

    /// Reads canonical JSON from the file at `path`; see `write(from:source:progress:emit:)`.
    @discardableResult
    public func write(path: String, progress: (Int) -> Void = { _ in }, emit: ([UInt8]) -> Void) throws(MappingError) -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .input(file: mapper.definition.file, message: "cannot read \(path)")
        }
        defer { try? handle.close() }
        return try write(from: handle, source: path, progress: progress, emit: emit)
    }

    /// Reads canonical JSON (NDJSON, objects one after another, or one array of objects) from `handle` and hands
    /// the partner document's bytes to `emit` as they are made; `progress` gets the bytes read so far. Returns the
    /// number of documents. Errors name `source`, the document's number and its line.
    @discardableResult
    public func write(from handle: FileHandle, source: String, progress: (Int) -> Void = { _ in }, emit: ([UInt8]) -> Void) throws(MappingError) -> Int {
        var bytesRead = 0
        return try write(source: source, emit: emit) { () throws(MappingError) -> Data? in
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw .input(file: mapper.definition.file, message: "cannot read \(source): \(error.localizedDescription)")
            }
            if chunk.isEmpty { return nil }
            bytesRead += chunk.count
            progress(bytesRead)
            return chunk
        }
    }

    /// Writes from canonical JSON already in memory; see `write(from:source:progress:emit:)`.
    @discardableResult
    public func write(bytes: [UInt8], source: String, emit: ([UInt8]) -> Void) throws(MappingError) -> Int {
        var pending: Data? = Data(bytes)
        return try write(source: source, emit: emit) { () throws(MappingError) -> Data? in
            defer { pending = nil }
            return pending
        }
    }

    private func write(source: String, emit: ([UInt8]) -> Void, nextChunk: () throws(MappingError) -> Data?) throws(MappingError) -> Int {
        var output = try Output(mapper: mapper, interchange: interchange, guideCheck: guideCheck)
        var splitter = CanonicalDocumentSplitter()
        do throws(SplitError<MappingError>) {
            while true {
                let chunk: Data
                do throws(MappingError) {
                    guard let next = try nextChunk() else { break }
                    chunk = next
                } catch {
                    throw .emit(error)
                }
                try splitter.feed(chunk) { (document) throws(MappingError) in
                    let json = try document.parsed(source: source)
                    do throws(MappingError) { try output.write(json, emit) } catch {
                        throw .document(source: source, number: document.number, line: document.line, error: error)
                    }
                }
            }
            do throws(CanonicalDocumentSplitter.SyntaxError) { _ = try splitter.finish() } catch { throw .syntax(error) }
        } catch {
            throw error.mappingError(source: source)
        }
        return try output.finish(source: source, emit)
    }

    /// Where the documents go: the opening of the interchange before the first, each set, the closing after the last.
    private struct Output {
        let mapper: DocumentMapper
        let envelope: OutboundInterchange?
        let guideCheck: GuideCheck?
        var count = 0
        var xmlDocument: JSONValue?

        init(mapper: DocumentMapper, interchange: InterchangeParties?, guideCheck: GuideCheck?) throws(MappingError) {
            self.mapper = mapper
            self.guideCheck = guideCheck
            envelope = try interchange.map { (parties) throws(MappingError) in try OutboundInterchange(parties, mapping: mapper.definition) }
        }

        mutating func write(_ document: JSONValue, _ emit: ([UInt8]) -> Void) throws(MappingError) {
            count += 1
            if mapper.definition.syntax == .xml {
                guard count == 1 else {
                    throw .input(file: mapper.definition.file, message: "an XML mapping writes exactly one document; this is the second")
                }
                xmlDocument = document
                return
            }
            let set = try mapper.write(document, controlNumber: count)
            guard let envelope else { return emit(set) }
            let encoded = try envelope.encoded(set)
            try guideCheck?.check([encoded], in: envelope)
            if count == 1 { emit(try envelope.opening()) }
            emit(encoded)
        }

        func finish(source: String, _ emit: ([UInt8]) -> Void) throws(MappingError) -> Int {
            guard count > 0 else { throw .input(file: mapper.definition.file, message: "\(source) holds no canonical documents") }
            if let xmlDocument { emit(try mapper.write([xmlDocument])) }
            if let envelope { emit(try envelope.closing(count: count)) }
            return count
        }
    }
}

extension CanonicalDocumentSplitter.Document {
    /// The document as JSON; a syntax error names `source`, the document and its line.
    func parsed(source: String) throws(MappingError) -> JSONValue {
        do throws(JSONSyntaxError) {
            return try JSONText.parse(bytes)
        } catch {
            throw .input(file: source, message: "document \(number) (line \(line)): \(error.description)")
        }
    }
}

extension SplitError<MappingError> {
    func mappingError(source: String) -> MappingError {
        switch self {
        case let .syntax(error): .input(file: source, message: error.description)
        case let .emit(error): error
        }
    }
}
