/// Parses untrusted XML with libxml2 under `XMLLimits`, with no DTD, entity or network access.
public struct SafeXMLParser: Sendable {
    /// The limits applied to every document.
    public var limits: XMLLimits

    /// Creates a parser with the given limits.
    public init(limits: XMLLimits = .businessDocument) {
        self.limits = limits
    }

    /// Parses a document on the calling thread.
    public func parse(_ bytes: [UInt8]) throws(XMLError) -> ParsedXMLDocument {
        guard bytes.count <= limits.maxInputBytes else {
            throw .inputTooLarge(bytes: bytes.count, limit: limits.maxInputBytes)
        }
        let utf8 = try XMLEncoding.utf8(bytes)
        guard utf8.count <= limits.maxInputBytes else {
            throw .inputTooLarge(bytes: utf8.count, limit: limits.maxInputBytes)
        }
        let scanner = XMLPrescanner(limits: limits)
        let pointer = try utf8.withUnsafeBufferPointer { buffer throws(XMLError) in
            try scanner.scan(buffer)
            return try LibXML2Parse.parse(buffer)
        }
        return ParsedXMLDocument(taking: pointer)
    }

    /// Parses a document given as a string.
    public func parse(_ text: String) throws(XMLError) -> ParsedXMLDocument {
        try parse(Array(text.utf8))
    }

    /// Parses a document on `pool`, so a large document does not block the caller's thread
    /// (an event loop or the cooperative pool).
    public func parse(_ bytes: [UInt8], on pool: XMLWorkerPool) async throws(XMLError) -> ParsedXMLDocument {
        let parser = self
        let result = await pool.run { () -> Result<ParsedXMLDocument, XMLError> in
            do throws(XMLError) { return .success(try parser.parse(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
