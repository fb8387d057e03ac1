/// A two-column code table: partner codes on the left, canonical values on the right.
/// Read looks left to right, write right to left (the first code listed for a value wins).
public struct CodeTable: Sendable, Hashable {
    /// What to do with a code or value the table does not list.
    public enum Unknown: String, Sendable, Hashable {
        /// Fail the binding.
        case error
        /// Pass the value through unchanged.
        case pass
    }

    /// The table's name (its file name without extension).
    public var name: String
    /// Partner code → canonical value.
    public var codes: [String: String]
    /// Canonical value → partner code.
    public var values: [String: String]
    /// Policy for unlisted entries.
    public var unknown: Unknown
    /// Read matches codes ignoring case (for lenient XML such as ADF).
    public var caseInsensitive: Bool

    /// Loads a table file.
    static func load(_ text: String, file: String, name: String) throws(MappingError) -> CodeTable {
        let node = try MappingNode.parse(text, file: file)
        guard let pairs = node["codes"]?.pairs else {
            throw .definition(file: file, line: node.line, message: "a code table needs a `codes:` mapping")
        }
        var table = CodeTable(name: name, codes: [:], values: [:], unknown: .error, caseInsensitive: false)
        if let policy = node["on_unknown"]?.text {
            guard let unknown = Unknown(rawValue: policy) else {
                throw .definition(file: file, line: node["on_unknown"]?.line, message: "on_unknown must be error or pass")
            }
            table.unknown = unknown
        }
        table.caseInsensitive = node["case_insensitive"]?.text == "true"
        for (code, value) in pairs {
            guard let canonical = value.text else {
                throw .definition(file: file, line: value.line, message: "code \(code) must map to a scalar")
            }
            table.codes[table.caseInsensitive ? code.lowercased() : code] = canonical
            if table.values[canonical] == nil { table.values[canonical] = code }
        }
        return table
    }

    func read(_ code: String) -> String? {
        codes[caseInsensitive ? code.lowercased() : code] ?? (unknown == .pass ? code : nil)
    }

    func write(_ value: String) -> String? {
        values[value] ?? (unknown == .pass ? value : nil)
    }
}
