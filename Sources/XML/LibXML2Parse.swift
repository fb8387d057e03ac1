internal import CLibXML2

/// The libxml2 half of a safe parse: options, hooks and per-call error collection.
enum LibXML2Parse {
    /// Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE (security-reliability.md §2.2).
    static let options: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_BIG_LINES.rawValue
            | XML_PARSE_NSCLEAN.rawValue
    )

    /// Parses UTF-8 bytes that already passed the prescan.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(XMLError) -> xmlDocPtr {
        LibXML2Runtime.ensureReady()
        guard bytes.count <= Int(Int32.max) else {
            throw .inputTooLarge(bytes: bytes.count, limit: Int(Int32.max))
        }
        guard let context = xmlNewParserCtxt() else { throw .resourceExhausted("a parser context") }
        defer { xmlFreeParserCtxt(context) }
        let collector = DiagnosticCollector()
        return try withExtendedLifetime(collector) { () throws(XMLError) -> xmlDocPtr in
            context.pointee._private = collector.opaque
            if let sax = context.pointee.sax {
                sax.pointee.internalSubset = refuseDoctype
                sax.pointee.serror = collectParserDiagnostic
            }
            let document = bytes.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(context, chars.baseAddress, Int32(bytes.count), nil, "UTF-8", options)
            }
            let position = XMLPosition(
                line: Int(context.pointee.input?.pointee.line ?? 0),
                column: Int(context.pointee.input?.pointee.col ?? 0)
            )
            if collector.doctypeSeen {
                if let document { xmlFreeDoc(document) }
                throw .doctypeNotAllowed(at: position)
            }
            guard let document, context.pointee.wellFormed != 0 else {
                if let document { xmlFreeDoc(document) }
                let first = collector.diagnostics.first { $0.severity != .warning }
                    ?? diagnostic(from: context.pointee.lastError)
                let at = first.line.map { XMLPosition(line: $0, column: first.column ?? 0) }
                throw .notWellFormed(message: first.message, at: at)
            }
            guard xmlDocGetRootElement(document) != nil else {
                xmlFreeDoc(document)
                throw .notWellFormed(message: "the document has no root element", at: position)
            }
            return document
        }
    }
}
