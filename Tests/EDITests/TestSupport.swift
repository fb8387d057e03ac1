import Foundation
import Testing
@testable import EDI

/// Loads a fixture file's bytes.
func fixture(_ path: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/" + path, withExtension: nil))
    return Array(try Data(contentsOf: url))
}

/// A fixed-width ISA header with the usual delimiters.
func isa(control: String = "000000001", version: String = "00401", repetition: String = "U", ack: String = "0") -> String {
    "ISA*00*          *00*          *ZZ*SENDERID       *ZZ*RECEIVERID     *240315*1031*\(repetition)*\(version)*\(control)*\(ack)*P*>~"
}

/// A one-group X12 interchange around the given transaction set bodies (ST…SE included).
func x12Interchange(_ sets: [String], functionalID: String = "PO", gsVersion: String = "004010", isaVersion: String = "00401", groupCount: Int? = nil, setCount: Int? = nil, iea02: String = "000000001", ge02: String = "1") -> [UInt8] {
    var s = isa(version: isaVersion)
    s += "GS*\(functionalID)*SENDERID*RECEIVERID*20240315*1031*1*X*\(gsVersion)~"
    for set in sets { s += set }
    s += "GE*\(setCount ?? sets.count)*\(ge02)~IEA*\(groupCount ?? 1)*\(iea02)~"
    return Array(s.utf8)
}

let po850 = "ST*850*0001~BEG*00*SA*PO1001**20240220~N1*ST*HARBOR ELECTRONICS*92*0060~PO1*1*10*EA*12.5*PE*UP*010770026643~CTT*1~SE*6*0001~"

/// An EDIFACT interchange around the given message bodies (UNH…UNT included).
func edifactInterchange(_ messages: [String], una: Bool = true, unzCount: Int? = nil, unzRef: String = "1") -> [UInt8] {
    var s = una ? "UNA:+.? '" : ""
    s += "UNB+UNOC:3+SENDER:14+RECEIVER:14+240315:1031+1'"
    for m in messages { s += m }
    s += "UNZ+\(unzCount ?? messages.count)+\(unzRef)'"
    return Array(s.utf8)
}

let ordersMessage = "UNH+1+ORDERS:D:96A:UN'BGM+220+PO1001+9'DTM+137:20240220:102'NAD+BY+5412345000013::9'LIN+1++4000862141404:EN'QTY+21:10'UNS+S'UNT+8+1'"

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

let ackSettings = AcknowledgmentSettings(interchangeControlNumber: 42, groupControlNumber: 7, firstSetControlNumber: 1, date: "20240316", time: "0900")

/// Compares output with a golden file; `EDI_UPDATE_GOLDEN=1` rewrites the file in the source tree instead.
func expectGolden(_ actual: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    if ProcessInfo.processInfo.environment["EDI_UPDATE_GOLDEN"] == "1" {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/golden")
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(actual).write(to: url)
        return
    }
    let expected = try fixture("golden/" + name)
    #expect(actual.text == expected.text, "golden \(name)", sourceLocation: sourceLocation)
}

/// The repository's guide folder (found from this source file, as the tests run from the build folder).
let guidesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../edi-mappings/guides").standardizedFileURL.path

/// The guides, loaded once.
let repositoryGuides: GuideCatalog = {
    do { return try GuideCatalog.load(directory: guidesDirectory) } catch { fatalError("guides: \(error)") }
}()
