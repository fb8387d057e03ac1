/// A line and column in an XML document (1-based; the column counts characters).
public struct XMLPosition: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`, as editors show it.
    public var description: String { "\(line):\(column)" }
}

/// One message from libxml2 about a document or schema, with where it happened when known.
public struct XMLDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious libxml2 considered the problem.
    public enum Severity: String, Sendable, Hashable {
        /// A warning; the document is still usable.
        case warning
        /// An error (validity or well-formedness).
        case error
        /// A fatal error that stopped parsing.
        case fatal
    }

    /// The message, trimmed of libxml2's trailing newline.
    public var message: String
    /// The line, when libxml2 reported one.
    public var line: Int?
    /// The column, when libxml2 reported one.
    public var column: Int?
    /// The severity.
    public var severity: Severity

    /// Creates a diagnostic.
    public init(message: String, line: Int?, column: Int?, severity: Severity) {
        self.message = message
        self.line = line
        self.column = column
        self.severity = severity
    }

    /// `line:column: message`, or just the message when there is no position.
    public var description: String {
        switch (line, column) {
        case let (line?, column?): "\(line):\(column): \(message)"
        case let (line?, nil): "\(line): \(message)"
        default: message
        }
    }
}

/// Why the XML module refused or could not process a document, schema or query.
public enum XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is bigger than `XMLLimits.maxInputBytes`.
    case inputTooLarge(bytes: Int, limit: Int)
    /// The document has a DOCTYPE (or another `<!` declaration); DTDs are never processed.
    case doctypeNotAllowed(at: XMLPosition)
    /// Elements nest deeper than `XMLLimits.maxDepth`.
    case nestingTooDeep(limit: Int, at: XMLPosition)
    /// A start tag has more attributes than `XMLLimits.maxAttributesPerElement`.
    case tooManyAttributes(limit: Int, at: XMLPosition)
    /// A start tag (name plus attributes) is longer than `XMLLimits.maxStartTagBytes`.
    case startTagTooLarge(limit: Int, at: XMLPosition)
    /// The bytes are not valid UTF-8 (after any declared Latin-1 transcoding).
    case invalidUTF8(byteOffset: Int, at: XMLPosition)
    /// The declared or detected encoding is not one the parser accepts.
    case unsupportedEncoding(String)
    /// libxml2 found the document not well-formed.
    case notWellFormed(message: String, at: XMLPosition?)
    /// The XPath expression could not be compiled or evaluated.
    case invalidXPath(expression: String, message: String)
    /// The XSD could not be compiled.
    case invalidSchema([XMLDiagnostic])
    /// The document does not satisfy the schema.
    case schemaViolations([XMLDiagnostic])
    /// libxml2 could not allocate what it needed.
    case resourceExhausted(String)

    /// A one-line explanation for logs and command-line output.
    public var description: String {
        switch self {
        case let .inputTooLarge(bytes, limit): "XML input of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case let .doctypeNotAllowed(at): "\(at): DOCTYPE and other DTD declarations are not accepted"
        case let .nestingTooDeep(limit, at): "\(at): elements nest deeper than \(limit) levels"
        case let .tooManyAttributes(limit, at): "\(at): a start tag has more than \(limit) attributes"
        case let .startTagTooLarge(limit, at): "\(at): a start tag is longer than \(limit) bytes"
        case let .invalidUTF8(offset, at): "\(at): invalid UTF-8 at byte offset \(offset)"
        case let .unsupportedEncoding(name): "unsupported XML encoding \(name); send UTF-8"
        case let .notWellFormed(message, at?): "\(at): not well-formed XML: \(message)"
        case let .notWellFormed(message, nil): "not well-formed XML: \(message)"
        case let .invalidXPath(expression, message): "invalid XPath \(expression): \(message)"
        case let .invalidSchema(diagnostics): "invalid XSD: " + diagnostics.map(\.description).joined(separator: "; ")
        case let .schemaViolations(diagnostics): "document does not match its schema: " + diagnostics.map(\.description).joined(separator: "; ")
        case let .resourceExhausted(what): "libxml2 could not allocate \(what)"
        }
    }
}
