/// Splits a migration file into statements, because PostgreSQL's extended protocol (the only
/// one PostgresNIO speaks) runs one statement at a time.
///
/// A `;` ends a statement unless it is inside a quoted string, a quoted identifier, a
/// dollar-quoted body (`$$ … $$`, `$tag$ … $tag$`) or a comment.
public enum SQLScript {
    public static func statements(_ script: String) -> [String] {
        let bytes = Array(script.utf8)
        var statements: [String] = []
        var start = 0
        var index = 0
        func flush(upTo end: Int) {
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            if !isBlank(text) { statements.append(text.trimmingWhitespace()) }
        }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                index = skipQuoted(bytes, from: index, quote: bytes[index])
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index = skipBlockComment(bytes, from: index)
            case UInt8(ascii: "$"):
                index = skipDollarQuoted(bytes, from: index)
            case UInt8(ascii: ";"):
                flush(upTo: index)
                index += 1
                start = index
            default:
                index += 1
            }
        }
        flush(upTo: bytes.count)
        return statements
    }

    /// Past the closing quote; a doubled quote inside is part of the text.
    private static func skipQuoted(_ bytes: [UInt8], from open: Int, quote: UInt8) -> Int {
        var index = open + 1
        while index < bytes.count {
            if bytes[index] == quote {
                if index + 1 < bytes.count && bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return index
    }

    /// Past the closing `*/`, counting nested comments as PostgreSQL does.
    private static func skipBlockComment(_ bytes: [UInt8], from open: Int) -> Int {
        var depth = 0
        var index = open
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return bytes.count
    }

    /// Past the closing `$tag$` when `open` starts a dollar quote; otherwise just past the `$` (a parameter like `$1`).
    private static func skipDollarQuoted(_ bytes: [UInt8], from open: Int) -> Int {
        var tagEnd = open + 1
        while tagEnd < bytes.count, isTagByte(bytes[tagEnd]) { tagEnd += 1 }
        guard tagEnd < bytes.count, bytes[tagEnd] == UInt8(ascii: "$"),
            tagEnd == open + 1 || !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[open + 1])
        else { return open + 1 }
        let tag = Array(bytes[open...tagEnd])
        var index = tagEnd + 1
        while index + tag.count <= bytes.count {
            if bytes[index] == UInt8(ascii: "$") && Array(bytes[index..<index + tag.count]) == tag {
                return index + tag.count
            }
            index += 1
        }
        return bytes.count
    }

    private static func isTagByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    /// Whether `text` holds nothing but whitespace and comments.
    private static func isBlank(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { line in
            let trimmed = line.trimmingWhitespace()
            return trimmed.isEmpty || trimmed.hasPrefix("--")
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
