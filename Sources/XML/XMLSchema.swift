internal import CLibXML2
import Synchronization

/// A compiled W3C XML Schema (XSD 1.0). Imports and includes are never fetched: a schema
/// must be self-contained.
public final class XMLSchema: Sendable {
    /// Serializes validations; one compiled schema is shared, validation contexts are per call.
    private let lock = Mutex(())
    /// Only used inside `lock`; freed in `deinit`.
    private nonisolated(unsafe) let schema: xmlSchemaPtr
    /// The compiled schema points into its source document, which must outlive it.
    private let source: ParsedXMLDocument

    /// Compiles a schema from a parsed XSD document (libxml2 may rewrite that document while
    /// compiling, so do not query it afterwards).
    public init(_ source: ParsedXMLDocument) throws(XMLError) {
        let collector = DiagnosticCollector()
        let compiled = try source.withPointer { document throws(XMLError) -> SchemaPointer in
            guard let parser = xmlSchemaNewDocParserCtxt(document) else {
                throw .resourceExhausted("a schema parser context")
            }
            defer { xmlSchemaFreeParserCtxt(parser) }
            return withExtendedLifetime(collector) {
                xmlSchemaSetParserStructuredErrors(parser, collectDiagnostic, collector.opaque)
                return SchemaPointer(value: xmlSchemaParse(parser))
            }
        }
        guard let schema = compiled.value, !collector.diagnostics.contains(where: { $0.severity != .warning }) else {
            if let schema = compiled.value { xmlSchemaFree(schema) }
            throw .invalidSchema(collector.diagnostics.isEmpty
                ? [XMLDiagnostic(message: "the schema could not be compiled", line: nil, column: nil, severity: .error)]
                : collector.diagnostics)
        }
        self.schema = schema
        self.source = source
    }

    /// Parses (safely) and compiles an XSD given as text.
    public convenience init(xsd: String, parser: SafeXMLParser = SafeXMLParser()) throws(XMLError) {
        try self.init(parser.parse(xsd))
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// Every violation of the schema in `document`, with line numbers; empty when valid.
    public func violations(in document: ParsedXMLDocument) -> [XMLDiagnostic] {
        lock.withLock { _ in
            document.withPointer { pointer -> [XMLDiagnostic] in
                guard let validator = xmlSchemaNewValidCtxt(schema) else {
                    return [XMLDiagnostic(message: "libxml2 could not allocate a validation context",
                                          line: nil, column: nil, severity: .fatal)]
                }
                defer { xmlSchemaFreeValidCtxt(validator) }
                let collector = DiagnosticCollector()
                return withExtendedLifetime(collector) {
                    xmlSchemaSetValidStructuredErrors(validator, collectDiagnostic, collector.opaque)
                    let result = xmlSchemaValidateDoc(validator, pointer)
                    if result != 0, collector.diagnostics.isEmpty {
                        return [XMLDiagnostic(message: "validation failed (libxml2 code \(result))",
                                              line: nil, column: nil, severity: .error)]
                    }
                    return collector.diagnostics
                }
            }
        }
    }

    /// Throws `XMLError.schemaViolations` unless `document` is valid.
    public func validate(_ document: ParsedXMLDocument) throws(XMLError) {
        let found = violations(in: document)
        if !found.isEmpty { throw .schemaViolations(found) }
    }
}

/// Carries a compiled schema pointer out of the document lock.
private struct SchemaPointer: @unchecked Sendable {
    // Unchecked: the pointer is created inside the lock and only handed to `XMLSchema`, which
    // guards it with its own lock.
    let value: xmlSchemaPtr?
}
