/// A linear pass over the raw bytes that refuses hostile shapes before libxml2 sees them.
///
/// libxml2 2.9.14 has no attribute-count limit and checks duplicate attributes in quadratic
/// time, and it would read a DOCTYPE before our SAX hook can stop it; a byte-level scan is
/// cheap and makes every refusal O(n) in the input size.
struct XMLPrescanner {
    let limits: XMLLimits

    private enum State {
        case content, comment, cdata, processingInstruction, endTag, startTag
    }

    func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(XMLError) {
        var state = State.content
        var line = 1
        var column = 1
        var depth = 0
        var sectionStart = 0
        var tagStart = 0
        var tagPosition = XMLPosition(line: 1, column: 1)
        var attributes = 0
        var quote: UInt8 = 0
        var i = 0
        let count = bytes.count

        while i < count {
            let byte = bytes[i]
            if byte >= 0x80 {
                let length = try Self.utf8SequenceLength(bytes, at: i, position: XMLPosition(line: line, column: column))
                column += 1
                i += length
                if state == .startTag, i - tagStart > limits.maxStartTagBytes {
                    throw .startTagTooLarge(limit: limits.maxStartTagBytes, at: tagPosition)
                }
                continue
            }
            switch state {
            case .content:
                if byte == UInt8(ascii: "<") {
                    let position = XMLPosition(line: line, column: column)
                    let next = i + 1 < count ? bytes[i + 1] : 0
                    if next == UInt8(ascii: "!") {
                        if Self.matches(bytes, at: i, "<!--") {
                            state = .comment
                            sectionStart = i + 4
                            i += 4; column += 4
                            continue
                        }
                        if Self.matches(bytes, at: i, "<![CDATA[") {
                            state = .cdata
                            sectionStart = i + 9
                            i += 9; column += 9
                            continue
                        }
                        throw .doctypeNotAllowed(at: position)
                    } else if next == UInt8(ascii: "?") {
                        state = .processingInstruction
                        sectionStart = i + 2
                        i += 2; column += 2
                        continue
                    } else if next == UInt8(ascii: "/") {
                        state = .endTag
                        depth = max(0, depth - 1)
                        i += 2; column += 2
                        continue
                    } else {
                        state = .startTag
                        tagStart = i
                        tagPosition = position
                        attributes = 0
                        quote = 0
                    }
                }
            case .comment:
                if byte == UInt8(ascii: ">"), i >= sectionStart + 2,
                   bytes[i - 1] == UInt8(ascii: "-"), bytes[i - 2] == UInt8(ascii: "-") {
                    state = .content
                }
            case .cdata:
                if byte == UInt8(ascii: ">"), i >= sectionStart + 2,
                   bytes[i - 1] == UInt8(ascii: "]"), bytes[i - 2] == UInt8(ascii: "]") {
                    state = .content
                }
            case .processingInstruction:
                if byte == UInt8(ascii: ">"), i >= sectionStart + 1, bytes[i - 1] == UInt8(ascii: "?") {
                    state = .content
                }
            case .endTag:
                if byte == UInt8(ascii: ">") { state = .content }
            case .startTag:
                if i - tagStart >= limits.maxStartTagBytes {
                    throw .startTagTooLarge(limit: limits.maxStartTagBytes, at: tagPosition)
                }
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "=") {
                    attributes += 1
                    if attributes > limits.maxAttributesPerElement {
                        throw .tooManyAttributes(limit: limits.maxAttributesPerElement, at: tagPosition)
                    }
                } else if byte == UInt8(ascii: ">") {
                    if bytes[i - 1] != UInt8(ascii: "/") {
                        depth += 1
                        if depth > limits.maxDepth {
                            throw .nestingTooDeep(limit: limits.maxDepth, at: tagPosition)
                        }
                    }
                    state = .content
                }
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
            i += 1
        }
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard offset + length <= bytes.count else { return false }
        let start = literal.utf8Start
        for k in 0..<length where bytes[offset + k] != start[k] { return false }
        return true
    }

    /// Length of the well-formed UTF-8 sequence starting at `offset` (RFC 3629: no overlongs,
    /// no surrogates, nothing above U+10FFFF).
    static func utf8SequenceLength(
        _ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, position: XMLPosition
    ) throws(XMLError) -> Int {
        let lead = bytes[offset]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw .invalidUTF8(byteOffset: offset, at: position)
        }
        guard offset + length <= bytes.count else { throw .invalidUTF8(byteOffset: offset, at: position) }
        let second = bytes[offset + 1]
        guard second >= low, second <= high else { throw .invalidUTF8(byteOffset: offset, at: position) }
        for k in 2..<max(2, length) where bytes[offset + k] & 0xC0 != 0x80 {
            throw .invalidUTF8(byteOffset: offset + k, at: position)
        }
        return length
    }
}
