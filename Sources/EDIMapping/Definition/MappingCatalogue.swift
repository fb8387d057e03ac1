import Foundation

/// The `edi-mappings/` folder: loads mappings (applying partner overlays), code tables and
/// canonical schemas. Paths in errors are relative to the catalogue root.
public struct MappingCatalogue: Sendable {
    /// Absolute path of the catalogue folder.
    public let root: String

    /// Opens the catalogue at `root`.
    public init(root: String) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// Loads a mapping by its path relative to the root (`xml/adf-lead.yaml`).
    public func mapping(_ relativePath: String) throws(MappingError) -> MappingDefinition {
        let node = try resolvedNode(relativePath, depth: 0)
        return try decode(node, file: relativePath)
    }

    func read(_ relativePath: String, from file: String, line: Int?) throws(MappingError) -> String {
        let full = absolute(relativePath)
        guard let data = FileManager.default.contents(atPath: full) else {
            throw .definition(file: file, line: line, message: "cannot read \(relativePath)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `path` resolved against the root.
    public func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : root + "/" + path
    }

    /// A path relative to the root, given relative to a file in the catalogue.
    static func sibling(_ path: String, of file: String) -> String {
        let directory = file.split(separator: "/").dropLast().joined(separator: "/")
        var parts = directory.isEmpty ? [] : directory.split(separator: "/").map(String.init)
        for part in path.split(separator: "/") {
            if part == ".." { if !parts.isEmpty { parts.removeLast() } } else if part != "." { parts.append(String(part)) }
        }
        return parts.joined(separator: "/")
    }

    /// The mapping node with `extends` + `patch` applied, recursively.
    func resolvedNode(_ file: String, depth: Int) throws(MappingError) -> MappingNode {
        guard depth < 8 else { throw .definition(file: file, line: nil, message: "`extends` chain is too long (a cycle?)") }
        let node = try MappingNode.parse(try read(file, from: file, line: nil), file: file)
        guard let base = node["extends"] else { return node }
        guard let baseFile = base.text else { throw .definition(file: file, line: base.line, message: "`extends` must be a path") }
        var merged = try resolvedNode(Self.sibling(baseFile, of: file), depth: depth + 1)
        // The overlay's own top-level keys (partner, tests, version …) replace the base's.
        for (key, value) in node.pairs ?? [] where !["extends", "patch", "bindings"].contains(key) {
            merged = merged.setting(key, to: value)
        }
        if let patches = node["patch"] {
            guard let items = patches.items else { throw .definition(file: file, line: patches.line, message: "`patch` must be a list") }
            var bindings = merged["bindings"] ?? .list([], line: 0)
            for patch in items { bindings = try OverlayPatch.apply(patch, to: bindings, file: file) }
            merged = merged.setting("bindings", to: bindings)
        }
        return merged
    }

    func decode(_ node: MappingNode, file: String) throws(MappingError) -> MappingDefinition {
        func required(_ key: String) throws(MappingError) -> String {
            guard let value = node[key]?.text else { throw .definition(file: file, line: node.line, message: "missing `\(key):`") }
            return value
        }
        guard let syntax = MappingSyntax(rawValue: try required("syntax")) else {
            throw .definition(file: file, line: node["syntax"]?.line, message: "`syntax` must be xml, x12 or edifact")
        }
        var tables: [String: CodeTable] = [:]
        let decoder = MappingDecoder(file: file, syntax: syntax) { (name: String, line: Int) throws(MappingError) -> CodeTable in
            if let table = tables[name] { return table }
            let tableFile = "tables/\(name).yaml"
            let table = try CodeTable.load(try read(tableFile, from: file, line: line), file: tableFile, name: name)
            tables[name] = table
            return table
        }
        var definition = MappingDefinition(
            name: try required("mapping"),
            version: node["version"]?.text.flatMap { Int($0) } ?? 1,
            file: file,
            partner: node["partner"]?.text,
            syntax: syntax,
            schema: nil,
            tests: [],
            xml: nil,
            edi: nil,
            bindings: try decoder.bindings(node["bindings"], parentID: "")
        )
        definition.plan = EDIPlan.build(&definition.bindings)
        if let schemaFile = node["schema"]?.text {
            let text = try read(schemaFile, from: file, line: node["schema"]?.line)
            do {
                definition.schema = try JSONSchema(try JSONText.parse(text))
            } catch let error as JSONSyntaxError {
                throw .definition(file: schemaFile, line: nil, message: error.description)
            } catch let error as JSONSchemaError {
                throw .definition(file: schemaFile, line: nil, message: error.description)
            } catch {
                throw .definition(file: schemaFile, line: nil, message: "\(error)")
            }
        }
        for test in node["tests"]?.items ?? [] {
            guard let input = test["input"]?.text, let json = test["json"]?.text else {
                throw .definition(file: file, line: test.line, message: "a test needs `input:` and `json:`")
            }
            definition.tests.append(GoldenTest(
                input: Self.sibling(input, of: file), json: Self.sibling(json, of: file),
                roundTrip: test["roundtrip"]?.text != "false"))
        }
        switch syntax {
        case .xml:
            let settings = node["xml"]
            var xml = XMLSettings(root: try required("document"))
            xml.namespace = settings?["namespace"]?.text
            xml.lenient = settings?["lenient"]?.text == "true"
            for instruction in settings?["processing_instructions"]?.items ?? [] {
                guard let target = instruction["target"]?.text else {
                    throw .definition(file: file, line: instruction.line, message: "a processing instruction needs `target:`")
                }
                xml.processingInstructions.append(XMLProcessingInstructionSetting(target: target, data: instruction["data"]?.text ?? ""))
            }
            definition.xml = xml
        case .x12, .edifact:
            var edi = EDISettings(document: try required("document"))
            edi.release = node["release"]?.text
            if let group = node["functional_group"] {
                guard syntax == .x12, let code = group.text, code.count == 2, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                    throw .definition(file: file, line: group.line, message: "`functional_group` is the X12 GS01 code: two capital letters (PT for an 867)")
                }
                edi.functionalGroup = code
            }
            for item in node["trailer"]?.items ?? [] {
                guard let text = item.text, let path = EDIPath.parse(text), path.segment != nil, path.element == nil else {
                    throw .definition(file: file, line: item.line, message: "a trailer entry is a segment (`CTT`, `AMT[01=TT]`)")
                }
                edi.trailer.append(path)
            }
            edi.idPairs = try IDPairs.resolve(node["id_pairs"], bindings: &definition.bindings, file: file)
            definition.edi = edi
            if definition.bindings.contains(where: { if case let .edi(path)? = $0.path { path.segment == nil } else { false } }) {
                throw .definition(file: file, line: node.line, message: "top-level EDI paths must name a segment")
            }
        }
        return definition
    }
}

/// Partner overlays: `{op: replace|remove|add, id: …}` applied to binding nodes by `id`.
enum OverlayPatch {
    static func apply(_ patch: MappingNode, to bindings: MappingNode, file: String) throws(MappingError) -> MappingNode {
        guard let op = patch["op"]?.text else { throw .definition(file: file, line: patch.line, message: "a patch needs `op:`") }
        switch op {
        case "replace":
            guard let id = patch["id"]?.text else { throw .definition(file: file, line: patch.line, message: "replace needs `id:`") }
            var fields: [(key: String, value: MappingNode)] = patch["set"]?.pairs ?? []
            if let key = patch["path"]?.text, let value = patch["value"] { fields.append((key, value)) }
            guard !fields.isEmpty else { throw .definition(file: file, line: patch.line, message: "replace needs `set:` or `path:` + `value:`") }
            return try edit(bindings, id: id, file: file, line: patch.line) { list, index in
                var binding = list[index]
                for (key, value) in fields { binding = binding.setting(key, to: value) }
                list[index] = binding
            }
        case "remove":
            guard let id = patch["id"]?.text else { throw .definition(file: file, line: patch.line, message: "remove needs `id:`") }
            return try edit(bindings, id: id, file: file, line: patch.line) { list, index in list.remove(at: index) }
        case "add":
            guard let value = patch["value"] else { throw .definition(file: file, line: patch.line, message: "add needs `value:`") }
            if let after = patch["after"]?.text {
                return try edit(bindings, id: after, file: file, line: patch.line) { list, index in list.insert(value, at: index + 1) }
            }
            if let before = patch["before"]?.text {
                return try edit(bindings, id: before, file: file, line: patch.line) { list, index in list.insert(value, at: index) }
            }
            if let into = patch["into"]?.text {
                return try edit(bindings, id: into, file: file, line: patch.line) { list, index in
                    let children = list[index]["bindings"]?.items ?? []
                    list[index] = list[index].setting("bindings", to: .list(children + [value], line: value.line))
                }
            }
            return .list((bindings.items ?? []) + [value], line: bindings.line)
        default:
            throw .definition(file: file, line: patch.line, message: "unknown patch op `\(op)`")
        }
    }

    /// Finds the binding with `id` at any depth and lets `change` edit its list.
    private static func edit(
        _ bindings: MappingNode, id: String, file: String, line: Int,
        _ change: (inout [MappingNode], Int) -> Void
    ) throws(MappingError) -> MappingNode {
        guard let result = search(bindings, id: id, change) else {
            throw .definition(file: file, line: line, message: "no binding with id `\(id)` to patch")
        }
        return result
    }

    private static func search(_ bindings: MappingNode, id: String, _ change: (inout [MappingNode], Int) -> Void) -> MappingNode? {
        guard var items = bindings.items else { return nil }
        if let index = items.firstIndex(where: { $0["id"]?.text == id }) {
            change(&items, index)
            return .list(items, line: bindings.line)
        }
        for (index, item) in items.enumerated() {
            if let children = item["bindings"], let changed = search(children, id: id, change) {
                items[index] = item.setting("bindings", to: changed)
                return .list(items, line: bindings.line)
            }
        }
        return nil
    }
}
