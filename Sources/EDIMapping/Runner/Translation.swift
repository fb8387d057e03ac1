import Foundation

/// What a partner file is, as far as choosing a mapping goes.
public struct DocumentKind: Sendable, Hashable, CustomStringConvertible {
    /// X12, EDIFACT or XML.
    public var syntax: MappingSyntax
    /// Transaction set (`867`), message type (`SLSRPT`) or XML root element (`adf`).
    public var document: String

    /// Creates a kind.
    public init(syntax: MappingSyntax, document: String) {
        self.syntax = syntax
        self.document = document
    }

    /// `x12 867`.
    public var description: String { "\(syntax.rawValue) \(document)" }

    /// Recognizes a file from its first bytes: the first ST/UNH for EDI, the root element for XML.
    public static func detect(_ bytes: [UInt8]) -> DocumentKind? {
        let head = Array(bytes.prefix(64 * 1024))
        let text = String(decoding: head, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("ISA") || trimmed.hasPrefix("ST") {
            let header = EDIText.transactions(head, syntax: .x12).first?.header
            return header?.value(1).map { DocumentKind(syntax: .x12, document: $0) }
        }
        if trimmed.hasPrefix("UNA") || trimmed.hasPrefix("UNB") || trimmed.hasPrefix("UNH") {
            let header = EDIText.transactions(head, syntax: .edifact).first?.header
            return header?.value(2, 1).map { DocumentKind(syntax: .edifact, document: $0) }
        }
        // XML: the first start tag that is not a declaration, comment or processing instruction.
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            if let first = after.first, first.isLetter {
                let name = after.prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
                let local = name.split(separator: ":").last.map(String.init) ?? String(name)
                return DocumentKind(syntax: .xml, document: local)
            }
            rest = after
        }
        return nil
    }
}

extension MappingDefinition {
    /// The kind of partner document this mapping reads and writes.
    public var documentKind: DocumentKind {
        DocumentKind(syntax: syntax, document: xml?.root ?? edi?.document ?? "")
    }
}

extension MappingCatalogue {
    /// The mapping for a kind of document: the partner's overlay when one exists (a mapping
    /// whose `partner:` is `partner`), otherwise the base mapping (no `partner:`).
    public func mapping(for kind: DocumentKind, partner: String?) throws(MappingError) -> MappingDefinition {
        var base: MappingDefinition?
        for file in MappingTestRunner(catalogue: self).mappingFiles() {
            // The kind and partner are read off the resolved YAML, and only a mapping that could
            // be chosen is decoded (schema, tables, plan): decoding failures skip a file either way.
            guard let node = try? resolvedNode(file, depth: 0),
                  node["syntax"]?.text.flatMap(MappingSyntax.init(rawValue:)) == kind.syntax,
                  node["document"]?.text?.lowercased() == kind.document.lowercased() else { continue }
            let overlayPartner = node["partner"]?.text
            guard overlayPartner == nil ? base == nil : overlayPartner == partner,
                  let definition = try? decode(node, file: file) else { continue }
            if let partner, definition.partner == partner { return definition }
            // Without a partner the first base mapping wins: the rest of the catalogue need not be loaded.
            if definition.partner == nil, partner == nil { return definition }
            if definition.partner == nil, base == nil { base = definition }
        }
        guard let base else {
            throw .input(file: root, message: "no mapping in the catalogue reads \(kind)" + (partner.map { " for partner \($0)" } ?? ""))
        }
        return base
    }

    /// A mapping by path, or its partner overlay `<name>.<partner>.yaml` when `partner` is given.
    public func mapping(_ file: String, partner: String?) throws(MappingError) -> MappingDefinition {
        guard let partner else { return try mapping(file) }
        let overlay = file.hasSuffix(".yaml") ? String(file.dropLast(5)) + ".\(partner).yaml" : file
        if FileManager.default.fileExists(atPath: absolute(overlay)) { return try mapping(overlay) }
        throw .input(file: file, message: "no overlay \(overlay) for partner \(partner)")
    }
}

/// Canonical JSON documents held in memory: one object, an array of objects, or NDJSON.
public enum CanonicalDocuments {
    /// Parses every document of `bytes` (see `CanonicalDocumentSplitter` for the layouts accepted).
    public static func parse(_ bytes: [UInt8]) throws(MappingError) -> [JSONValue] {
        var documents: [JSONValue] = []
        var splitter = CanonicalDocumentSplitter()
        do throws(SplitError<MappingError>) {
            try splitter.feed(bytes) { (document) throws(MappingError) in documents.append(try document.parsed(source: "input")) }
            do throws(CanonicalDocumentSplitter.SyntaxError) { _ = try splitter.finish() } catch { throw .syntax(error) }
        } catch {
            throw error.mappingError(source: "input")
        }
        return documents
    }
}
