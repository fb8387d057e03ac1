import EDI
import Foundation
import XML

/// The outcome of one golden pair of one mapping.
public struct MappingTestResult: Sendable, Hashable {
    /// The mapping file (relative to the catalogue).
    public var mapping: String
    /// The golden input file (relative to the catalogue).
    public var input: String
    /// What failed; empty when the pair passed.
    public var failures: [String]

    /// True when nothing failed.
    public var passed: Bool { failures.isEmpty }
}

/// Runs the golden pairs declared in mappings, plus the round-trip property:
/// read(input) equals the golden JSON; write(JSON) equals the normalized input;
/// read(write(JSON)) equals the JSON again; and what is written, as a whole interchange, passes the
/// catalogue's implementation guide for its set (`guides/`), as a partner's translator would check it.
public struct MappingTestRunner: Sendable {
    /// The catalogue the mappings live in.
    public let catalogue: MappingCatalogue
    /// The catalogue's guides; nil when it has none, a failure when they do not load.
    private let guides: Result<GuideCheck?, MappingError>

    /// Creates a runner.
    public init(catalogue: MappingCatalogue) {
        self.catalogue = catalogue
        guides = Result { () throws(MappingError) in try GuideCheck(catalogue: catalogue) }
    }

    /// Mapping files under the catalogue (YAML files outside `tables/`, `schemas/`, `guides/`
    /// and test folders), sorted.
    public func mappingFiles(under folder: String = "") -> [String] {
        let base = URL(fileURLWithPath: catalogue.absolute(folder)).resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else {
            return folder.hasSuffix(".yaml") ? [folder] : []
        }
        var files: [String] = []
        while let item = enumerator.nextObject() as? String {
            let relative = folder.isEmpty ? item : folder + "/" + item
            let parts = relative.split(separator: "/")
            guard relative.hasSuffix(".yaml"), !parts.contains(where: { ["tables", "schemas", "guides", "tests", "codecs"].contains($0) })
            else { continue }
            files.append(relative)
        }
        return files.sorted()
    }

    /// Runs every golden pair of one mapping; a mapping that fails to load gives one failing result.
    public func run(mapping file: String) -> [MappingTestResult] {
        let definition: MappingDefinition
        do {
            definition = try catalogue.mapping(file)
        } catch {
            return [MappingTestResult(mapping: file, input: file, failures: [error.description])]
        }
        if definition.tests.isEmpty {
            return [MappingTestResult(mapping: file, input: file, failures: ["the mapping declares no tests"])]
        }
        return definition.tests.map { run($0, of: definition) }
    }

    func run(_ test: GoldenTest, of definition: MappingDefinition) -> MappingTestResult {
        var result = MappingTestResult(mapping: definition.file, input: test.input, failures: [])
        let mapper = DocumentMapper(definition)
        guard let input = FileManager.default.contents(atPath: catalogue.absolute(test.input)).map(Array.init) else {
            result.failures.append("cannot read \(test.input)")
            return result
        }
        let expected: [JSONValue]
        do {
            let data = FileManager.default.contents(atPath: catalogue.absolute(test.json)).map(Array.init) ?? []
            let value = try JSONText.parse(data)
            expected = definition.syntax != .xml && value.arrayValue != nil ? value.arrayValue ?? [] : [value]
        } catch {
            result.failures.append("\(test.json): \(error.description)")
            return result
        }
        // 1. Read: partner document → canonical JSON.
        do throws(MappingError) {
            let actual = try mapper.read(input)
            if let difference = JSONDifference.first(expected: .array(expected), actual: .array(actual)) {
                let pointer = JSONPointer(tokens: Array(difference.pointer.tokens.dropFirst()))
                let binding = definition.bindingID(for: pointer).map { " (binding \($0))" } ?? ""
                result.failures.append("read \(test.input): document \(difference.pointer.tokens.first ?? "0") " +
                    JSONDifference(pointer: pointer, expected: difference.expected, actual: difference.actual).description + binding)
            }
        } catch {
            result.failures.append("read \(test.input): \(error.description)")
        }
        // 2. Write: canonical JSON → partner document, compared after normalization.
        let written: [UInt8]
        do throws(MappingError) {
            written = try mapper.write(expected)
        } catch {
            result.failures.append("write \(test.json): \(error.description)")
            return result
        }
        if test.roundTrip {
            switch Normalized.compare(input, written, syntax: definition.syntax) {
            case nil: break
            case let message?: result.failures.append("round trip \(test.input): \(message)")
            }
        }
        // 3. Property: reading what was written gives the JSON back.
        do throws(MappingError) {
            let again = try mapper.read(written)
            if let difference = JSONDifference.first(expected: .array(expected), actual: .array(again)) {
                result.failures.append("read(write(json)) differs at \(difference)")
            }
        } catch {
            result.failures.append("read(write(json)): \(error.description)")
        }
        // 4. What is written passes the guide of its set.
        if definition.syntax != .xml {
            do throws(MappingError) {
                guard let check = try guides.get() else { return result }
                let parties = PartyID(qualifier: "ZZ", id: "MAPPINGTEST")
                let envelope = try OutboundInterchange(InterchangeParties(sender: parties, receiver: parties, controlNumber: 1), mapping: definition)
                var sets: [[UInt8]] = []
                for (index, document) in expected.enumerated() {
                    sets.append(try envelope.encoded(try mapper.write(document, controlNumber: index + 1)))
                }
                try check.check(sets, in: envelope)
            } catch {
                result.failures.append("guide: \(error.description)")
            }
        }
        return result
    }
}

/// Normalized comparison of partner documents: XML as trees with attributes in name order
/// and processing instructions compared by target; EDI as transaction bodies (control numbers
/// and segment counts belong to the envelope).
enum Normalized {
    static func compare(_ expected: [UInt8], _ actual: [UInt8], syntax: MappingSyntax) -> String? {
        switch syntax {
        case .xml:
            do throws(XMLError) {
                let left = normalize(try SafeXMLParser().parse(expected).tree())
                let right = normalize(try SafeXMLParser().parse(actual).tree())
                guard left != right else { return nil }
                if left.processingInstructions != right.processingInstructions { return "processing instructions differ" }
                return difference(left.root, right.root, path: "/" + left.root.name) ?? "written XML differs from the input"
            } catch {
                return error.description
            }
        case .x12, .edifact:
            let left = EDIText.transactions(expected, syntax: syntax)
            let right = EDIText.transactions(actual, syntax: syntax)
            guard left.count == right.count else { return "\(right.count) transaction sets written, \(left.count) read" }
            for (index, pair) in zip(left, right).enumerated() {
                for offset in 0..<max(pair.0.body.count, pair.1.body.count) {
                    let a = offset < pair.0.body.count ? EDIText.write(pair.0.body[offset], .x12) : "nothing"
                    let b = offset < pair.1.body.count ? EDIText.write(pair.1.body[offset], .x12) : "nothing"
                    if a != b {
                        return "transaction \(index + 1), segment \(offset + 2): expected \(a) got \(b)"
                    }
                }
            }
            return nil
        }
    }

    /// The first differing element, as a path with a short explanation.
    static func difference(_ left: XMLTreeElement, _ right: XMLTreeElement, path: String) -> String? {
        if left.name != right.name { return "\(path): element <\(left.name)> written as <\(right.name)>" }
        if left.attributes != right.attributes {
            let show = { (element: XMLTreeElement) in element.attributes.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: " ") }
            return "\(path): attributes [\(show(left))] written as [\(show(right))]"
        }
        let a = left.elements, b = right.elements
        for index in 0..<max(a.count, b.count) {
            guard index < a.count, index < b.count else {
                let extra = index < a.count ? "<\(a[index].name)> missing" : "extra <\(b[index].name)>"
                return "\(path): \(extra) at child \(index + 1)"
            }
            if let found = difference(a[index], b[index], path: path + "/" + a[index].name + "[\(index + 1)]") { return found }
        }
        if a.isEmpty, b.isEmpty, left.text != right.text { return "\(path): text \"\(left.text)\" written as \"\(right.text)\"" }
        return nil
    }

    static func normalize(_ document: XMLTreeDocument) -> XMLTreeDocument {
        func sorted(_ element: XMLTreeElement) -> XMLTreeElement {
            var copy = element
            copy.attributes.sort { $0.name < $1.name }
            copy.children = copy.children.map { if case let .element(child) = $0 { .element(sorted(child)) } else { $0 } }
            return copy
        }
        var copy = document
        copy.root = sorted(document.root)
        copy.processingInstructions = copy.processingInstructions.map {
            XMLProcessingInstruction(target: $0.target.lowercased(), data: $0.data.lowercased())
        }
        return copy
    }
}
