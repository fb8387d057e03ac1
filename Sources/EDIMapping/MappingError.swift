/// Why a mapping could not be loaded or applied. Every case names the mapping file; runtime
/// cases also name the binding and the position in the document.
public enum MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The mapping, a table or a schema file is malformed (`line` is the YAML/JSON line).
    case definition(file: String, line: Int?, message: String)
    /// A binding failed while reading or writing a document.
    case binding(file: String, binding: String, position: String, message: String)
    /// The input document could not be parsed at all.
    case input(file: String, message: String)
    /// The canonical JSON does not satisfy the mapping's schema.
    case schema(file: String, violations: [String])
    /// `error` happened on one document of many read from `source` (1-based `number`, starting on `line`).
    indirect case document(source: String, number: Int, line: Int, error: MappingError)

    /// One line for logs and the command line.
    public var description: String {
        switch self {
        case let .definition(file, line?, message): "\(file):\(line): \(message)"
        case let .definition(file, nil, message): "\(file): \(message)"
        case let .binding(file, binding, position, message): "\(file): binding \(binding) at \(position): \(message)"
        case let .input(file, message): "\(file): input: \(message)"
        case let .schema(file, violations): "\(file): canonical JSON fails its schema: " + violations.joined(separator: "; ")
        case let .document(source, number, line, error): "\(source), document \(number) (line \(line)): \(error.description)"
        }
    }
}
