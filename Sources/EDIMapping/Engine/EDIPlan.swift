/// What partitioning a transaction set needs to know about the bindings, computed once when
/// a mapping is loaded: for every group or loop level, which child levels start at which
/// segments, which tags the level's own value bindings read, and which tags a level owns.
struct EDIPlan: Sendable {
    struct Matcher: Sendable {
        let level: Int
        let tag: String
        let predicates: [PathPredicate]
    }

    struct Level: Sendable {
        let id: String
        var matchers: [Matcher]
        var valueTags: Set<String>
        /// Every tag the level and its descendants read, its start segment included.
        let ownedTags: Set<String>
        let hierarchical: Bool
    }

    /// Level 0 is the transaction set itself.
    let levels: [Level]

    /// Builds the plan and stores each group's level index in its binding.
    static func build(_ bindings: inout [Binding]) -> EDIPlan {
        var levels = [Level(id: "", matchers: [], valueTags: [], ownedTags: [], hierarchical: false)]
        var matchers: [Matcher] = []
        collect(&bindings, into: &matchers, levels: &levels)
        levels[0].matchers = matchers
        levels[0].valueTags = valueTags(bindings)
        return EDIPlan(levels: levels)
    }

    private static func collect(_ bindings: inout [Binding], into matchers: inout [Matcher], levels: inout [Level]) {
        for index in bindings.indices where bindings[index].isGroup && bindings[index].reads {
            guard case let .edi(path)? = bindings[index].path else {
                if bindings[index].path == nil { collect(&bindings[index].children, into: &matchers, levels: &levels) }
                continue
            }
            guard let tag = path.segment else { continue }
            let levelIndex = levels.count
            bindings[index].groupIndex = levelIndex
            levels.append(Level(
                id: bindings[index].id, matchers: [], valueTags: [],
                ownedTags: ownedTags(bindings[index]), hierarchical: bindings[index].hierarchy))
            var childMatchers: [Matcher] = []
            collect(&bindings[index].children, into: &childMatchers, levels: &levels)
            levels[levelIndex].matchers = childMatchers
            levels[levelIndex].valueTags = valueTags(bindings[index].children)
            matchers.append(Matcher(level: levelIndex, tag: tag, predicates: path.predicates))
        }
    }

    /// Segment tags the value bindings of a level read (through path-less groups).
    static func valueTags(_ bindings: [Binding]) -> Set<String> {
        var tags: Set<String> = []
        for binding in bindings where binding.reads {
            if binding.isGroup {
                if binding.path == nil { tags.formUnion(valueTags(binding.children)) }
            } else if case let .edi(path)? = binding.path, let tag = path.segment {
                tags.insert(tag)
            }
        }
        return tags
    }

    /// Every segment tag a group or loop and its descendants read, its own start included.
    static func ownedTags(_ binding: Binding) -> Set<String> {
        var tags: Set<String> = []
        if case let .edi(path)? = binding.path, let tag = path.segment { tags.insert(tag) }
        for child in binding.children { tags.formUnion(ownedTags(child)) }
        return tags
    }
}
