// One measurement per process, so peak memory belongs to that measurement alone.
// Usage: edi-bench envelope|guide|tokenize FILE [--guides DIR]
// Prints one JSON line: seconds (wall), cpu, peak_rss_mb, and counts.
// Helper modes for scripts/edi-differential.py: `ack FILE [--guides DIR]` prints the 997 or CONTRL,
// `json FILE` prints the segment tree.
import EDI
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func cpuSeconds() -> Double {
    var ru = rusage()
    getrusage(RUSAGE_SELF.rawValue, &ru)
    return Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6 + Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6
}

func peakRSSMegabytes() -> Double {
    var ru = rusage()
    getrusage(RUSAGE_SELF.rawValue, &ru)
    return Double(ru.ru_maxrss) / 1024
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 2 else {
    FileHandleless.fail("usage: edi-bench envelope|guide|tokenize FILE [--guides DIR]")
}
let mode = args[0]
let path = args[1]
var guidesDir: String?
if let i = args.firstIndex(of: "--guides"), i + 1 < args.count { guidesDir = args[i + 1] }

enum FileHandleless {
    static func fail(_ message: String) -> Never {
        _ = message.withCString { write(2, $0, strlen($0)) }; _ = write(2, "\n", 1)
        exit(2)
    }
}

do {
    var checker: (any TransactionSetChecker)?
    if mode == "guide" || (mode == "ack" && guidesDir != nil) {
        guard let dir = guidesDir else { FileHandleless.fail("guide mode needs --guides DIR") }
        checker = try GuideCatalog.load(directory: dir)
    }
    if mode == "ack" {
        let settings = AcknowledgmentSettings(interchangeControlNumber: 1, groupControlNumber: 1, firstSetControlNumber: 1, date: "20240101", time: "0000")
        let ack = try EDITool.acknowledge(source: try FileByteSource(path: path), choice: .automatic, settings: settings, checker: checker)
        print(String(decoding: ack, as: UTF8.self))
        exit(0)
    }
    if mode == "json" {
        try EDITool.json(source: try FileByteSource(path: path), sink: { bytes in _ = bytes.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count) } })
        exit(0)
    }
    let t0 = now()
    let c0 = cpuSeconds()
    let source = try FileByteSource(path: path)
    let size = source.size ?? 0
    var sets = 0
    var segments = 0
    var rejected = 0
    var errors = 0
    if mode == "tokenize" {
        let reader = InterchangeReader(source: source)
        while let e = try reader.next() {
            if case let .transactionSet(t) = e {
                sets += 1
                segments += t.segmentCount
            }
        }
    } else {
        let reports = try EDIValidation.validate(source: source, checker: checker, keepAcceptedSets: false)
        for r in reports {
            sets += r.setsReceived
            rejected += r.setsReceived - r.setsAccepted
            errors += r.issues.count
        }
    }
    let wall = now() - t0
    let cpu = cpuSeconds() - c0
    let mb = Double(size) / 1e6
    print("{\"mode\":\"\(mode)\",\"bytes\":\(size),\"seconds\":\(wall),\"cpu\":\(cpu),\"mb_per_s\":\(mb / wall),\"mb_per_s_cpu\":\(mb / cpu),\"peak_rss_mb\":\(peakRSSMegabytes()),\"sets\":\(sets),\"segments\":\(segments),\"rejected_sets\":\(rejected),\"interchange_errors\":\(errors)}")
} catch {
    FileHandleless.fail("edi-bench: \(error)")
}
