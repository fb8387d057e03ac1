/// Serializes `XMLTreeDocument`s as UTF-8 XML with an XML declaration.
public struct XMLWriter: Sendable {
    /// Indentation per level; `nil` writes everything on one line.
    public var indent: String?

    /// Creates a writer; the default indents by two spaces.
    public init(indent: String? = "  ") {
        self.indent = indent
    }

    /// The document as a string, ending with a newline.
    public func string(_ document: XMLTreeDocument) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        for instruction in document.processingInstructions {
            out += "<?\(instruction.target)"
            if !instruction.data.isEmpty { out += " " + instruction.data.replacing("?>", with: "? >") }
            out += "?>\n"
        }
        write(document.root, depth: 0, scope: ["xml": "http://www.w3.org/XML/1998/namespace"], into: &out)
        out += "\n"
        return out
    }

    /// The document as UTF-8 bytes.
    public func bytes(_ document: XMLTreeDocument) -> [UInt8] {
        Array(string(document).utf8)
    }

    private func write(_ element: XMLTreeElement, depth: Int, scope: [String: String], into out: inout String) {
        var scope = scope
        var declarations: [(String, String)] = []
        func declare(prefix: String?, uri: String?) {
            let key = prefix ?? ""
            let current = scope[key] ?? ""
            let wanted = uri ?? ""
            if current != wanted {
                scope[key] = wanted
                declarations.append((key, wanted))
            }
        }
        declare(prefix: element.prefix, uri: element.namespaceURI)
        for attribute in element.attributes where attribute.namespaceURI != nil {
            declare(prefix: attribute.prefix ?? "ns", uri: attribute.namespaceURI)
        }
        let name = element.prefix.map { "\($0):\(element.name)" } ?? element.name
        out += "<" + name
        for (prefix, uri) in declarations {
            out += prefix.isEmpty ? " xmlns=\"" : " xmlns:\(prefix)=\""
            out += Self.escape(uri, quote: true) + "\""
        }
        for attribute in element.attributes {
            let attributeName = attribute.namespaceURI == nil
                ? attribute.name : "\(attribute.prefix ?? "ns"):\(attribute.name)"
            out += " \(attributeName)=\"" + Self.escape(attribute.value, quote: true) + "\""
        }
        if element.children.isEmpty {
            out += "/>"
            return
        }
        out += ">"
        // Indentation is added only between child elements: in mixed content it would change the text.
        let onlyElements = element.children.allSatisfy { if case .element = $0 { true } else { false } }
        for child in element.children {
            switch child {
            case let .text(text):
                out += Self.escape(text, quote: false)
            case let .element(child):
                if let indent, onlyElements {
                    out += "\n" + String(repeating: indent, count: depth + 1)
                }
                write(child, depth: depth + 1, scope: scope, into: &out)
            }
        }
        if let indent, onlyElements {
            out += "\n" + String(repeating: indent, count: depth)
        }
        out += "</\(name)>"
    }

    /// Escapes markup characters; carriage returns and tabs in attributes are kept as references
    /// so that attribute-value normalization does not change them on the way back.
    static func escape(_ text: String, quote: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quote: out += "&quot;"
            case "\r": out += "&#13;"
            case "\n" where quote: out += "&#10;"
            case "\t" where quote: out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
