import EDI
#if canImport(Glibc)
import Glibc
#endif

/// Standard output and error as raw bytes, plus the progress bar, for the `edi` subcommands.
enum EDIConsole {
    static func write(_ bytes: [UInt8], to fd: Int32 = 1) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }

    static func print(_ text: String) { write(Array(text.utf8)) }

    static func error(_ text: String) { write(Array(("partnerhub edi: " + text + "\n").utf8), to: 2) }

    /// Opens the file, with a progress bar on standard error when it is a terminal.
    static func open(_ path: String) throws(EDIReadError) -> (FileByteSource, ProgressBar?) {
        let source = try FileByteSource(path: path)
        let bar = isatty(2) == 1 ? ProgressBar(total: source.size) { write(Array($0.utf8), to: 2) } : nil
        return (source, bar)
    }
}
