import EDIMapping
import Foundation

/// The repository's edi-mappings/, found from this file's path.
let catalogue = MappingCatalogue(root: URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("edi-mappings").path)

// Loaded once: the fuzzer exercises the mapping of inputs, not YAML loading.
let mappers: [DocumentMapper] = ["xml/adf-lead.yaml", "x12/867-sell-through.yaml", "x12/845-promotion.yaml"].compactMap {
    try? DocumentMapper(catalogue.mapping($0))
}

/// libFuzzer entry point: the first byte picks a mapping; the rest is the partner document.
/// Reading must give canonical JSON or a typed `MappingError`; JSON that was read and could be
/// written must read back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1, !mappers.isEmpty else { return 0 }
    let mapper = mappers[Int(data[0]) % mappers.count]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    guard let documents = try? mapper.read(bytes), !documents.isEmpty else { return 0 }
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
        print("replayed \(count) inputs")
    }
}
#endif
