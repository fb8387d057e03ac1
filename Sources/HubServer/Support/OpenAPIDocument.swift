import Foundation

/// Assembles the OpenAPI document from the base file and the per-area fragments beside it.
enum OpenAPIDocument {
    struct MergeError: Error, CustomStringConvertible {
        var description: String
    }

    static func bundledFolder() throws -> URL {
        guard let folder = Bundle.module.url(forResource: "openapi", withExtension: nil) else {
            throw MergeError(description: "the bundled openapi folder is missing")
        }
        return folder
    }

    /// `openapi.json` with every other `*.json` in `folder` merged into it, in name order.
    /// A fragment may add paths, tags and components; defining one twice is an error, not a silent overwrite.
    static func merged(in folder: URL) throws -> Data {
        var document = try object(at: folder.appendingPathComponent("openapi.json"))
        let fragments = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") && $0 != "openapi.json" }
            .sorted()
        for name in fragments {
            let fragment = try object(at: folder.appendingPathComponent(name))
            for key in fragment.keys where !["paths", "tags", "components"].contains(key) {
                throw MergeError(description: "\(name): a fragment may only hold paths, tags and components, not \(key)")
            }
            document["paths"] = try union(document["paths"], fragment["paths"], at: "\(name): paths")
            if let tags = fragment["tags"] as? [Any] {
                document["tags"] = ((document["tags"] as? [Any]) ?? []) + tags
            }
            var components = (document["components"] as? [String: Any]) ?? [:]
            for (section, entries) in (fragment["components"] as? [String: Any]) ?? [:] {
                components[section] = try union(components[section], entries, at: "\(name): components/\(section)")
            }
            document["components"] = components
        }
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
    }

    private static func object(at url: URL) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw MergeError(description: "\(url.lastPathComponent) is not a JSON object")
        }
        return object
    }

    private static func union(_ base: Any?, _ addition: Any?, at place: String) throws -> [String: Any] {
        var result = (base as? [String: Any]) ?? [:]
        for (key, value) in (addition as? [String: Any]) ?? [:] {
            guard result[key] == nil else { throw MergeError(description: "\(place)/\(key) is defined twice") }
            result[key] = value
        }
        return result
    }
}
