/// Read access to one partner-side syntax, as the generic binding walker needs it.
protocol SourceReader {
    associatedtype Context
    /// The text at a value path, or `nil` when absent.
    func value(_ path: SourcePath, in context: Context) -> String?
    /// The context a group binding's path selects (first match), or `nil` when absent.
    func group(_ binding: Binding, in context: Context) -> Context?
    /// Every instance a loop binding's path selects, in document order.
    func instances(_ binding: Binding, in context: Context) -> [Context]
    /// Where `context` is, for error messages (`line 12`, `segment 7 (PTD)`).
    func position(of context: Context) -> String
}

/// Write access to one partner-side syntax. Nodes are created lazily: a group or loop
/// instance only appears in the output once a value is written inside it.
protocol SourceWriter {
    associatedtype Node
    /// Sets the text at a value path, creating what is missing (predicates become constants).
    /// `attach` is false for constants (`emit`, defaults, indexes, counts): they alone do not
    /// make a group appear, so a group that was absent on read stays absent on write.
    func set(_ text: String, at path: SourcePath, in node: Node, attach: Bool) throws(CodecFailure)
    /// Makes a node part of the output (a loop instance exists because its array item does).
    func attach(_ node: Node)
    /// The node for a group binding: an existing match or a new one.
    func group(_ binding: Binding, in node: Node) -> Node
    /// A new loop instance.
    func instance(_ binding: Binding, in node: Node) -> Node
}

/// Applies bindings in both directions; the syntax-specific parts come from a reader or writer.
struct BindingWalker {
    let file: String
    /// The whole canonical document being written (for `count:` bindings).
    var root: JSONValue = .null

    func read<R: SourceReader>(_ bindings: [Binding], in context: R.Context, with reader: R) throws(MappingError) -> JSONValue {
        var found = false
        return try read(bindings, in: context, with: reader, found: &found)
    }

    /// `found` turns true when any value came from the document (not from a default), so a
    /// group made only of defaults does not appear.
    private func read<R: SourceReader>(
        _ bindings: [Binding], in context: R.Context, with reader: R, found: inout Bool
    ) throws(MappingError) -> JSONValue {
        var result = JSONValue.object([:])
        for binding in bindings where binding.reads {
            if binding.isLoop, binding.path != nil, let pointer = binding.json {
                var items: [JSONValue] = []
                for instance in reader.instances(binding, in: context) {
                    var ignored = false
                    items.append(try read(binding.children, in: instance, with: reader, found: &ignored))
                }
                if items.isEmpty {
                    if binding.required { throw missing(binding, at: reader.position(of: context)) }
                    continue
                }
                pointer.set(.array(items), in: &result)
                found = true
            } else if binding.isGroup {
                let scope: R.Context
                if binding.path != nil {
                    guard let found = reader.group(binding, in: context) else {
                        if binding.required { throw missing(binding, at: reader.position(of: context)) }
                        continue
                    }
                    scope = found
                } else {
                    scope = context
                }
                var groupFound = false
                let object = try read(binding.children, in: scope, with: reader, found: &groupFound)
                found = found || groupFound
                if let pointer = binding.json {
                    if groupFound, object != .object([:]) {
                        // Merge: other bindings may already have filled members of this object.
                        pointer.set(pointer.value(in: result).map { Self.merge($0, object) } ?? object, in: &result)
                    } else if binding.required {
                        throw missing(binding, at: reader.position(of: scope))
                    }
                } else {
                    result = Self.merge(result, object)
                }
            } else if let pointer = binding.json, binding.path == nil, let constant = binding.defaultValue {
                // A constant: the canonical value the partner format leaves implicit.
                pointer.set(constant, in: &result)
            } else if let pointer = binding.json, let path = binding.path {
                var value: JSONValue?
                if let raw = reader.value(path, in: context), !raw.isEmpty {
                    switch binding.codec.read(raw) {
                    case let .success(decoded):
                        value = decoded
                        found = true
                    case let .failure(failure):
                        throw .binding(file: file, binding: binding.id, position: reader.position(of: context) + " (\(path))", message: failure.message)
                    }
                }
                if value == nil { value = binding.defaultValue }
                guard let value else {
                    if binding.required { throw missing(binding, at: reader.position(of: context) + " (\(path))") }
                    continue
                }
                pointer.set(value, in: &result)
            }
        }
        return result
    }

    func write<W: SourceWriter>(
        _ bindings: [Binding], json: JSONValue, at pointer: JSONPointer, into node: W.Node, index: Int?, with writer: W
    ) throws(MappingError) {
        for binding in bindings where binding.writes {
            if let when = binding.when, when.value(in: json) == nil || when.value(in: json) == .null { continue }
            if binding.isLoop, binding.path != nil, let items = binding.json {
                let value = items.value(in: json)
                guard let elements = value?.arrayValue ?? (value == nil || value == .null ? [] : nil) else {
                    throw .binding(file: file, binding: binding.id, position: pointer.appending(items).description, message: "expected an array")
                }
                if elements.isEmpty, binding.required { throw missing(binding, at: pointer.appending(items).description) }
                for (offset, element) in elements.enumerated() {
                    let instance = writer.instance(binding, in: node)
                    writer.attach(instance)
                    try write(binding.children, json: element, at: pointer.appending(items).appending(String(offset)),
                              into: instance, index: offset, with: writer)
                }
            } else if binding.isGroup {
                var scope = json
                var scopePointer = pointer
                if let member = binding.json {
                    guard let value = member.value(in: json), value != .null else {
                        if binding.required { throw missing(binding, at: pointer.appending(member).description) }
                        continue
                    }
                    scope = value
                    scopePointer = pointer.appending(member)
                }
                let child = binding.path == nil ? node : writer.group(binding, in: node)
                try write(binding.children, json: scope, at: scopePointer, into: child, index: index, with: writer)
            } else if let path = binding.path {
                var text: String?
                var fromDocument = false
                let location = binding.json.map { pointer.appending($0) } ?? pointer
                if binding.writesIndex, let index {
                    text = String(index + 1)
                } else if let pattern = binding.count {
                    text = String(Self.count(pattern.tokens[...], in: root))
                } else if let pattern = binding.sum {
                    var numbers: [String] = []
                    Self.collect(pattern.tokens[...], in: root, into: &numbers)
                    text = DecimalText.sum(numbers)
                } else if let member = binding.json, let value = member.value(in: json), value != .null {
                    text = try encode(value, binding, at: location)
                    fromDocument = true
                } else if let emit = binding.emit {
                    text = emit
                } else if let value = binding.defaultValue, value != .null {
                    text = try encode(value, binding, at: location)
                }
                guard let text else {
                    if binding.required { throw missing(binding, at: location.description) }
                    continue
                }
                do {
                    try writer.set(text, at: path, in: node, attach: fromDocument)
                } catch {
                    throw .binding(file: file, binding: binding.id, position: location.description, message: error.message)
                }
            }
        }
    }

    private func encode(_ value: JSONValue, _ binding: Binding, at location: JSONPointer) throws(MappingError) -> String {
        switch binding.codec.write(value) {
        case let .success(text): return text
        case let .failure(failure):
            throw .binding(file: file, binding: binding.id, position: location.description, message: failure.message)
        }
    }

    private func missing(_ binding: Binding, at position: String) -> MappingError {
        .binding(file: file, binding: binding.id, position: position, message: "required value is missing")
    }

    /// How many values match a pointer pattern in which `*` stands for every array item.
    static func count(_ tokens: ArraySlice<String>, in value: JSONValue) -> Int {
        guard let token = tokens.first else { return value == .null ? 0 : 1 }
        switch value {
        case let .array(elements) where token == "*":
            return elements.reduce(0) { $0 + count(tokens.dropFirst(), in: $1) }
        case let .object(members):
            return members[token].map { count(tokens.dropFirst(), in: $0) } ?? 0
        default:
            return 0
        }
    }

    /// The numbers matching a pointer pattern (`*` = every array item).
    static func collect(_ tokens: ArraySlice<String>, in value: JSONValue, into numbers: inout [String]) {
        guard let token = tokens.first else {
            if case let .number(text) = value { numbers.append(text) }
            return
        }
        switch value {
        case let .array(elements) where token == "*":
            for element in elements { collect(tokens.dropFirst(), in: element, into: &numbers) }
        case let .object(members):
            if let member = members[token] { collect(tokens.dropFirst(), in: member, into: &numbers) }
        default:
            break
        }
    }

    /// Deep merge of objects (groups without a `json:` pointer write into their parent).
    static func merge(_ base: JSONValue, _ addition: JSONValue) -> JSONValue {
        guard case var .object(members) = base, case let .object(extra) = addition else { return addition }
        for (key, value) in extra {
            members[key] = members[key].map { merge($0, value) } ?? value
        }
        return .object(members)
    }
}
