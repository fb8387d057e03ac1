import ArgumentParser
import EDI
import Foundation

/// Loads the implementation-guide folder named on the command line, or the repository's default one.
enum EDIGuideOption {
    static func load(_ path: String?, skip: Bool) throws -> GuideCatalog? {
        if skip { return nil }
        let folder = path ?? "edi-mappings/guides"
        guard FileManager.default.fileExists(atPath: folder) else {
            if path != nil { throw ValidationError("no guide folder at \(folder)") }
            return nil
        }
        do {
            return try GuideCatalog.load(directory: folder)
        } catch {
            throw ValidationError("cannot load guides: \(error)")
        }
    }
}
