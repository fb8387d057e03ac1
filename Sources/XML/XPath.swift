internal import CLibXML2

/// A node selected by an XPath expression, copied out of libxml2.
public struct XPathNode: Sendable, Hashable {
    /// What kind of node it is.
    public enum Kind: String, Sendable, Hashable {
        /// An element.
        case element
        /// An attribute.
        case attribute
        /// Character data.
        case text
        /// Any other node (comment, processing instruction, namespace, document).
        case other
    }

    /// The node kind.
    public var kind: Kind
    /// Local name (empty for text).
    public var name: String
    /// Namespace URI, if any.
    public var namespaceURI: String?
    /// XPath string value: the text of an element and its descendants, an attribute's value.
    public var value: String
    /// Source line, when known.
    public var line: Int?
    /// The element as a tree (only for `.element`).
    public var element: XMLTreeElement?
}

/// The result of an XPath expression.
public enum XPathValue: Sendable, Hashable {
    /// A node-set, in document order.
    case nodes([XPathNode])
    /// A string.
    case string(String)
    /// A number.
    case number(Double)
    /// A boolean.
    case boolean(Bool)

    /// The XPath `string()` of the value (first node's value for a node-set).
    public var stringValue: String {
        switch self {
        case let .nodes(nodes): nodes.first?.value ?? ""
        case let .string(string): string
        case let .number(number):
            number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case let .boolean(flag): flag ? "true" : "false"
        }
    }
}

extension ParsedXMLDocument {
    /// Evaluates an XPath 1.0 expression; `namespaces` maps the prefixes it uses to URIs.
    public func evaluate(_ expression: String, namespaces: [String: String] = [:]) throws(XMLError) -> XPathValue {
        try withPointer { document throws(XMLError) -> XPathValue in
            guard let context = xmlXPathNewContext(document) else {
                throw .resourceExhausted("an XPath context")
            }
            defer { xmlXPathFreeContext(context) }
            let collector = DiagnosticCollector()
            return try withExtendedLifetime(collector) { () throws(XMLError) -> XPathValue in
                context.pointee.userData = collector.opaque
                context.pointee.error = collectDiagnostic
                for (prefix, uri) in namespaces.sorted(by: { $0.key < $1.key }) {
                    guard xmlXPathRegisterNs(context, prefix, uri) == 0 else {
                        throw .invalidXPath(expression: expression, message: "cannot register prefix \(prefix)")
                    }
                }
                guard let object = xmlXPathEvalExpression(expression, context) else {
                    let message = collector.diagnostics.first?.message ?? "evaluation failed"
                    throw .invalidXPath(expression: expression, message: message)
                }
                defer { xmlXPathFreeObject(object) }
                return try Self.value(of: object.pointee, expression: expression)
            }
        }
    }

    /// The string values of the nodes an expression selects.
    public func strings(_ expression: String, namespaces: [String: String] = [:]) throws(XMLError) -> [String] {
        switch try evaluate(expression, namespaces: namespaces) {
        case let .nodes(nodes): nodes.map(\.value)
        case let other: [other.stringValue]
        }
    }

    /// The string value of an expression, or `nil` when it selects no node.
    public func string(_ expression: String, namespaces: [String: String] = [:]) throws(XMLError) -> String? {
        switch try evaluate(expression, namespaces: namespaces) {
        case let .nodes(nodes): nodes.first?.value
        case let other: other.stringValue
        }
    }

    private static func value(of object: xmlXPathObject, expression: String) throws(XMLError) -> XPathValue {
        switch object.type {
        case XPATH_NODESET, XPATH_XSLT_TREE:
            guard let set = object.nodesetval, set.pointee.nodeNr > 0, let table = set.pointee.nodeTab else {
                return .nodes([])
            }
            return .nodes((0..<Int(set.pointee.nodeNr)).compactMap { table[$0].map(node) })
        case XPATH_BOOLEAN:
            return .boolean(object.boolval != 0)
        case XPATH_NUMBER:
            return .number(object.floatval)
        case XPATH_STRING:
            return .string(object.stringval.map { String(cString: $0) } ?? "")
        default:
            throw .invalidXPath(expression: expression, message: "unsupported result type \(object.type.rawValue)")
        }
    }

    private static func node(_ pointer: xmlNodePtr) -> XPathNode {
        // Namespace nodes in a node-set are xmlNs records, smaller than xmlNode; read only the
        // `type` field, which both structs keep at the same offset.
        let typeOffset = MemoryLayout<xmlNode>.offset(of: \xmlNode.type) ?? MemoryLayout<UnsafeRawPointer>.size
        let type = UnsafeRawPointer(pointer).load(fromByteOffset: typeOffset, as: xmlElementType.self)
        switch type {
        case XML_ELEMENT_NODE:
            let element = LibXML2Tree.element(pointer)
            return XPathNode(
                kind: .element, name: element.name, namespaceURI: element.namespaceURI,
                value: LibXML2Tree.text(of: pointer.pointee.children), line: element.line, element: element)
        case XML_ATTRIBUTE_NODE:
            let attribute = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: xmlAttr.self)
            return XPathNode(
                kind: .attribute, name: LibXML2Tree.name(attribute.pointee.name),
                namespaceURI: attribute.pointee.ns.map { LibXML2Tree.name($0.pointee.href) },
                value: LibXML2Tree.text(of: attribute.pointee.children),
                line: attribute.pointee.parent.map { Int(xmlGetLineNo($0)) }, element: nil)
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            return XPathNode(
                kind: .text, name: "", namespaceURI: nil, value: LibXML2Tree.name(pointer.pointee.content),
                line: Int(xmlGetLineNo(pointer)), element: nil)
        default:
            return XPathNode(kind: .other, name: "", namespaceURI: nil, value: "", line: nil, element: nil)
        }
    }
}
