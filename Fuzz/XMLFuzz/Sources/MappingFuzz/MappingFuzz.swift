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

/// libFuzzer entry point: the input is a partner document; its kind (ST01, UNH message type or
/// XML root) picks the mapping. Reading must give canonical JSON or a typed `MappingError`;
/// JSON that was read and could be written must read back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let kind = DocumentKind.detect(bytes),
          let mapper = mappers[DocumentKind(syntax: kind.syntax, document: kind.document.lowercased())],
          let documents = try? mapper.read(bytes), !documents.isEmpty
    else { return 0 }
    // Writing may refuse a value with a typed error (e.g. one that contains our X12 delimiter
    // because the input declared other delimiters); what is written must read back the same.
    guard let written = try? mapper.write(documents) else { return 0 }
    guard let again = try? mapper.read(written), again == documents else {
        fatalError("read(write(read(x))) != read(x) for \(mapper.definition.file)")
    }
    return 0
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
