import XML

/// Reads partner XML through a mapping's XML paths.
struct XMLSourceReader: SourceReader {
    let lenient: Bool

    func same(_ a: String, _ b: String) -> Bool {
        lenient ? a.lowercased() == b.lowercased() : a == b
    }

    func attribute(_ name: String, of element: XMLTreeElement) -> String? {
        element.attributes.first { same($0.name, name) }?.value
    }

    func matches(_ element: XMLTreeElement, _ step: XMLPathStep) -> Bool {
        guard same(element.name, step.name) else { return false }
        return step.predicates.allSatisfy { predicate in
            guard let value = attribute(predicate.attribute, of: element) else { return false }
            return predicate.values.contains { same($0, lenient ? value.trimmingWhitespace() : value) }
        }
    }

    func elements(_ steps: [XMLPathStep], from context: XMLTreeElement) -> [XMLTreeElement] {
        var current = [context]
        for step in steps {
            current = current.flatMap { $0.elements.filter { matches($0, step) } }
        }
        return current
    }

    func value(_ path: SourcePath, in context: XMLTreeElement) -> String? {
        guard case let .xml(path) = path, let element = elements(path.steps, from: context).first else { return nil }
        let raw = path.attribute.map { attribute($0, of: element) } ?? element.text
        return lenient ? raw?.trimmingWhitespace() : raw
    }

    func group(_ binding: Binding, in context: XMLTreeElement) -> XMLTreeElement? {
        instances(binding, in: context).first
    }

    func instances(_ binding: Binding, in context: XMLTreeElement) -> [XMLTreeElement] {
        guard case let .xml(path)? = binding.path else { return [] }
        return elements(path.steps, from: context)
    }

    func position(of context: XMLTreeElement) -> String {
        "<\(context.name)>" + (context.line.map { " line \($0)" } ?? "")
    }
}

/// An element under construction; `attached` turns true when a value is written inside it.
final class XMLBuildElement {
    let name: String
    var attributes: [(String, String)] = []
    var text: String?
    var children: [XMLBuildElement] = []
    weak var parent: XMLBuildElement?
    var attached = false

    init(name: String, parent: XMLBuildElement?) {
        self.name = name
        self.parent = parent
    }

    func attach() {
        var node: XMLBuildElement? = self
        while let current = node, !current.attached {
            current.attached = true
            node = current.parent
        }
    }

    func setAttribute(_ name: String, _ value: String) {
        if let index = attributes.firstIndex(where: { $0.0 == name }) { attributes[index].1 = value } else { attributes.append((name, value)) }
    }

    func tree(namespace: String?) -> XMLTreeElement {
        var children: [XMLTreeNode] = []
        if let text { children.append(.text(text)) }
        children += self.children.filter(\.attached).map { .element($0.tree(namespace: namespace)) }
        return XMLTreeElement(
            name: name, namespaceURI: namespace,
            attributes: attributes.map { XMLTreeAttribute(name: $0.0, value: $0.1) }, children: children)
    }
}

/// Builds partner XML through a mapping's XML paths.
struct XMLSourceWriter: SourceWriter {
    func child(_ step: XMLPathStep, of parent: XMLBuildElement, reuse: Bool) -> XMLBuildElement {
        if reuse, let existing = parent.children.first(where: { element in
            element.name == step.name && step.predicates.allSatisfy { predicate in
                element.attributes.contains { $0.0 == predicate.attribute && predicate.values.contains($0.1) }
            }
        }) {
            return existing
        }
        let element = XMLBuildElement(name: step.name, parent: parent)
        for predicate in step.predicates { element.setAttribute(predicate.attribute, predicate.written) }
        parent.children.append(element)
        return element
    }

    func walk(_ steps: [XMLPathStep], from node: XMLBuildElement, newLast: Bool) -> XMLBuildElement {
        var current = node
        for (offset, step) in steps.enumerated() {
            current = child(step, of: current, reuse: !(newLast && offset == steps.count - 1))
        }
        return current
    }

    func set(_ text: String, at path: SourcePath, in node: XMLBuildElement, attach: Bool) throws(CodecFailure) {
        guard case let .xml(path) = path else { throw CodecFailure("not an XML path") }
        let target = walk(path.steps, from: node, newLast: false)
        if let attribute = path.attribute {
            target.setAttribute(attribute, text)
        } else {
            target.text = text
        }
        if attach { target.attach() }
    }

    func attach(_ node: XMLBuildElement) {
        node.attach()
    }

    func group(_ binding: Binding, in node: XMLBuildElement) -> XMLBuildElement {
        guard case let .xml(path)? = binding.path else { return node }
        return walk(path.steps, from: node, newLast: false)
    }

    func instance(_ binding: Binding, in node: XMLBuildElement) -> XMLBuildElement {
        guard case let .xml(path)? = binding.path else { return node }
        return walk(path.steps, from: node, newLast: true)
    }
}

/// Leniency for real-world XML (ADF leads): text around the document, a misplaced XML
/// declaration, and stray `&` are repaired before the safe parser sees the bytes.
enum LenientXML {
    static func repair(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // Drop e-mail text before the first tag and after the last one.
        if let start = bytes.indices.first(where: { index in
            bytes[index] == UInt8(ascii: "<") && index + 1 < bytes.count
                && (bytes[index + 1] == UInt8(ascii: "?") || Character(Unicode.Scalar(bytes[index + 1])).isLetter)
        }) {
            bytes.removeFirst(start)
        }
        if let end = bytes.lastIndex(of: UInt8(ascii: ">")) { bytes.removeLast(bytes.count - end - 1) }
        // An XML declaration after another processing instruction is moved to the front.
        let declaration = Array("<?xml".utf8)
        if !bytes.starts(with: declaration), let start = firstIndex(of: declaration, in: bytes),
           let close = firstIndex(of: Array("?>".utf8), in: bytes, from: start) {
            let moved = Array(bytes[start..<(close + 2)])
            bytes.removeSubrange(start..<(close + 2))
            bytes = moved + Array("\n".utf8) + bytes
        }
        return escapeStrayAmpersands(bytes)
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        return (start...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    static func escapeStrayAmpersands(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for index in bytes.indices {
            out.append(bytes[index])
            guard bytes[index] == UInt8(ascii: "&") else { continue }
            var cursor = index + 1
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "#") { cursor += 1 }
            let nameStart = cursor
            while cursor < bytes.count, cursor - nameStart < 32,
                  Character(Unicode.Scalar(bytes[cursor])).isLetter || Character(Unicode.Scalar(bytes[cursor])).isNumber {
                cursor += 1
            }
            if !(cursor > nameStart && cursor < bytes.count && bytes[cursor] == UInt8(ascii: ";")) {
                out += Array("amp;".utf8)
            }
        }
        return out
    }
}

/// Applies an XML mapping in both directions.
struct XMLMappingEngine {
    let definition: MappingDefinition
    let settings: XMLSettings
    var parser = SafeXMLParser()

    func read(_ bytes: [UInt8]) throws(MappingError) -> JSONValue {
        let input = settings.lenient ? LenientXML.repair(bytes) : bytes
        let tree: XMLTreeDocument
        do {
            tree = try parser.parse(input).tree()
        } catch {
            throw .input(file: definition.file, message: error.description)
        }
        return try read(tree)
    }

    func read(_ tree: XMLTreeDocument) throws(MappingError) -> JSONValue {
        let reader = XMLSourceReader(lenient: settings.lenient)
        guard reader.same(tree.root.name, settings.root) else {
            throw .input(file: definition.file, message: "root element is <\(tree.root.name)>, expected <\(settings.root)>")
        }
        return try BindingWalker(file: definition.file).read(definition.bindings, in: tree.root, with: reader)
    }

    func write(_ json: JSONValue) throws(MappingError) -> XMLTreeDocument {
        let root = XMLBuildElement(name: settings.root, parent: nil)
        root.attached = true
        try BindingWalker(file: definition.file).write(
            definition.bindings, json: json, at: JSONPointer(tokens: []), into: root, index: nil, with: XMLSourceWriter())
        return XMLTreeDocument(
            processingInstructions: settings.processingInstructions.map { XMLProcessingInstruction(target: $0.target, data: $0.data) },
            root: root.tree(namespace: settings.namespace))
    }
}
