import Foundation

/// A comma-separated file read strictly (RFC 4180): UTF-8, a header row, quoted fields may hold delimiters,
/// quotes (doubled) and line breaks. File-level faults (encoding, quoting) are errors; a row with the wrong
/// number of fields is kept so the importer can report it.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        /// The 1-based line on which the row starts.
        public var line: Int
        public var fields: [String]
    }

    public var header: [String]
    public var rows: [Row]

    /// What makes a file unreadable as a whole.
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { line > 0 ? "line \(line): \(message)" : message }
    }

    /// Reads `bytes` with `delimiter` (a comma, a semicolon or a tab).
    public init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) throws(FormatError) {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw FormatError(line: 0, message: "the file is UTF-16; save it as UTF-8")
        }
        try Self.checkUTF8(bytes)
        guard bytes.contains(where: { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }) else {
            throw FormatError(line: 0, message: "the file is empty: it needs a header row and at least one row")
        }
        var records = try Self.records(bytes, delimiter: delimiter)
        let header = records.removeFirst()
        self.header = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        self.rows = records
    }

    private static func records(_ bytes: ArraySlice<UInt8>, delimiter: UInt8) throws(FormatError) -> [Row] {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, rowLine = 1
        var index = bytes.startIndex
        var quoted = false, wasQuoted = false
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRow() {
            endField()
            // A blank line is not a row.
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: rowLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if quoted {
                if byte == quote {
                    if index + 1 < bytes.endIndex, bytes[index + 1] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        quoted = false
                        wasQuoted = true
                    }
                } else {
                    if byte == newline { line += 1 }
                    field.append(byte)
                }
            } else if byte == quote {
                guard field.isEmpty, !wasQuoted else {
                    throw FormatError(line: line, message: "a quote inside a field that does not start with one: quote the whole field and double the inner quotes")
                }
                quoted = true
            } else if byte == delimiter {
                endField()
            } else if byte == newline || byte == carriageReturn {
                if byte == carriageReturn, index + 1 < bytes.endIndex, bytes[index + 1] == newline { index += 1 }
                endRow()
                line += 1
                rowLine = line
            } else {
                guard !wasQuoted else {
                    throw FormatError(line: line, message: "text after the closing quote of a field")
                }
                field.append(byte)
            }
            index += 1
        }
        if quoted { throw FormatError(line: rowLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRow() }
        return rows
    }

    /// Refuses bytes that are not UTF-8, pointing at the first bad one: such files are usually
    /// Windows-1252 or Latin-1 exports, which would otherwise turn names into mojibake.
    private static func checkUTF8(_ bytes: ArraySlice<UInt8>) throws(FormatError) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += scalar.utf8.count
                if scalar == "\n" { line += 1 }
                if scalar == "\u{0}" { throw FormatError(line: line, message: "the file contains a NUL byte: it is not a text file") }
            case .emptyInput:
                return
            case .error:
                throw FormatError(
                    line: line,
                    message: "the file is not UTF-8 (bad byte at offset \(bytes.startIndex + offset)); "
                        + "it may be Windows-1252 or Latin-1: save it as UTF-8"
                )
            }
        }
    }
}
