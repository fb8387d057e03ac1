import EDI
import EDIMapping
import Foundation

/// The repository's edi-mappings/, found from this file's path.
let catalogue = MappingCatalogue(root: URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("edi-mappings").path)

/// Every base EDI mapping of the catalogue, in file order (the first input byte picks one).
let mappers: [DocumentMapper] = MappingTestRunner(catalogue: catalogue).mappingFiles().compactMap { file in
    guard let definition = try? catalogue.mapping(file), definition.partner == nil, definition.syntax != .xml else { return nil }
    return DocumentMapper(definition)
}

let parties = InterchangeParties(
    sender: PartyID(qualifier: "ZZ", id: "FUZZSENDER"), receiver: PartyID(qualifier: "ZZ", id: "FUZZRECEIVER"),
    controlNumber: 1, prepared: Date(timeIntervalSince1970: 1_773_651_600))

/// libFuzzer entry point for canonical JSON coming in (`edi translate --reverse`, later the API): byte 0 picks the
/// mapping and the chunk size, the rest is the JSON. Asserts that
/// - cutting the input into chunks finds the same documents (or the same error) as reading it whole;
/// - an interchange written from it passes the EDI module's envelope validation and reads back;
/// - reading that back and writing it again is stable (read(write(read(w))) == read(w)).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCanonical(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0, !mappers.isEmpty else { return 0 }
    let mapper = mappers[Int(data[0]) % mappers.count]
    let json = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

    let whole = Result { () throws(MappingError) in try CanonicalDocuments.parse(json) }
    let chunked = Result { () throws(MappingError) in try split(json, chunk: Int(data[0] >> 4) + 1) }
    switch (whole, chunked) {
    case let (.success(a), .success(b)) where a == b: break
    case let (.failure(a), .failure(b)) where a == b: break
    default: fatalError("chunked reading differs from whole reading: \(whole) vs \(chunked)")
    }

    var interchange: [UInt8] = []
    guard (try? StreamingWriter(mapper: mapper, interchange: parties).write(bytes: json, source: "fuzz") { interchange += $0 }) != nil else {
        return 0
    }
    guard let reports = try? EDIValidation.validate(interchange), reports.count == 1, reports[0].envelopeAccepted,
          reports[0].groups.allSatisfy({ $0.errors.isEmpty && $0.edifactErrors.isEmpty })
    else {
        fatalError("written interchange fails envelope validation: \(String(decoding: interchange, as: UTF8.self))")
    }
    guard let read = try? mapper.read(interchange), let written = try? mapper.write(read) else { return 0 }
    guard let again = try? mapper.read(written), again == read else {
        fatalError("read(write(read(w))) != read(w) for \(mapper.definition.file)")
    }
    return 0
}

/// The documents found by feeding `bytes` to the splitter `chunk` bytes at a time.
func split(_ bytes: [UInt8], chunk: Int) throws(MappingError) -> [JSONValue] {
    var splitter = CanonicalDocumentSplitter()
    var documents: [JSONValue] = []
    var start = 0
    do throws(SplitError<MappingError>) {
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            try splitter.feed(bytes[start..<end]) { (document) throws(MappingError) in
                do throws(JSONSyntaxError) { documents.append(try JSONText.parse(document.bytes)) } catch {
                    throw .input(file: "input", message: "document \(document.number) (line \(document.line)): \(error.description)")
                }
            }
            start = end
        }
        do throws(CanonicalDocumentSplitter.SyntaxError) { _ = try splitter.finish() } catch { throw .syntax(error) }
    } catch {
        switch error {
        case let .syntax(problem): throw .input(file: "input", message: problem.description)
        case let .emit(problem): throw problem
        }
    }
    return documents
}

#if !FUZZING
/// Replays corpus files without libFuzzer: `swift run CanonicalFuzz seeds/canonical/*`.
@main
struct Replay {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { fuzzCanonical($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            count += 1
        }
        print("replayed \(count) inputs with \(mappers.count) mappings")
    }
}
#endif
