#if !FUZZING
import Foundation
#endif
import XML

/// libFuzzer entry point: any bytes must give a document or a typed `XMLError`, never a
/// crash, and a parsed document must survive tree copying, XPath and writing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = XMLLimits(maxInputBytes: 1 << 20)
    guard let document = try? SafeXMLParser(limits: limits).parse(bytes) else { return 0 }
    let tree = document.tree()
    _ = try? document.evaluate("count(//*) + string-length(string(/*))")
    _ = try? document.strings("//@*")
    // What the writer produces must parse back to the same tree.
    let written = XMLWriter().bytes(tree)
    guard let again = try? SafeXMLParser(limits: XMLLimits(maxInputBytes: 4 << 20)).parse(written).tree(),
          again.root == tree.root
    else {
        fatalError("writer round trip changed the document")
    }
    return 0
}

#if !FUZZING
/// Replays corpus files without libFuzzer: `swift run XMLFuzz seeds/xml/*`.
@main
struct Replay {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { fuzzXML($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            count += 1
        }
        print("replayed \(count) inputs")
    }
}
#endif
