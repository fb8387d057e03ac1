/// A guide flattened into arrays for validation: no enum boxes, no per-set allocation on the happy path.
struct CompiledGuide: Sendable {
    struct Node: Sendable {
        var trigger: SegmentTag
        var isLoop: Bool
        var mandatory: Bool
        var maxUse: Int
        /// Children of a loop occupy `firstChild..<firstChild+childCount`.
        var firstChild: Int
        var childCount: Int
        /// Index into `loopIDs`; kept out of the node so nodes stay plain data (no reference counting when copied).
        var loopIDIndex: Int
        /// Index into `rules` for a segment node, -1 when the guide has no element rules for it.
        var rule: Int
        /// Position among its siblings of the first mandatory sibling at or after this node (the parent's `childCount`
        /// when none): the missing-segment check jumps over optional nodes.
        var nextMandatory: Int
    }

    /// Plain data only, so reading one in the hot loop costs no reference counting.
    struct Value: Sendable {
        var mandatory: Bool
        /// Index into `references`.
        var referenceIndex: Int
        var type: GuideDataType
        var minLength: Int
        var maxLength: Int
        /// Index into `codeLists`, -1 when any value is allowed.
        var codesIndex: Int
        var maxRepeat: Int
        var dateFormatBySibling: Int?
        /// Components (for a composite) occupy `firstComponent..<firstComponent+componentCount` of `values`.
        var firstComponent: Int
        var componentCount: Int
        /// One past the last mandatory component: components absent from the value beyond it need no check.
        var mandatoryComponentEnd: Int
        /// Value bits (`GuideValidator.ByteBits`) that call for the full check of a value whose length is in range; a value
        /// without them is valid as it stands. Every value has a digit or a non-digit, so dates, times, code lists and
        /// qualified dates, which the bits cannot decide, have both.
        var fullCheckBits: UInt8
    }

    struct Rule: Sendable {
        /// Elements occupy `first..<first+count` of `values`.
        var first: Int
        var count: Int
        /// One past the last mandatory element: elements absent from the segment beyond it need no check.
        var mandatoryEnd: Int
    }

    var nodes: [Node] = []
    /// Frames the placement stack can hold at most: the whole set's, plus one per level of loop nesting.
    var maxDepth = 1
    /// `nodes[i].trigger` for every node, packed: the placement search compares tags along a run of siblings.
    var triggers: [SegmentTag] = []
    var values: [Value] = []
    var rules: [Rule] = []
    var loopIDs: [String?] = [nil]
    var references: [String?] = []
    var codeLists: [[[UInt8]]] = []

    init(_ guide: Guide) {
        var ruleIndex: [SegmentTag: Int] = [:]
        for (tag, rule) in guide.segments.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            ruleIndex[tag] = rules.count
            let first = values.count
            // Elements first, contiguous; their components are appended after all elements of the segment.
            for _ in rule.elements {
                values.append(Value(mandatory: false, referenceIndex: 0, type: .string, minLength: 0, maxLength: 0, codesIndex: -1, maxRepeat: 1,
                                    firstComponent: 0, componentCount: 0, mandatoryComponentEnd: 0, fullCheckBits: 0))
            }
            for (i, e) in rule.elements.enumerated() {
                var v = value(e)
                v.firstComponent = values.count
                v.componentCount = e.components.count
                v.mandatoryComponentEnd = (e.components.lastIndex { $0.usage == .mandatory } ?? -1) + 1
                for c in e.components { values.append(value(c)) }
                values[first + i] = v
            }
            let mandatoryEnd = (rule.elements.lastIndex { $0.usage == .mandatory } ?? -1) + 1
            rules.append(Rule(first: first, count: rule.elements.count, mandatoryEnd: mandatoryEnd))
        }
        // Node 0 is the whole set, a loop without identifier.
        nodes.append(Node(trigger: SegmentTag(rawValue: 0), isLoop: true, mandatory: true, maxUse: 1, firstChild: 0, childCount: 0, loopIDIndex: 0, rule: -1,
                          nextMandatory: 0))
        place(children: guide.structure, parent: 0, depth: 1, ruleIndex: ruleIndex)
        triggers = nodes.map(\.trigger)
    }

    private mutating func value(_ e: ElementRule) -> Value {
        references.append(e.reference)
        var codesIndex = -1
        if e.codes != nil {
            codesIndex = codeLists.count
            codeLists.append(e.codeBytes)
        }
        let fullCheckBits: UInt8
        if codesIndex >= 0 || e.dateFormatBySibling != nil {
            fullCheckBits = GuideValidator.ByteBits.digit | GuideValidator.ByteBits.nonDigit
        } else {
            switch e.type {
            case .string, .identifier, .alphanumeric, .composite: fullCheckBits = GuideValidator.ByteBits.control
            case .alphabetic: fullCheckBits = GuideValidator.ByteBits.digit
            case .implied, .decimal, .numeric: fullCheckBits = GuideValidator.ByteBits.nonDigit
            case .date, .time: fullCheckBits = GuideValidator.ByteBits.digit | GuideValidator.ByteBits.nonDigit
            }
        }
        return Value(mandatory: e.usage == .mandatory, referenceIndex: references.count - 1, type: e.type, minLength: e.minLength, maxLength: e.maxLength,
                     codesIndex: codesIndex, maxRepeat: e.maxRepeat, dateFormatBySibling: e.dateFormatBySibling, firstComponent: 0, componentCount: 0,
                     mandatoryComponentEnd: 0, fullCheckBits: fullCheckBits)
    }

    private mutating func place(children: [GuideNode], parent: Int, depth: Int, ruleIndex: [SegmentTag: Int]) {
        let first = nodes.count
        nodes[parent].firstChild = first
        nodes[parent].childCount = children.count
        for c in children {
            switch c {
            case let .segment(tag, usage, maxUse):
                nodes.append(Node(trigger: tag, isLoop: false, mandatory: usage == .mandatory, maxUse: maxUse, firstChild: 0, childCount: 0, loopIDIndex: 0,
                                  rule: ruleIndex[tag] ?? -1, nextMandatory: 0))
            case let .loop(id, usage, maxUse, _):
                loopIDs.append(id)
                nodes.append(Node(trigger: c.trigger, isLoop: true, mandatory: usage == .mandatory, maxUse: maxUse, firstChild: 0, childCount: 0,
                                  loopIDIndex: loopIDs.count - 1, rule: -1, nextMandatory: 0))
            }
        }
        var next = children.count
        for k in children.indices.reversed() {
            if nodes[first + k].mandatory { next = k }
            nodes[first + k].nextMandatory = next
        }
        for (i, c) in children.enumerated() {
            if case let .loop(_, _, _, grandChildren) = c {
                maxDepth = max(maxDepth, depth + 1)
                place(children: grandChildren, parent: first + i, depth: depth + 1, ruleIndex: ruleIndex)
            }
        }
    }
}
