internal import CLibXML2
import Synchronization

/// A parsed document held by libxml2, for XPath queries and XSD validation.
///
/// libxml2 documents are not safe for concurrent use (XPath evaluation may cache into the
/// tree), so every access goes through `storage`'s lock.
public final class ParsedXMLDocument: Sendable {
    /// Serializes all access to `pointer`.
    private let lock = Mutex(())
    /// Only read inside `lock`; the document is freed in `deinit`, when no one else holds it.
    private nonisolated(unsafe) let pointer: xmlDocPtr

    init(taking pointer: xmlDocPtr) {
        self.pointer = pointer
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    func withPointer<T: Sendable, E: Error>(_ body: (xmlDocPtr) throws(E) -> T) throws(E) -> T {
        try lock.withLock { _ throws(E) -> T in try body(pointer) }
    }

    /// The document as plain Swift values (whitespace-only text between elements dropped).
    public func tree() -> XMLTreeDocument {
        withPointer { pointer in
            // A parsed document always has a root (the parser refuses one without).
            LibXML2Tree.document(pointer) ?? XMLTreeDocument(root: XMLTreeElement(name: ""))
        }
    }

    /// Local name of the root element.
    public var rootName: String {
        withPointer { pointer in LibXML2Tree.name(xmlDocGetRootElement(pointer)?.pointee.name) }
    }
}
