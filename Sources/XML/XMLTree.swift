/// An attribute of an `XMLTreeElement`.
public struct XMLTreeAttribute: Sendable, Hashable {
    /// Local name.
    public var name: String
    /// Namespace URI, if the attribute is namespaced.
    public var namespaceURI: String?
    /// Prefix used for a namespaced attribute when writing.
    public var prefix: String?
    /// Attribute value, with entities resolved.
    public var value: String

    /// Creates an attribute.
    public init(name: String, value: String, namespaceURI: String? = nil, prefix: String? = nil) {
        self.name = name
        self.value = value
        self.namespaceURI = namespaceURI
        self.prefix = prefix
    }
}

/// A child of an element: another element or character data.
public enum XMLTreeNode: Sendable, Hashable {
    /// A child element.
    case element(XMLTreeElement)
    /// Character data (text and CDATA merged).
    case text(String)
}

/// A plain Swift copy of an XML element, for reading leniently and for building output.
public struct XMLTreeElement: Sendable, Hashable {
    /// Local name.
    public var name: String
    /// Namespace URI, if any.
    public var namespaceURI: String?
    /// Prefix to use when writing; `nil` writes the namespace as the default namespace.
    public var prefix: String?
    /// Attributes in document order.
    public var attributes: [XMLTreeAttribute]
    /// Children in document order.
    public var children: [XMLTreeNode]
    /// Source line when the element came from a parsed document (ignored by `==`).
    public var line: Int?

    /// Creates an element.
    public init(
        name: String, namespaceURI: String? = nil, prefix: String? = nil,
        attributes: [XMLTreeAttribute] = [], children: [XMLTreeNode] = [], line: Int? = nil
    ) {
        self.name = name
        self.namespaceURI = namespaceURI
        self.prefix = prefix
        self.attributes = attributes
        self.children = children
        self.line = line
    }

    /// Child elements in document order.
    public var elements: [XMLTreeElement] {
        children.compactMap { if case let .element(element) = $0 { element } else { nil } }
    }

    /// Concatenated character data of this element and its descendants.
    public var text: String {
        children.reduce(into: "") { result, child in
            switch child {
            case let .text(text): result += text
            case let .element(element): result += element.text
            }
        }
    }

    /// The value of the first attribute with this local name.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Equality on names, namespaces, attributes and children; source lines do not count.
    public static func == (lhs: XMLTreeElement, rhs: XMLTreeElement) -> Bool {
        lhs.name == rhs.name && lhs.namespaceURI == rhs.namespaceURI && lhs.prefix == rhs.prefix
            && lhs.attributes == rhs.attributes && lhs.children == rhs.children
    }

    /// Hashes the same fields `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(namespaceURI)
        hasher.combine(prefix)
        hasher.combine(attributes)
        hasher.combine(children)
    }
}

/// A processing instruction before the root element, such as ADF's `<?adf version="1.0"?>`.
public struct XMLProcessingInstruction: Sendable, Hashable {
    /// The target (`adf`).
    public var target: String
    /// Everything after the target (`version="1.0"`).
    public var data: String

    /// Creates a processing instruction.
    public init(target: String, data: String) {
        self.target = target
        self.data = data
    }
}

/// A whole document as plain Swift values.
public struct XMLTreeDocument: Sendable, Hashable {
    /// Processing instructions before the root element.
    public var processingInstructions: [XMLProcessingInstruction]
    /// The root element.
    public var root: XMLTreeElement

    /// Creates a document.
    public init(processingInstructions: [XMLProcessingInstruction] = [], root: XMLTreeElement) {
        self.processingInstructions = processingInstructions
        self.root = root
    }
}
