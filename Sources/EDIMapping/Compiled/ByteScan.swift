/// Tests on eight bytes at once (one unaligned load), for the scans the compiled reader makes
/// over every element: most words hold no byte of interest, so they are skipped whole.
enum ByteScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    @inline(__always) static func word(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }

    /// The high bit of each zero byte of `word`. Only the lowest set bit is exact (a borrow can
    /// mark a byte above a zero byte too), which is enough to find the first one.
    @inline(__always) static func zeros(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highs
    }

    /// Whether any byte is below 0x20 or not ASCII, or a quote or backslash: the bytes a
    /// JSON string escapes, or leaves to `Codec`.
    @inline(__always) static func needsAttention(_ word: UInt64) -> Bool {
        attention(word) != 0
    }

    /// The bytes of `needsAttention` marked by their high bit (exact up to the first one).
    @inline(__always) static func attention(_ word: UInt64) -> UInt64 {
        let control = (word &- ones &* 0x20) & ~word & highs
        return control | (word & highs) | zeros(word ^ (ones &* 0x22)) | zeros(word ^ (ones &* 0x5C))
    }

    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for index in 0..<a.count where a[index] != b[index] { return false }
        return true
    }

    static func isASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = text.baseAddress else { return true }
        var index = 0
        while index + 8 <= text.count {
            if word(start + index) & highs != 0 { return false }
            index += 8
        }
        while index < text.count {
            if start[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }
}
