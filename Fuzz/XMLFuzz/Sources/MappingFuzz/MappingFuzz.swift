import EDIMapping
import Foundation

/// The repository's edi-mappings/, found from this file's path.
let catalogue = MappingCatalogue(root: URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("edi-mappings").path)

// Loaded once: the fuzzer exercises the mapping of inputs, not YAML loading. Every base
// mapping of the catalogue, by the document kind it reads.
let mappers: [DocumentKind: DocumentMapper] = {
    var result: [DocumentKind: DocumentMapper] = [:]
    for file in MappingTestRunner(catalogue: catalogue).mappingFiles() {
        guard let definition = try? catalogue.mapping(file), definition.partner == nil else { continue }
        let kind = definition.documentKind
        result[DocumentKind(syntax: kind.syntax, document: kind.document.lowercased())] = DocumentMapper(definition)
    }
    return result
}()

/// Streaming translators per EDI mapping, compiled plan and reference engine, built once.
let translators: [DocumentKind: (compiled: StreamingTranslator, reference: StreamingTranslator)] = mappers.filter { $0.key.syntax != .xml }
    .mapValues { (StreamingTranslator(mapper: $0, engine: .compiled), StreamingTranslator(mapper: $0, engine: .reference)) }

/// libFuzzer entry point: the input is a partner document; its kind (ST01, UNH message type or
/// XML root) picks the mapping. Reading must give canonical JSON or a typed `MappingError`, and the
/// compiled plan must stream the same lines (or the same error) as the reference engine; JSON that
/// was read and could be written must read back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let detected = DocumentKind.detect(bytes) else { return 0 }
    let kind = DocumentKind(syntax: detected.syntax, document: detected.document.lowercased())
    if let engines = translators[kind] {
        let interchange = enveloped(bytes, kind.syntax)
        let compiled = streamed(engines.compiled, interchange), reference = streamed(engines.reference, interchange)
        guard compiled.lines == reference.lines, compiled.error == reference.error else {
            fatalError("the compiled plan and the reference engine differ for \(kind): \(compiled) vs \(reference)")
        }
    }
    guard let mapper = mappers[kind], let documents = try? mapper.read(bytes), !documents.isEmpty else { return 0 }
    // Writing may refuse a value with a typed error (e.g. one that contains our X12 delimiter
    // because the input declared other delimiters); what is written must read back the same.
    guard let written = try? mapper.write(documents) else { return 0 }
    guard let again = try? mapper.read(written), again == documents else {
        fatalError("read(write(read(x))) != read(x) for \(mapper.definition.file)")
    }
    return 0
}

/// The lines a translator streams from `bytes`, and its error.
func streamed(_ translator: StreamingTranslator, _ bytes: [UInt8]) -> (lines: [String], error: MappingError?) {
    var lines: [String] = []
    do throws(MappingError) {
        try translator.translate(bytes: bytes) { lines.append($0) }
        return (lines, nil)
    } catch {
        return (lines, error)
    }
}

/// A bare ST…SE or UNH…UNT wrapped in an interchange, so the streaming path (not the in-memory one for bare
/// sets) reads it.
func enveloped(_ bytes: [UInt8], _ syntax: MappingSyntax) -> [UInt8] {
    let text = String(decoding: bytes, as: UTF8.self)
    let body = text.drop { $0.isWhitespace }
    if syntax == .x12, body.hasPrefix("ST") {
        return Array(("ISA*00*          *00*          *ZZ*SENDERID       *ZZ*RECEIVERID     *240315*1037*U*00401*000000001*0*P*>~\n"
            + "GS*PT*SENDERID*RECEIVERID*20240315*1037*1*X*004010~\n" + body + "\nGE*1*1~\nIEA*1*000000001~\n").utf8)
    }
    if syntax == .edifact, body.hasPrefix("UNH") {
        return Array(("UNA:+.? '\nUNB+UNOC:3+SENDER:14+RECEIVER:14+240315:1037+1'\n" + body + "\nUNZ+1+1'\n").utf8)
    }
    return bytes
}

#if !FUZZING
/// Replays corpus files without libFuzzer: `swift run MappingFuzz seeds/edi/*`.
@main
struct Replay {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { fuzzMapping($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            count += 1
        }
        print("replayed \(count) inputs with \(mappers.count) mappings")
    }
}
#endif
