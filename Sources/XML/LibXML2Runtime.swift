internal import CLibXML2

/// Process-wide libxml2 set-up, done exactly once before the first parse.
///
/// `xmlInitParser` must run once before threads use libxml2. The external entity loader is
/// process-global in libxml2 2.9; replacing it with one that always refuses means no code path
/// (a DTD, an XSD import, an XInclude) can ever open a file or a URL, whatever options are set.
enum LibXML2Runtime {
    static let ready: Bool = {
        xmlInitParser()
        xmlSetExternalEntityLoader(refuseExternalResource)
        return true
    }()

    static func ensureReady() {
        _ = ready
    }
}

private func refuseExternalResource(
    _ url: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?, _ context: xmlParserCtxtPtr?
) -> xmlParserInputPtr? {
    nil
}

/// Turns a libxml2 error record into a diagnostic.
func diagnostic(from error: xmlError) -> XMLDiagnostic {
    var message = error.message.map { String(cString: $0) } ?? "unknown libxml2 error \(error.code)"
    while message.last == "\n" || message.last == " " { message.removeLast() }
    let severity: XMLDiagnostic.Severity =
        switch error.level {
        case XML_ERR_WARNING: .warning
        case XML_ERR_FATAL: .fatal
        default: .error
        }
    var line = error.line > 0 ? Int(error.line) : nil
    if line == nil, let node = error.node {
        let number = xmlGetLineNo(node.assumingMemoryBound(to: xmlNode.self))
        if number > 0 { line = Int(number) }
    }
    // For parser errors int2 is the column; other domains leave it 0.
    let column = error.int2 > 0 ? Int(error.int2) : nil
    return XMLDiagnostic(message: message, line: line, column: column, severity: severity)
}

/// Per-call collector handed to libxml2 as the `userData` of structured error callbacks.
final class DiagnosticCollector {
    var diagnostics: [XMLDiagnostic] = []
    var doctypeSeen = false
    /// A hostile document can raise an error per byte; keep a bounded number.
    let capacity = 100

    func record(_ error: xmlError) {
        guard diagnostics.count < capacity else { return }
        diagnostics.append(diagnostic(from: error))
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> DiagnosticCollector? {
        guard let pointer else { return nil }
        return Unmanaged<DiagnosticCollector>.fromOpaque(pointer).takeUnretainedValue()
    }
}

/// Structured error callback for collectors passed directly as `userData` (XPath, XSD).
func collectDiagnostic(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let error, let collector = DiagnosticCollector.from(userData) else { return }
    collector.record(error.pointee)
}

/// Structured error callback for the parser: `userData` is the parser context, whose
/// `_private` field holds the collector.
func collectParserDiagnostic(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let error, let userData else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    DiagnosticCollector.from(context.pointee._private)?.record(error.pointee)
}

/// SAX `internalSubset` hook: any DOCTYPE stops the parse (defence in depth behind the prescan).
func refuseDoctype(
    _ context: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?,
    _ externalID: UnsafePointer<xmlChar>?, _ systemID: UnsafePointer<xmlChar>?
) {
    guard let context else { return }
    let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
    DiagnosticCollector.from(parser.pointee._private)?.doctypeSeen = true
    xmlStopParser(parser)
}
