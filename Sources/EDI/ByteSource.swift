#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Musl)
import Musl
private let systemRead = Musl.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Something the reader pulls bytes from, chunk by chunk.
public protocol ByteSource {
    /// Fills up to `buffer.count` bytes; returns 0 at the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EDIReadError) -> Int
}

/// Bytes already in memory.
public struct InMemoryByteSource: ByteSource {
    let bytes: [UInt8]
    var position = 0

    /// Reads from the given bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Copies the next chunk.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EDIReadError) -> Int {
        let n = min(buffer.count, bytes.count - position)
        if n <= 0 { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[position..<(position + n)]))
        }
        position += n
        return n
    }
}

/// A file read with plain POSIX calls (no Foundation), so memory stays at one chunk.
public final class FileByteSource: ByteSource {
    let descriptor: Int32
    let path: String

    /// Opens the file for reading.
    public init(path: String) throws(EDIReadError) {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw .io(path: path, errno: errno) }
        descriptor = fd
        self.path = path
    }

    deinit { close(descriptor) }

    /// The file size in bytes, when known.
    public var size: Int? {
        var st = stat()
        return fstat(descriptor, &st) == 0 ? Int(st.st_size) : nil
    }

    /// Reads the next chunk.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(EDIReadError) -> Int {
        while true {
            let n = systemRead(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .io(path: path, errno: errno)
        }
    }
}
