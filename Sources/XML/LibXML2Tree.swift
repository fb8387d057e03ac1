internal import CLibXML2

/// Copies libxml2 nodes into `XMLTree` values.
enum LibXML2Tree {
    static func name(_ pointer: UnsafePointer<xmlChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    static func document(_ document: xmlDocPtr) -> XMLTreeDocument? {
        guard let root = xmlDocGetRootElement(document) else { return nil }
        var instructions: [XMLProcessingInstruction] = []
        var node = document.pointee.children
        while let current = node, current != root {
            if current.pointee.type == XML_PI_NODE {
                instructions.append(XMLProcessingInstruction(
                    target: name(current.pointee.name), data: name(current.pointee.content)))
            }
            node = current.pointee.next
        }
        return XMLTreeDocument(processingInstructions: instructions, root: element(root))
    }

    static func element(_ node: xmlNodePtr) -> XMLTreeElement {
        var result = XMLTreeElement(
            name: name(node.pointee.name),
            namespaceURI: node.pointee.ns.map { name($0.pointee.href) },
            prefix: node.pointee.ns.flatMap { $0.pointee.prefix.map { String(cString: $0) } },
            line: Int(xmlGetLineNo(node))
        )
        var attribute = node.pointee.properties
        while let current = attribute {
            result.attributes.append(XMLTreeAttribute(
                name: name(current.pointee.name),
                value: text(of: current.pointee.children),
                namespaceURI: current.pointee.ns.map { name($0.pointee.href) },
                prefix: current.pointee.ns.flatMap { $0.pointee.prefix.map { String(cString: $0) } }
            ))
            attribute = current.pointee.next
        }
        var children: [XMLTreeNode] = []
        var hasElements = false
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                hasElements = true
                children.append(.element(element(current)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let content = name(current.pointee.content)
                if case let .text(previous)? = children.last {
                    children[children.count - 1] = .text(previous + content)
                } else {
                    children.append(.text(content))
                }
            default:
                break
            }
            child = current.pointee.next
        }
        // Indentation between child elements is not data.
        if hasElements {
            children.removeAll { if case let .text(text) = $0 { text.allSatisfy(\.isWhitespace) } else { false } }
        }
        result.children = children
        return result
    }

    /// Concatenated text of a node list and its descendants (an attribute's or element's value).
    static func text(of first: xmlNodePtr?) -> String {
        var out = ""
        var node = first
        while let current = node {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                out += name(current.pointee.content)
            case XML_ELEMENT_NODE:
                out += text(of: current.pointee.children)
            default:
                break
            }
            node = current.pointee.next
        }
        return out
    }
}
