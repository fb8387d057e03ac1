import EDIMapping
import Foundation

/// The repository's `edi-mappings/` folder, found from this file's path (tests run from the repo).
let catalogueRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    url.deleteLastPathComponent()
    return url.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("edi-mappings").path
}()

let catalogue = MappingCatalogue(root: catalogueRoot)

/// A throwaway catalogue in a temporary folder, for mappings written inside a test.
struct ScratchCatalogue {
    let root: String

    init(files: [String: String]) throws {
        root = NSTemporaryDirectory() + "edimapping-" + UUID().uuidString
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
    }

    var catalogue: MappingCatalogue { MappingCatalogue(root: root) }

    func mapper(_ file: String) throws -> DocumentMapper {
        DocumentMapper(try catalogue.mapping(file))
    }
}

func json(_ text: String) throws -> JSONValue {
    try JSONText.parse(text)
}
