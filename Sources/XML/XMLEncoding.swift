/// Brings the input to UTF-8 before parsing, so libxml2 never switches encodings itself.
///
/// Partner XML (ADF leads in particular) is sometimes declared ISO-8859-1 or windows-1252;
/// those are transcoded here. Anything else that is not UTF-8 is refused.
enum XMLEncoding {
    static func utf8(_ input: [UInt8]) throws(XMLError) -> [UInt8] {
        if input.starts(with: [0xFE, 0xFF]) || input.starts(with: [0xFF, 0xFE]) {
            throw .unsupportedEncoding("UTF-16")
        }
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let declared = declaredEncoding(bytes) else { return bytes }
        switch declared {
        case "utf-8", "utf8", "us-ascii", "ascii":
            return bytes
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
            return transcode(bytes, highTable: nil)
        case "windows-1252", "cp1252":
            return transcode(bytes, highTable: windows1252)
        default:
            throw .unsupportedEncoding(declared)
        }
    }

    /// The lower-cased `encoding` pseudo-attribute of a leading XML declaration.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(512)
        guard head.starts(with: Array("<?xml".utf8)),
              let end = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let declaration = String(decoding: head[..<end], as: UTF8.self)
        let characters = Array(declaration)
        let keyword = Array("encoding")
        guard characters.count > keyword.count,
              let start = (0...(characters.count - keyword.count)).first(where: {
                  Array(characters[$0..<($0 + keyword.count)]) == keyword
              })
        else { return nil }
        var rest = characters[(start + keyword.count)...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        rest = rest.dropFirst()
        return String(rest.prefix { $0 != quote }).lowercased()
    }

    private static func transcode(_ bytes: [UInt8], highTable: [UInt32]?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            var scalar = UInt32(byte)
            if let highTable, (0x80...0x9F).contains(byte) { scalar = highTable[Int(byte) - 0x80] }
            if let unicode = Unicode.Scalar(scalar) {
                out.append(contentsOf: String(unicode).utf8)
            }
        }
        return out
    }

    /// windows-1252 code points for 0x80…0x9F; unassigned bytes keep their C1 value.
    private static let windows1252: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
