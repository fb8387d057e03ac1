import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a fixture from the test bundle.
func fixture(_ path: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(path)", withExtension: nil))
    return try Array(Data(contentsOf: url))
}

/// Current resident set size in bytes (from /proc/self/statm; 0 where there is no /proc).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Peak resident set size of the process so far, in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024  // kilobytes on Linux
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Int(usage.ru_maxrss)  // bytes on Darwin
    #endif
}

/// What one call cost: wall time and memory growth (current and peak RSS).
struct Cost {
    var duration: Duration
    var residentGrowth: Int
    var peakGrowth: Int

    static func of(_ body: () -> Void) -> Cost {
        let resident = residentBytes()
        let peak = peakResidentBytes()
        let clock = ContinuousClock()
        let start = clock.now
        body()
        let duration = clock.now - start
        return Cost(
            duration: duration,
            residentGrowth: residentBytes() - resident,
            peakGrowth: peakResidentBytes() - peak
        )
    }
}
