/// A segment range in a transaction set, partitioned into its own segments and the loop
/// instances of the bindings evaluated in it.
///
/// A loop instance runs from a segment matching the loop's start (tag and predicates) to the
/// next segment that starts any loop at the same level, the next trailer segment, a segment
/// this level reads that the instance does not, or the end of the enclosing instance.
/// Segments not inside an instance are the scope's own.
final class EDIScope {
    let transaction: EDITransaction
    let start: Int?
    var own: [Int] = []
    /// Loop and group instances, by the level index of their binding.
    var instances: [Int: [EDIScope]] = [:]
    /// HL01 of the nearest enclosing hierarchical level (this one, when it is one).
    let level: String?
    /// HL02 values that do not point at the enclosing level, found while partitioning.
    var hierarchyProblems: [(binding: String, segment: Int, message: String)] = []

    init(
        transaction: EDITransaction, range: Range<Int>, start: Int?, plan: EDIPlan, levelIndex: Int,
        trailer: [EDIPath], parentLevel: String? = nil
    ) {
        self.transaction = transaction
        self.start = start
        let plan = plan
        let levelPlan = plan.levels[levelIndex]
        if levelPlan.hierarchical, let start {
            level = transaction.value(start, 1, 0) ?? ""
            let parent = transaction.value(start, 2, 0) ?? ""
            if parent != (parentLevel ?? "") {
                hierarchyProblems.append((levelPlan.id, start, "HL02 \(parent.isEmpty ? "(empty)" : parent) does not point at the enclosing HL \(parentLevel ?? "(none)")"))
            }
        } else {
            level = parentLevel
        }
        if let start { own.append(start) }
        var current: (level: Int, start: Int)?
        func close(at end: Int) {
            guard let open = current else { return }
            let scope = EDIScope(transaction: transaction, range: open.start..<end, start: open.start,
                                 plan: plan, levelIndex: open.level, trailer: [], parentLevel: level)
            hierarchyProblems += scope.hierarchyProblems
            instances[open.level, default: []].append(scope)
            current = nil
        }
        for index in range where index != start {
            let tag = transaction.tags[index]
            if !trailer.isEmpty, trailer.contains(where: { transaction.matches(index, $0.segment ?? "", $0.predicates) }) {
                close(at: index)
                own.append(index)
            } else if let matcher = levelPlan.matchers.first(where: { $0.tag == tag && transaction.matches(index, $0.tag, $0.predicates) }) {
                close(at: index)
                current = (matcher.level, index)
            } else if let open = current, !plan.levels[open.level].ownedTags.contains(tag), levelPlan.valueTags.contains(tag) {
                // A segment this level maps and the open instance does not: the instance has ended.
                close(at: index)
                own.append(index)
            } else if current == nil {
                own.append(index)
            }
        }
        close(at: range.upperBound)
    }

    var position: String {
        guard let start else { return "transaction set at segment \(transaction.firstSegment)" }
        return "segment \(transaction.firstSegment + start + 1) (\(transaction.tags[start]))"
    }
}

/// Reads segments through EDI paths.
struct EDISourceReader: SourceReader {
    func value(_ path: SourcePath, in scope: EDIScope) -> String? {
        guard case let .edi(path) = path, let element = path.element else { return nil }
        if let start = path.pairStart, let tag = path.segment { return pairValue(path, tag: tag, start: start, in: scope) }
        let index: Int?
        if let tag = path.segment {
            index = scope.own.first { scope.transaction.matches($0, tag, path.predicates) }
        } else {
            index = scope.start
        }
        return index.flatMap { scope.transaction.value($0, element, path.component ?? 0) }
    }

    /// The partner of the first pair (from `start`) whose qualifier the path names, in the first matching segment.
    private func pairValue(_ path: EDIPath, tag: String, start: Int, in scope: EDIScope) -> String? {
        let transaction = scope.transaction
        let qualifiers = path.predicates.first { $0.element >= start }?.values ?? []
        let others = path.predicates.filter { $0.element < start }
        for index in scope.own where transaction.matches(index, tag, others) {
            var position = start
            while let qualifier = transaction.value(index, position, 0) {
                if qualifiers.contains(qualifier) { return transaction.value(index, position + 1, 0) }
                position += 2
            }
        }
        return nil
    }

    func group(_ binding: Binding, in scope: EDIScope) -> EDIScope? {
        scope.instances[binding.groupIndex]?.first
    }

    func instances(_ binding: Binding, in scope: EDIScope) -> [EDIScope] {
        scope.instances[binding.groupIndex] ?? []
    }

    func position(of scope: EDIScope) -> String {
        scope.position
    }
}

/// A group of segments under construction: its own segments, then its child groups.
final class EDIBuildGroup {
    var own: [EDISegment] = [] {
        didSet { if own.count > oldValue.count { order.append(.own(own.count - 1)) } }
    }
    var children: [EDIBuildGroup] = [] {
        didSet { if children.count > oldValue.count, let last = children.last { order.append(.child(last)) } }
    }
    /// Own segments and child groups in the order they were first created, which is binding
    /// order: a group is written where its first binding is declared.
    private var order: [Entry] = []

    private enum Entry {
        case own(Int)
        case child(EDIBuildGroup)
    }
    let bindingID: String
    weak var parent: EDIBuildGroup?
    var attached = false
    var hierarchical = false

    init(bindingID: String, parent: EDIBuildGroup?) {
        self.bindingID = bindingID
        self.parent = parent
    }

    /// Numbers HL levels in output order: HL01 a counter, HL02 the enclosing level, HL04
    /// whether a level has child levels.
    func numberHierarchy(counter: inout Int, parentLevel: String) {
        var level = parentLevel
        if hierarchical, attached, !own.isEmpty {
            counter += 1
            level = String(counter)
            own[0].set(1, 0, to: level)
            own[0].set(2, 0, to: parentLevel)
            own[0].set(4, 0, to: hasChildLevels ? "1" : "0")
        }
        for child in children where child.attached { child.numberHierarchy(counter: &counter, parentLevel: level) }
    }

    private var hasChildLevels: Bool {
        children.contains { $0.attached && ($0.hierarchical || $0.hasChildLevels) }
    }

    func attach() {
        var node: EDIBuildGroup? = self
        while let current = node, !current.attached {
            current.attached = true
            node = current.parent
        }
    }

    func segments(trailer: [EDIPath]) -> [EDISegment] {
        func isTrailer(_ segment: EDISegment) -> Bool {
            trailer.contains { segment.matches($0.segment ?? "", $0.predicates) }
        }
        var out: [EDISegment] = []
        for entry in order {
            switch entry {
            case let .own(index) where !isTrailer(own[index]): out.append(own[index])
            case let .child(child) where child.attached: out += child.segments(trailer: [])
            default: break
            }
        }
        return out + own.filter(isTrailer)
    }
}

/// Builds segments through EDI paths; predicates are written as constants.
struct EDISourceWriter: SourceWriter {
    let delimiters: EDIDelimiters

    func set(_ text: String, at path: SourcePath, in group: EDIBuildGroup, attach: Bool) throws(CodecFailure) {
        guard case let .edi(path) = path, let element = path.element else { throw CodecFailure("not an element path") }
        let forbidden = [delimiters.element, delimiters.component, delimiters.segment]
        if delimiters.release == nil, text.contains(where: forbidden.contains) {
            throw CodecFailure("value \(text) contains an X12 delimiter")
        }
        let index: Int
        if let tag = path.segment {
            if let found = group.own.firstIndex(where: { segment in
                segment.tag == tag && path.predicates.allSatisfy { predicate in
                    let current = segment.value(predicate.element, predicate.component) ?? ""
                    return current.isEmpty || predicate.values.contains(current)
                }
            }) {
                index = found
            } else {
                group.own.append(EDISegment(tag: tag, elements: []))
                index = group.own.count - 1
            }
            for predicate in path.predicates where (group.own[index].value(predicate.element, predicate.component) ?? "").isEmpty {
                group.own[index].set(predicate.element, predicate.component, to: predicate.written)
            }
        } else {
            guard !group.own.isEmpty else { throw CodecFailure("no segment to write element \(element) into") }
            index = 0
        }
        group.own[index].set(element, path.component ?? 0, to: text)
        if attach { group.attach() }
    }

    func attach(_ group: EDIBuildGroup) {
        group.attach()
    }

    func start(_ binding: Binding, in group: EDIBuildGroup) -> EDIBuildGroup {
        let child = EDIBuildGroup(bindingID: binding.id, parent: group)
        child.hierarchical = binding.hierarchy
        if case let .edi(path)? = binding.path, let tag = path.segment {
            var segment = EDISegment(tag: tag, elements: [])
            for predicate in path.predicates { segment.set(predicate.element, predicate.component, to: predicate.written) }
            child.own.append(segment)
        }
        group.children.append(child)
        return child
    }

    func group(_ binding: Binding, in group: EDIBuildGroup) -> EDIBuildGroup {
        group.children.first { $0.bindingID == binding.id } ?? start(binding, in: group)
    }

    func instance(_ binding: Binding, in group: EDIBuildGroup) -> EDIBuildGroup {
        start(binding, in: group)
    }
}

/// Applies an X12 or EDIFACT mapping in both directions.
struct EDIMappingEngine {
    let definition: MappingDefinition
    let settings: EDISettings

    var syntax: MappingSyntax { definition.syntax }

    func read(_ bytes: [UInt8]) throws(MappingError) -> [JSONValue] {
        let transactions = EDIText.transactions(bytes, syntax: syntax)
        guard !transactions.isEmpty else {
            throw .input(file: definition.file, message: syntax == .x12 ? "no ST segment found" : "no UNH segment found")
        }
        var documents: [JSONValue] = []
        for transaction in transactions { documents.append(try read(transaction)) }
        return documents
    }

    func read(_ transaction: EDITransaction) throws(MappingError) -> JSONValue {
        let type = syntax == .x12 ? transaction.header.value(1) : transaction.header.value(2, 1)
        guard type == settings.document else {
            throw .input(file: definition.file,
                         message: "segment \(transaction.firstSegment): document type \(type ?? "?") is not \(settings.document)")
        }
        let scope = EDIScope(transaction: transaction, range: 0..<transaction.count, start: nil,
                             plan: definition.plan, levelIndex: 0, trailer: settings.trailer)
        if let problem = scope.hierarchyProblems.first {
            throw .binding(file: definition.file, binding: problem.binding,
                           position: "segment \(transaction.firstSegment + problem.segment + 1) (HL)", message: problem.message)
        }
        return try BindingWalker(file: definition.file).read(definition.bindings, in: scope, with: EDISourceReader())
    }

    func write(_ documents: [JSONValue], delimiters: EDIDelimiters? = nil, firstControlNumber: Int = 1) throws(MappingError) -> [UInt8] {
        let delimiters = delimiters ?? (syntax == .x12 ? .x12 : .edifact)
        var out = ""
        for (offset, document) in documents.enumerated() {
            let root = EDIBuildGroup(bindingID: "", parent: nil)
            root.attached = true
            try BindingWalker(file: definition.file, root: document).write(
                definition.bindings, json: document, at: JSONPointer(tokens: []), into: root, index: nil,
                with: EDISourceWriter(delimiters: delimiters))
            var levels = 0
            root.numberHierarchy(counter: &levels, parentLevel: "")
            let body = root.segments(trailer: settings.trailer).map { segment in
                settings.idPairs[segment.tag].map(segment.packingPairs) ?? segment
            }
            let number = String(firstControlNumber + offset)
            let control = String(repeating: "0", count: max(0, 4 - number.count)) + number
            let header: EDISegment
            let trailer: EDISegment
            if syntax == .x12 {
                header = EDISegment(tag: "ST", elements: [[settings.document], [control]])
                trailer = EDISegment(tag: "SE", elements: [[String(body.count + 2)], [control]])
            } else {
                let release = (settings.release ?? "D:96A:UN").split(separator: ":").map(String.init)
                header = EDISegment(tag: "UNH", elements: [[control], [settings.document] + release])
                trailer = EDISegment(tag: "UNT", elements: [[String(body.count + 2)], [control]])
            }
            for segment in [header] + body + [trailer] { out += EDIText.write(segment, delimiters) + "\n" }
        }
        return Array(out.utf8)
    }
}
