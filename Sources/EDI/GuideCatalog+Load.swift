// Foundation is used to list and read the guide files once at start-up, not while parsing EDI.
import Foundation

extension GuideCatalog {
    /// Loads every folder under `directory` that holds a `segments.guide` dictionary and `*.guide` files.
    public static func load(directory: String) throws(GuideError) -> GuideCatalog {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: directory) else { throw .unreadable(path: directory) }
        var folders: Set<String> = []
        while let item = walker.nextObject() as? String {
            if item.hasSuffix("segments.guide") { folders.insert((item as NSString).deletingLastPathComponent) }
        }
        var all: [Guide] = []
        for folder in folders.sorted() {
            let base = (directory as NSString).appendingPathComponent(folder)
            let dictPath = (base as NSString).appendingPathComponent("segments.guide")
            guard let dict = try? String(contentsOfFile: dictPath, encoding: .utf8),
                  let names = try? fm.contentsOfDirectory(atPath: base) else { throw .unreadable(path: base) }
            var texts: [(name: String, text: String)] = []
            for name in names.sorted() where name.hasSuffix(".guide") && name != "segments.guide" {
                let p = (base as NSString).appendingPathComponent(name)
                guard let t = try? String(contentsOfFile: p, encoding: .utf8) else { throw .unreadable(path: p) }
                texts.append(((folder as NSString).appendingPathComponent(name), t))
            }
            let d = try GuideParser.dictionary(dict, file: (folder as NSString).appendingPathComponent("segments.guide"))
            for t in texts { all.append(try GuideParser.guide(t.text, file: t.name, dictionary: d)) }
        }
        return GuideCatalog(guides: all)
    }
}
