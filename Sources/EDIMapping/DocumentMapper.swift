import XML

/// Translates partner documents to canonical JSON and back with one loaded mapping.
public struct DocumentMapper: Sendable {
    /// The mapping applied.
    public let definition: MappingDefinition
    /// Check canonical JSON against the mapping's schema after reading and before writing.
    public var validatesSchema = true

    /// Creates a mapper for a loaded mapping.
    public init(_ definition: MappingDefinition) {
        self.definition = definition
    }

    /// Reads a partner document into canonical JSON documents (one per XML document, one per
    /// transaction set or message in an EDI file).
    public func read(_ bytes: [UInt8]) throws(MappingError) -> [JSONValue] {
        let documents: [JSONValue]
        switch definition.syntax {
        case .xml:
            guard let settings = definition.xml else { throw .definition(file: definition.file, line: nil, message: "missing xml settings") }
            documents = [try XMLMappingEngine(definition: definition, settings: settings).read(bytes)]
        case .x12, .edifact:
            guard let settings = definition.edi else { throw .definition(file: definition.file, line: nil, message: "missing edi settings") }
            documents = try EDIMappingEngine(definition: definition, settings: settings).read(bytes)
        }
        if validatesSchema { for document in documents { try validate(document) } }
        return documents
    }

    /// Reads on `pool`, so a large document is parsed and mapped off the caller's thread (an
    /// event loop or the cooperative pool).
    public func read(_ bytes: [UInt8], on pool: XMLWorkerPool) async throws(MappingError) -> [JSONValue] {
        let mapper = self
        let result = await pool.run { () -> Result<[JSONValue], MappingError> in
            do throws(MappingError) { return .success(try mapper.read(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Writes canonical JSON documents as one partner document (XML takes exactly one).
    public func write(_ documents: [JSONValue]) throws(MappingError) -> [UInt8] {
        if validatesSchema { for document in documents { try validate(document) } }
        switch definition.syntax {
        case .xml:
            guard let settings = definition.xml else { throw .definition(file: definition.file, line: nil, message: "missing xml settings") }
            guard documents.count == 1, let document = documents.first else {
                throw .input(file: definition.file, message: "an XML mapping writes exactly one document, got \(documents.count)")
            }
            let tree = try XMLMappingEngine(definition: definition, settings: settings).write(document)
            return XMLWriter().bytes(tree)
        case .x12, .edifact:
            guard let settings = definition.edi else { throw .definition(file: definition.file, line: nil, message: "missing edi settings") }
            return try EDIMappingEngine(definition: definition, settings: settings).write(documents)
        }
    }

    /// Writes one canonical document as one transaction set or message with the given control
    /// number (ST02 / UNH 0062), for streaming many documents out one at a time.
    public func write(_ document: JSONValue, controlNumber: Int) throws(MappingError) -> [UInt8] {
        guard definition.syntax != .xml, let settings = definition.edi else { return try write([document]) }
        if validatesSchema { try validate(document) }
        return try EDIMappingEngine(definition: definition, settings: settings).write([document], firstControlNumber: controlNumber)
    }

    /// Throws `MappingError.schema` when `document` breaks the mapping's canonical schema.
    public func validate(_ document: JSONValue) throws(MappingError) {
        guard let schema = definition.schema else { return }
        let violations = schema.violations(of: document)
        if !violations.isEmpty { throw .schema(file: definition.file, violations: violations) }
    }
}
