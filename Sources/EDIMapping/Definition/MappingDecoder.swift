/// Turns a (patched) mapping node into a `MappingDefinition`.
struct MappingDecoder {
    let file: String
    let syntax: MappingSyntax
    let table: (String, Int) throws(MappingError) -> CodeTable

    static let bindingKeys: Set<String> = [
        "id", "edi", "xml", "each", "json", "codec", "default", "emit", "required", "direction", "when", "index", "count", "sum", "hierarchy", "bindings",
    ]

    func fail(_ node: MappingNode?, _ message: String) -> MappingError {
        .definition(file: file, line: node?.line, message: message)
    }

    func bindings(_ node: MappingNode?, parentID: String) throws(MappingError) -> [Binding] {
        guard let node else { return [] }
        guard let items = node.items else { throw fail(node, "`bindings` must be a list") }
        var result: [Binding] = []
        for item in items { result.append(try binding(item, parentID: parentID)) }
        return result
    }

    func binding(_ node: MappingNode, parentID: String) throws(MappingError) -> Binding {
        guard let pairs = node.pairs else { throw fail(node, "a binding must be a mapping") }
        if let unknown = pairs.first(where: { !Self.bindingKeys.contains($0.key) }) {
            throw fail(unknown.value, "unknown binding key `\(unknown.key)`")
        }
        var binding = Binding(id: "", line: node.line)
        let pathKey = syntax == .xml ? "xml" : "edi"
        if node[syntax == .xml ? "edi" : "xml"] != nil {
            throw fail(node, "a \(syntax.rawValue) mapping uses `\(pathKey):` paths")
        }
        if let each = node["each"] {
            guard node[pathKey] == nil else { throw fail(each, "use either `each:` or `\(pathKey):`, not both") }
            binding.isLoop = true
            binding.path = try path(each)
        } else if let pathNode = node[pathKey] {
            binding.path = try path(pathNode)
        }
        if let json = node["json"] {
            guard let text = json.text else { throw fail(json, "`json` must be a JSON pointer") }
            binding.json = JSONPointer(text)
        }
        if let when = node["when"]?.text { binding.when = JSONPointer(when) }
        if let codec = node["codec"] { binding.codec = try self.codec(codec) }
        if let value = node["default"] { binding.defaultValue = value.jsonLiteral() }
        if let emit = node["emit"] {
            guard let text = emit.text else { throw fail(emit, "`emit` must be a scalar") }
            binding.emit = text
        }
        binding.required = node["required"]?.text == "true"
        binding.writesIndex = node["index"]?.text == "true"
        if let count = node["count"]?.text { binding.count = JSONPointer(count) }
        binding.hierarchy = node["hierarchy"]?.text == "true"
        if let sum = node["sum"]?.text { binding.sum = JSONPointer(sum) }
        if let direction = node["direction"] {
            switch direction.text {
            case "both": binding.direction = .both
            case "in", "read": binding.direction = .read
            case "out", "write": binding.direction = .write
            default: throw fail(direction, "`direction` must be both, in or out")
            }
        }
        let ownName = node["id"]?.text ?? binding.json.map { $0.tokens.last ?? "" } ?? binding.path?.description ?? "binding"
        binding.id = parentID.isEmpty ? ownName : parentID + "/" + ownName
        binding.children = try bindings(node["bindings"], parentID: binding.id)
        try check(binding, node: node)
        return binding
    }

    private func check(_ binding: Binding, node: MappingNode) throws(MappingError) {
        if binding.hierarchy {
            guard binding.isGroup, case let .edi(path)? = binding.path, path.segment == "HL" else {
                throw fail(node, "binding \(binding.id): `hierarchy` needs a loop or group on HL (`HL[03=S]`)")
            }
        }
        if binding.isLoop, binding.json == nil {
            throw fail(node, "binding \(binding.id): a loop needs a `json:` array pointer")
        }
        if !binding.isGroup {
            guard binding.path != nil || (binding.defaultValue != nil && binding.json != nil) else {
                throw fail(node, "binding \(binding.id): a value binding needs a path (or is a constant: `json:` + `default:`)")
            }
            if binding.json == nil, binding.emit == nil, !binding.writesIndex, binding.count == nil, binding.sum == nil {
                throw fail(node, "binding \(binding.id): give `json:`, `emit:`, `count:`, `sum:` or `index: true`")
            }
            if case let .edi(path)? = binding.path, path.element == nil {
                throw fail(node, "binding \(binding.id): an EDI value path must end in an element (`SEG/02`)")
            }
        } else if case let .edi(path)? = binding.path, path.segment == nil || path.element != nil {
            throw fail(node, "binding \(binding.id): a loop or group path names a segment (`N1[01=ST]`)")
        }
    }

    func path(_ node: MappingNode) throws(MappingError) -> SourcePath {
        guard let text = node.text else { throw fail(node, "a path must be a string") }
        switch syntax {
        case .xml:
            guard let path = XMLPath.parse(text) else { throw fail(node, "cannot read XML path `\(text)`") }
            return .xml(path)
        case .x12, .edifact:
            guard let path = EDIPath.parse(text) else { throw fail(node, "cannot read EDI path `\(text)`") }
            return .edi(path)
        }
    }

    func codec(_ node: MappingNode) throws(MappingError) -> Codec {
        let codec = try rawCodec(node)
        switch codec {
        case let .implied(scale) where !(0...18).contains(scale), let .decimal(scale?) where !(0...18).contains(scale):
            throw fail(node, "a decimal scale must be between 0 and 18")
        default:
            return codec
        }
    }

    private func rawCodec(_ node: MappingNode) throws(MappingError) -> Codec {
        if let name = node.text {
            switch name {
            case "text": return .text
            case "lowercase": return .lowercase
            case "integer": return .integer
            case "decimal": return .decimal(scale: nil)
            case "date8": return .date8
            case "date6": return .date6
            case "time": return .time
            case "datetime": return .dateTime
            default:
                if name.hasPrefix("implied"), let scale = Int(name.dropFirst(7)) { return .implied(scale) }
                throw fail(node, "unknown codec `\(name)`")
            }
        }
        if let name = node["table"]?.text { return .table(try table(name, node.line)) }
        if let scale = node["implied"]?.text.flatMap({ Int($0) }) { return .implied(scale) }
        if let decimal = node["decimal"] {
            return .decimal(scale: decimal["scale"]?.text.flatMap { Int($0) })
        }
        throw fail(node, "unknown codec")
    }
}
