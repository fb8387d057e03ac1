/// A functional group (GS…GE or UNG…UNE) held in memory.
public struct FunctionalGroup: Sendable {
    /// The GS or UNG segment.
    public var header: Segment
    /// Transaction sets or messages in order.
    public var transactionSets: [TransactionSet] = []
    /// The GE or UNE segment, nil when missing.
    public var trailer: Segment?
}

/// One piece of an interchange's body, in input order (EDIFACT allows messages without groups).
public enum InterchangeItem: Sendable {
    /// A functional group.
    case group(FunctionalGroup)
    /// A transaction set or message outside any group.
    case transactionSet(TransactionSet)
    /// A segment that belongs nowhere.
    case stray(Segment)
}

/// A whole interchange held in memory, for small inputs, JSON and tests; large inputs use ``InterchangeReader``.
public struct Interchange: Sendable {
    /// The header (ISA, or UNA/UNB).
    public var header: InterchangeHeader
    /// Groups, ungrouped sets and stray segments in order.
    public var items: [InterchangeItem] = []
    /// The IEA or UNZ segment, nil when missing.
    public var trailer: Segment?

    /// The standard of the interchange.
    public var standard: EDIStandard { header.standard }

    /// The functional groups.
    public var groups: [FunctionalGroup] {
        items.compactMap { if case let .group(g) = $0 { g } else { nil } }
    }

    /// Every transaction set, grouped or not.
    public var allTransactionSets: [TransactionSet] {
        items.flatMap { item -> [TransactionSet] in
            switch item {
            case let .group(g): g.transactionSets
            case let .transactionSet(t): [t]
            case .stray: []
            }
        }
    }

    /// Every segment in input order.
    public var segments: [Segment] {
        var out = header.store.segments
        for item in items {
            switch item {
            case let .group(g):
                out.append(g.header)
                for t in g.transactionSets { out.append(contentsOf: t.segments) }
                if let t = g.trailer { out.append(t) }
            case let .transactionSet(t): out.append(contentsOf: t.segments)
            case let .stray(s): out.append(s)
            }
        }
        if let trailer { out.append(trailer) }
        return out
    }

    /// The exact bytes the interchange was read from.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        for s in segments { out.append(contentsOf: s.rawBytes) }
        return out
    }

    /// Reads every interchange of an input into memory.
    public static func parseAll(_ bytes: [UInt8]) throws(EDIReadError) -> [Interchange] {
        let reader = InterchangeReader(source: InMemoryByteSource(bytes))
        var result: [Interchange] = []
        var openGroup: FunctionalGroup?
        func closeGroup() {
            if let g = openGroup, !result.isEmpty { result[result.count - 1].items.append(.group(g)) }
            openGroup = nil
        }
        while let event = try reader.next() {
            switch event {
            case let .interchangeHeader(h):
                closeGroup()
                result.append(Interchange(header: h))
            case let .groupHeader(s):
                closeGroup()
                openGroup = FunctionalGroup(header: s)
            case let .transactionSet(t):
                if openGroup != nil { openGroup!.transactionSets.append(t) } else { result[result.count - 1].items.append(.transactionSet(t)) }
            case let .groupTrailer(s):
                if openGroup != nil {
                    openGroup!.trailer = s
                    closeGroup()
                } else {
                    result[result.count - 1].items.append(.stray(s))
                }
            case let .interchangeTrailer(s):
                closeGroup()
                result[result.count - 1].trailer = s
            case let .straySegment(s):
                closeGroup()
                result[result.count - 1].items.append(.stray(s))
            }
        }
        closeGroup()
        return result
    }
}
