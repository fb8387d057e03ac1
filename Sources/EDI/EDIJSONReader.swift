// Foundation is used only here, to parse the JSON text; this is not on the parsing hot path.
import Foundation

/// Why JSON could not be turned back into EDI.
public enum EDIJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not JSON.
    case notJSON
    /// The JSON does not have the shape `EDIJSONWriter` produces; the path says where.
    case unexpectedShape(String)

    /// A message for people.
    public var description: String {
        switch self {
        case .notJSON: return "the input is not JSON"
        case let .unexpectedShape(path): return "unexpected JSON shape at \(path)"
        }
    }
}

/// Turns the JSON of ``EDIJSONWriter`` back into EDI bytes (identical bytes when the input used canonical escaping).
public enum EDIJSONReader {
    /// Converts JSON text to EDI bytes.
    public static func edi(fromJSON json: [UInt8]) throws(EDIJSONError) -> [UInt8] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(json), options: [.fragmentsAllowed])
        } catch {
            throw .notJSON
        }
        guard let top = root as? [String: Any], let interchanges = top["interchanges"] as? [Any] else { throw .unexpectedShape("$") }
        var out: [UInt8] = []
        for (i, any) in interchanges.enumerated() {
            let path = "$.interchanges[\(i)]"
            guard let ic = any as? [String: Any], let dj = ic["delimiters"] as? [String: Any] else { throw .unexpectedShape(path) }
            let d = try delimiters(dj, path + ".delimiters")
            guard let header = ic["header"] as? [Any], let items = ic["items"] as? [Any] else { throw .unexpectedShape(path) }
            for (k, s) in header.enumerated() { try segment(s, d, "\(path).header[\(k)]", into: &out) }
            for (k, item) in items.enumerated() {
                let ipath = "\(path).items[\(k)]"
                guard let obj = item as? [String: Any] else { throw .unexpectedShape(ipath) }
                if let g = obj["group"] as? [String: Any] {
                    guard let h = g["header"], let sets = g["transactionSets"] as? [Any] else { throw .unexpectedShape(ipath + ".group") }
                    try segment(h, d, ipath + ".group.header", into: &out)
                    for (n, set) in sets.enumerated() {
                        guard let segs = set as? [Any] else { throw .unexpectedShape("\(ipath).group.transactionSets[\(n)]") }
                        for (m, s) in segs.enumerated() { try segment(s, d, "\(ipath).group.transactionSets[\(n)][\(m)]", into: &out) }
                    }
                    if let t = g["trailer"], !(t is NSNull) { try segment(t, d, ipath + ".group.trailer", into: &out) }
                } else if let segs = obj["transactionSet"] as? [Any] {
                    for (m, s) in segs.enumerated() { try segment(s, d, "\(ipath).transactionSet[\(m)]", into: &out) }
                } else if let s = obj["stray"] {
                    try segment(s, d, ipath + ".stray", into: &out)
                } else {
                    throw .unexpectedShape(ipath)
                }
            }
            if let t = ic["trailer"], !(t is NSNull) { try segment(t, d, path + ".trailer", into: &out) }
        }
        return out
    }

    private static func char(_ v: Any?, _ path: String, optional: Bool) throws(EDIJSONError) -> UInt8? {
        if v == nil || v is NSNull {
            if optional { return nil }
            throw .unexpectedShape(path)
        }
        guard let s = v as? String, s.utf8.count == 1 else { throw .unexpectedShape(path) }
        return s.utf8.first
    }

    private static func delimiters(_ j: [String: Any], _ path: String) throws(EDIJSONError) -> Delimiters {
        Delimiters(
            segment: try char(j["segment"], path + ".segment", optional: false)!,
            element: try char(j["element"], path + ".element", optional: false)!,
            component: try char(j["component"], path + ".component", optional: false)!,
            repetition: try char(j["repetition"], path + ".repetition", optional: true),
            release: try char(j["release"], path + ".release", optional: true),
            decimalMark: try char(j["decimal"], path + ".decimal", optional: true) ?? UInt8(ascii: "."))
    }

    private static func segment(_ any: Any, _ d: Delimiters, _ path: String, into out: inout [UInt8]) throws(EDIJSONError) {
        guard let s = any as? [String: Any], let tag = s["tag"] as? String else { throw .unexpectedShape(path) }
        if let prefix = s["prefix"] as? String { out += Array(prefix.utf8) }
        if tag == "UNA", let advice = s["advice"] as? String {
            out += Array("UNA".utf8) + Array(advice.utf8)
        } else {
            out += escaped(tag, d)
            guard let elements = s["elements"] as? [Any] else { throw .unexpectedShape(path + ".elements") }
            for (i, e) in elements.enumerated() {
                out.append(d.element)
                try element(e, d, isISA: tag == "ISA", "\(path).elements[\(i)]", into: &out)
            }
        }
        if (s["terminated"] as? Bool) != false { out.append(d.segment) }
        if let suffix = s["suffix"] as? String { out += Array(suffix.utf8) }
    }

    private static func element(_ any: Any, _ d: Delimiters, isISA: Bool, _ path: String, into out: inout [UInt8]) throws(EDIJSONError) {
        if let text = any as? String {
            out += isISA ? Array(text.utf8) : escaped(text, d)
        } else if let comps = any as? [Any] {
            for (i, c) in comps.enumerated() {
                if i > 0 { out.append(d.component) }
                guard let text = c as? String else { throw .unexpectedShape("\(path)[\(i)]") }
                out += escaped(text, d)
            }
        } else if let obj = any as? [String: Any], let reps = obj["repetitions"] as? [Any], let sep = d.repetition {
            for (i, r) in reps.enumerated() {
                if i > 0 { out.append(sep) }
                try element(r, d, isISA: false, "\(path).repetitions[\(i)]", into: &out)
            }
        } else {
            throw .unexpectedShape(path)
        }
    }

    private static func escaped(_ text: String, _ d: Delimiters) -> [UInt8] {
        guard let release = d.release else { return Array(text.utf8) }
        var out: [UInt8] = []
        for b in text.utf8 {
            if b == d.segment || b == d.element || b == d.component || b == release || b == d.repetition { out.append(release) }
            out.append(b)
        }
        return out
    }
}
