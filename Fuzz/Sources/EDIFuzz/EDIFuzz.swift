// libFuzzer entry point: any trap, sanitizer report, hang or runaway allocation is a finding.
// Built with -DFUZZING for libFuzzer; without it the same code replays corpus files given on the command line.
#if !SINGLE_MODULE
import EDI
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The repository's guides, loaded once (EDI_GUIDES overrides the folder; run from Fuzz/ by default).
let fuzzGuides: GuideCatalog? = {
    let dir = getenv("EDI_GUIDES").map { String(cString: $0) } ?? "../edi-mappings/guides"
    return try? GuideCatalog.load(directory: dir)
}()

let fuzzSettings = AcknowledgmentSettings(interchangeControlNumber: 1, groupControlNumber: 1, firstSetControlNumber: 1, date: "20240101", time: "0000")

/// Runs one input through every stage; traps only on a broken invariant (a real bug).
func fuzzOne(_ bytes: [UInt8]) {
    // Streaming with small chunks, so segments straddle refills.
    let reader = InterchangeReader(source: InMemoryByteSource(bytes), chunkSize: 256, maxTransactionSetBytes: 1 << 20)
    var validator = EnvelopeValidator(checker: fuzzGuides)
    var reports: [InterchangeReport] = []
    var streamed: [UInt8] = []
    do {
        while let e = try reader.next() {
            switch e {
            case let .interchangeHeader(h): streamed += h.store.bytes
            case let .groupHeader(s), let .groupTrailer(s), let .interchangeTrailer(s), let .straySegment(s): streamed += s.rawBytes
            case let .transactionSet(t): streamed += t.store.bytes
            }
            if let r = validator.consume(e) { reports.append(r) }
        }
        if let r = validator.finish(at: reader.bytesRead) { reports.append(r) }
    } catch {
        return
    }
    // Every byte read must come back out, in order.
    if streamed != Array(bytes[bytes.startIndex..<(bytes.startIndex + streamed.count)]) { fatalError("streamed bytes differ from the input") }
    for r in reports {
        switch r.standard {
        case .x12:
            _ = try? Acknowledgment.ta1(for: r, settings: fuzzSettings)
            _ = try? Acknowledgment.functional(.ack997, for: r, settings: fuzzSettings)
            _ = try? Acknowledgment.functional(.ack999, for: r, settings: fuzzSettings)
        case .edifact:
            _ = try? Acknowledgment.contrl(for: r, settings: fuzzSettings)
        }
    }
    // The JSON writer sees every event shape; parsing the JSON back (Foundation) is left to the unit tests, as it would dominate the run.
    var json: [UInt8] = []
    _ = try? EDITool.json(source: InMemoryByteSource(bytes), sink: { json += $0 })
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
/// Replays corpus files (regression run without libFuzzer).
@main
struct Replay {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let f = fopen(path, "rb") else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&chunk, 1, chunk.count, f)
                if n <= 0 { break }
                bytes += chunk[0..<n]
            }
            fclose(f)
            fuzzOne(bytes)
            count += 1
        }
        print("replayed \(count) inputs")
    }
}
#endif
