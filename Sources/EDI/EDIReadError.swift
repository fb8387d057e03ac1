/// Why an input could not be read as EDI at all (as opposed to envelope or guide errors, which are reported, not thrown).
public enum EDIReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input has no bytes (or only white space).
    case empty
    /// The input does not start with ISA, UNA or UNB at the given offset; `looksBinary` when it holds control bytes.
    case notEDI(offset: Int, looksBinary: Bool)
    /// The input ends inside the fixed-width ISA header or the UNA advice.
    case truncatedHeader(offset: Int)
    /// The ISA header's delimiters are not usable (alphanumeric or not distinct), or the UNA's.
    case invalidDelimiters(offset: Int)
    /// A segment grows past the limit without a terminator: binary data or a wrong terminator.
    case segmentTooLong(offset: Int, limit: Int)
    /// One transaction set or message exceeds the memory limit of the streaming reader.
    case transactionSetTooLarge(offset: Int, limit: Int)
    /// The operating system refused to open or read the file.
    case io(path: String, errno: Int32)

    /// A message for people.
    public var description: String {
        switch self {
        case .empty:
            return "the file is empty: no EDI interchange found"
        case let .notEDI(offset, looksBinary):
            return looksBinary
                ? "the file looks binary, not EDI (byte \(offset) is not an ISA, UNA or UNB header)"
                : "not an EDI interchange: expected ISA, UNA or UNB at byte \(offset)"
        case let .truncatedHeader(offset):
            return "the file is truncated: the interchange header at byte \(offset) is incomplete"
        case let .invalidDelimiters(offset):
            return "the interchange header at byte \(offset) declares unusable delimiters (letters, digits or duplicates)"
        case let .segmentTooLong(offset, limit):
            return "no segment terminator within \(limit) bytes after byte \(offset): binary data or a wrong terminator"
        case let .transactionSetTooLarge(offset, limit):
            return "the transaction set at byte \(offset) is larger than \(limit) bytes"
        case let .io(path, errno):
            return "cannot read \(path) (errno \(errno))"
        }
    }
}
