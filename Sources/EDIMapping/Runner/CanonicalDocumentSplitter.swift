import Foundation

/// Cuts a stream of canonical JSON into its documents as the bytes arrive, holding one document at a
/// time: NDJSON (or objects one after another, pretty-printed or not), or one top-level array whose
/// elements are the documents. It only finds where each object ends (strings and nesting); the JSON
/// parser judges the object itself.
public struct CanonicalDocumentSplitter {
    /// One document's bytes and where it started.
    public struct Document {
        /// The object, from `{` to its `}`.
        public var bytes: [UInt8]
        /// Line of its `{` (1-based).
        public var line: Int
        /// Its position among the documents (1-based).
        public var number: Int
    }

    /// Why the input is not a sequence or an array of JSON objects.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        /// Line of the problem (1-based).
        public var line: Int
        /// What is wrong.
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    private enum Layout {
        /// Nothing but white space (and a byte order mark) yet.
        case undecided
        /// Objects one after another.
        case sequence
        /// Inside the top-level array: `expectsElement` after `[` and `,`.
        case array(expectsElement: Bool, openedOn: Int)
        /// After the top-level array's `]`: only white space may follow.
        case closed
    }

    private var layout = Layout.undecided
    private var line = 1
    private var offset = 0
    private var documents = 0
    private var byteOrderMarkBytes = 0
    // The object being read: its bytes so far, nesting depth, string state and first line.
    private var current: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var documentLine = 0

    /// Creates a splitter at the start of the input.
    public init() {}

    /// Scans the next bytes of the input and hands every document they complete to `emit`.
    public mutating func feed<E: Error>(_ chunk: UnsafeRawBufferPointer, emit: (Document) throws(E) -> Void) throws(SplitError<E>) {
        var start = 0  // where the part of `chunk` that belongs to the current object begins
        for index in 0..<chunk.count {
            let byte = chunk[index]
            defer {
                offset += 1
                if byte == 0x0A { line += 1 }
            }
            if depth > 0 {
                if inString {
                    if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                    continue
                }
                switch byte {
                case 0x22: inString = true
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth == 0 {
                        current.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start...index]))
                        try finishDocument(emit)
                    }
                default: break
                }
                continue
            }
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { continue }
            if offset == byteOrderMarkBytes, offset < 3, byte == [0xEF, 0xBB, 0xBF][offset] {
                byteOrderMarkBytes += 1
                continue
            }
            switch (layout, byte) {
            case (.undecided, 0x5B):
                layout = .array(expectsElement: true, openedOn: line)
            case (.undecided, 0x7B), (.sequence, 0x7B), (.array(true, _), 0x7B):
                if case .undecided = layout { layout = .sequence }
                depth = 1
                documentLine = line
                start = index
            case let (.array(false, openedOn), 0x2C):
                layout = .array(expectsElement: true, openedOn: openedOn)
            case (.array(false, _), 0x5D):
                layout = .closed
            case (.array(true, _), 0x5D) where documents == 0:
                layout = .closed
            case (.array(true, _), 0x5D):
                throw .syntax(SyntaxError(line: line, message: "a comma before `]`: the array ends without a last document"))
            case (.array(false, _), _):
                throw .syntax(SyntaxError(line: line, message: "expected `,` or `]` after document \(documents), found \(Self.show(byte))"))
            case (.closed, _):
                throw .syntax(SyntaxError(line: line, message: "\(Self.show(byte)) after the end of the top-level array"))
            default:
                throw .syntax(SyntaxError(line: line, message: "expected a JSON object (a canonical document), found \(Self.show(byte))"))
            }
        }
        if depth > 0 { current.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start...])) }
    }

    /// `feed(_:emit:)` for bytes held in an array, `Data` or a slice.
    public mutating func feed<E: Error>(_ bytes: some ContiguousBytes, emit: (Document) throws(E) -> Void) throws(SplitError<E>) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(SplitError<E>) in try feed(buffer, emit: emit) }
        }.get()
    }

    /// Checks that the input ended cleanly; returns the number of documents.
    public func finish() throws(SyntaxError) -> Int {
        if depth > 0 { throw SyntaxError(line: line, message: "the input ends inside the document that starts on line \(documentLine)") }
        if case let .array(_, openedOn) = layout {
            throw SyntaxError(line: line, message: "the input ends inside the array opened on line \(openedOn) (no `]`)")
        }
        return documents
    }

    private mutating func finishDocument<E: Error>(_ emit: (Document) throws(E) -> Void) throws(SplitError<E>) {
        documents += 1
        if case let .array(_, openedOn) = layout { layout = .array(expectsElement: false, openedOn: openedOn) }
        let document = Document(bytes: current, line: documentLine, number: documents)
        current.removeAll(keepingCapacity: true)
        do throws(E) { try emit(document) } catch { throw .emit(error) }
    }

    private static func show(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "`\(Character(UnicodeScalar(byte)))`" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}

/// A splitter's failure: the input's syntax, or the error of the code that took a document.
public enum SplitError<Emit: Error>: Error {
    case syntax(CanonicalDocumentSplitter.SyntaxError)
    case emit(Emit)
}
