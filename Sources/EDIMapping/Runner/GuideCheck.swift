import EDI
import Foundation

/// Checks EDI a mapping writes against the catalogue's implementation guides (`guides/`), as the partner's
/// translator will: element lengths and types, mandatory elements, segment order and repeats.
public struct GuideCheck: Sendable {
    private let guides: GuideCatalog

    /// The catalogue's guides; nil when the catalogue has no `guides/` folder.
    public init?(catalogue: MappingCatalogue) throws(MappingError) {
        let folder = catalogue.absolute("guides")
        guard FileManager.default.fileExists(atPath: folder) else { return nil }
        do throws(GuideError) {
            guides = try GuideCatalog.load(directory: folder)
        } catch {
            throw .definition(file: "guides", line: nil, message: error.description)
        }
    }

    /// What the guide of its set finds wrong in an interchange, one line per segment or element; empty when valid.
    func problems(in interchange: [UInt8]) -> [String] {
        let text: String, valid: Bool
        do throws(EDIReadError) {
            (text, valid) = try EDITool.validate(source: InMemoryByteSource(interchange), checker: guides)
        } catch {
            return ["the written interchange cannot be read back: \(error.description)"]
        }
        guard !valid else { return [] }
        return text.split(separator: "\n").filter { $0.hasPrefix("    ") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Checks documents written one set at a time inside `envelope`; throws naming what the guide finds.
    func check(_ sets: [[UInt8]], in envelope: OutboundInterchange) throws(MappingError) {
        let interchange = try envelope.opening() + sets.joined() + envelope.closing(count: sets.count)
        let found = problems(in: interchange)
        if !found.isEmpty {
            throw .input(file: envelope.file, message: "the written EDI breaks its implementation guide: " + found.joined(separator: "; "))
        }
    }
}
