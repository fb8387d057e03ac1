import Foundation
import Testing
@testable import EDI

@Suite("Acknowledgements")
struct AcknowledgmentTests {
    func report(_ bytes: [UInt8]) throws -> InterchangeReport {
        try #require(try EDIValidation.validate(bytes).first)
    }

    @Test("TA1 accepts a clean interchange, with identities reversed and the caller's control number")
    func ta1Accepted() throws {
        let ack = try Acknowledgment.ta1(for: try report(x12Interchange([po850])), settings: ackSettings)
        try expectGolden(ack, "acks/ta1-accepted.x12")
        let back = try #require(try Interchange.parseAll(ack).first)
        #expect(back.header.segment.value(6) == "RECEIVERID     " && back.header.segment.value(8) == "SENDERID       ")
        #expect(back.header.segment.value(13) == "000000042")
    }

    @Test("TA1 reports an IEA02 mismatch with note 001")
    func ta1Mismatch() throws {
        let ack = try Acknowledgment.ta1(for: try report(x12Interchange([po850], iea02: "000000002")), settings: ackSettings)
        try expectGolden(ack, "acks/ta1-control-mismatch.x12")
    }

    @Test("TA1 rejects a truncated interchange with note 023")
    func ta1Truncated() throws {
        let full = x12Interchange([po850])
        let ack = try Acknowledgment.ta1(for: try report(Array(full[0..<(full.count - 20)])), settings: ackSettings)
        try expectGolden(ack, "acks/ta1-truncated.x12")
    }

    @Test("997 accepts every set of a clean group")
    func ack997Accepted() throws {
        let second = po850.replacingOccurrences(of: "0001", with: "0002")
        let ack = try #require(try Acknowledgment.functional(.ack997, for: try report(x12Interchange([po850, second])), settings: ackSettings))
        try expectGolden(ack, "acks/997-accepted.x12")
        #expect(ack.text.contains("AK9*A*2*2*2~"))
    }

    @Test("997 rejects a set whose SE01 is wrong (AK5 R 4) and marks the group partially accepted")
    func ack997SegmentCount() throws {
        let bad = po850.replacingOccurrences(of: "0001", with: "0002").replacingOccurrences(of: "SE*6*", with: "SE*5*")
        let ack = try #require(try Acknowledgment.functional(.ack997, for: try report(x12Interchange([po850, bad])), settings: ackSettings))
        try expectGolden(ack, "acks/997-se-count.x12")
        #expect(ack.text.contains("AK2*850*0002~AK5*R*4~AK9*P*2*2*1~"))
    }

    @Test("997 reports GE count and control number errors in AK9")
    func ack997GroupErrors() throws {
        let ack = try #require(try Acknowledgment.functional(.ack997, for: try report(x12Interchange([po850], setCount: 3, ge02: "2")), settings: ackSettings))
        try expectGolden(ack, "acks/997-group-errors.x12")
        #expect(ack.text.contains("AK9*R*3*1*1*5*4~"))
    }

    @Test("no 997 answers a group of acknowledgements")
    func noAckForAcks() throws {
        let ack997 = "ST*997*0001~AK1*PO*1~AK9*A*1*1*1~SE*4*0001~"
        #expect(try Acknowledgment.functional(.ack997, for: try report(x12Interchange([ack997], functionalID: "FA")), settings: ackSettings) == nil)
    }

    @Test("999 answers in 005010X231A1 with AK1 carrying GS08")
    func ack999() throws {
        let set = "ST*850*0001*005010~BEG*00*SA*PO1001**20240220~SE*3*0001~"
        let bytes = x12Interchange([set], gsVersion: "005010", isaVersion: "00501")
        let ack = try #require(try Acknowledgment.functional(.ack999, for: try report(bytes), settings: ackSettings))
        try expectGolden(ack, "acks/999-accepted.x12")
        #expect(ack.text.contains("ST*999*0001*005010X231A1~AK1*PO*1*005010~AK2*850*0001*005010~IK5*A~"))
    }

    @Test("CONTRL acknowledges a clean interchange with UCI action 7")
    func contrlAccepted() throws {
        let ack = try #require(try Acknowledgment.contrl(for: try report(edifactInterchange([ordersMessage])), settings: ackSettings))
        try expectGolden(ack, "acks/contrl-accepted.edi")
        #expect(ack.text.contains("UCI+1+SENDER:14+RECEIVER:14+7'UCM+1+ORDERS:D:96A:UN+7'"))
    }

    @Test("CONTRL rejects a message whose UNT count is wrong (UCM action 4, code 29)")
    func contrlUNT() throws {
        let ack = try #require(try Acknowledgment.contrl(for: try report(edifactInterchange([ordersMessage.replacingOccurrences(of: "UNT+8", with: "UNT+7")])), settings: ackSettings))
        try expectGolden(ack, "acks/contrl-unt-count.edi")
        #expect(ack.text.contains("UCM+1+ORDERS:D:96A:UN+4+29+UNT'"))
    }

    @Test("CONTRL rejects the interchange when UNZ does not match (UCI action 4, code 28)")
    func contrlUNZ() throws {
        let ack = try #require(try Acknowledgment.contrl(for: try report(edifactInterchange([ordersMessage], unzRef: "9")), settings: ackSettings))
        try expectGolden(ack, "acks/contrl-unz-reference.edi")
        #expect(ack.text.contains("UCI+1+SENDER:14+RECEIVER:14+4+28+UNZ+2'"))
    }

    @Test("no CONTRL answers a CONTRL")
    func noContrlForContrl() throws {
        let contrl = "UNH+1+CONTRL:D:3:UN'UCI+1+A+B+7'UNT+3+1'"
        #expect(try Acknowledgment.contrl(for: try report(edifactInterchange([contrl])), settings: ackSettings) == nil)
    }

    @Test("every acknowledgement is itself a valid interchange")
    func acksValidate() throws {
        let r = try report(x12Interchange([po850]))
        for ack in [try Acknowledgment.ta1(for: r, settings: ackSettings),
                    try #require(try Acknowledgment.functional(.ack997, for: r, settings: ackSettings)),
                    try #require(try Acknowledgment.contrl(for: try report(edifactInterchange([ordersMessage])), settings: ackSettings))] {
            let back = try #require(try EDIValidation.validate(ack).first)
            #expect(back.issues.isEmpty, "\(ack.text)")
            #expect(back.setsReceived == back.setsAccepted)
        }
    }

    @Test("the envelope builder counts segments, sets and groups and escapes EDIFACT values")
    func builder() throws {
        let env = OutboundEnvelope(senderQualifier: "14", senderID: "ME", receiverQualifier: "14", receiverID: "YOU", date: "20240316", time: "0900",
                                   controlNumber: 5, version: ["UNOC", "3"], delimiters: .edifactLevelA)
        let msg = OutboundTransactionSet(identifier: ["ORDERS", "D", "96A", "UN"], controlNumber: "1",
                                         body: [OutboundSegment("FTX", "AAI", "", "", "O'NEIL + CO?")])
        let bytes = try EnvelopeBuilder.edifact(env, messages: [msg])
        #expect(bytes.text == "UNA:+.? 'UNB+UNOC:3+ME:14+YOU:14+240316:0900+5'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++O?'NEIL ?+ CO??'UNT+3+1'UNZ+1+5'")
        let back = try #require(try Interchange.parseAll(bytes).first)
        #expect(back.allTransactionSets[0].segments[1].value(4) == "O'NEIL + CO?")
    }

    @Test("the X12 builder refuses a value containing a delimiter")
    func builderRefusesDelimiter() {
        let env = OutboundEnvelope(senderQualifier: "ZZ", senderID: "ME", receiverQualifier: "ZZ", receiverID: "YOU", date: "20240316", time: "0900",
                                   controlNumber: 5, version: ["00401"], delimiters: .x12Default)
        let set = OutboundTransactionSet(identifier: ["850"], controlNumber: "0001", body: [OutboundSegment("REF", "ZZ", "A*B")])
        let group = OutboundGroup(functionalID: "PO", applicationSender: "ME", applicationReceiver: "YOU", controlNumber: 1, version: "004010", sets: [set])
        #expect(throws: EDIWriteError.delimiterInValue(tag: "REF", value: "A*B")) { try EnvelopeBuilder.x12(env, groups: [group]) }
    }
}
