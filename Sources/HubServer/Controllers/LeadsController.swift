import Foundation
import HubCore
import Hummingbird
import NIOCore
import PRM

/// The tenant's leads and their pipeline.
struct LeadsController {
    let leads: Leads

    struct MoneyBody: Decodable {
        var amount: String
        var currency: String
    }

    struct ConsentBody: Decodable {
        var basis: Choice<ConsentBasis>
        var capturedAt: String?
        var reference: String?

        var consent: LeadConsent {
            get throws(HubError) {
                LeadConsent(basis: basis.value, capturedAt: try LeadsController.date(capturedAt, "/consent/capturedAt"), reference: reference)
            }
        }
    }

    struct CreateRequest: RequestBody {
        static let fields: Set<String> = [
            "source", "companyName", "companyDomain", "firstName", "lastName", "email", "phone", "country", "region",
            "ownerUserID", "estimatedValue", "notes", "consent", "promoCode", "promotionID",
        ]
        var source: Choice<LeadSource>?
        var companyName: String?
        var companyDomain: String?
        var firstName: String?
        var lastName: String?
        var email: String?
        var phone: String?
        var country: String?
        var region: String?
        var ownerUserID: String?
        var estimatedValue: MoneyBody?
        var notes: String?
        var consent: ConsentBody?
        var promoCode: String?
        var promotionID: String?
    }

    struct PromotionTagRequest: RequestBody {
        static let fields: Set<String> = ["promotionID"]
        var promotionID: String?
    }

    /// A PATCH: a field left out stays as it is, `null` clears it.
    struct UpdateRequest: RequestBody {
        static let fields: Set<String> = [
            "companyName", "companyDomain", "firstName", "lastName", "email", "phone", "country", "region", "ownerUserID",
            "estimatedValue", "notes", "consent",
        ]
        var changes = LeadChanges()
        var ownerUserID: FieldEdit<String>
        var estimatedValue: FieldEdit<MoneyBody>
        var consent: FieldEdit<ConsentBody>

        enum Keys: String, CodingKey {
            case companyName, companyDomain, firstName, lastName, email, phone, country, region, ownerUserID, estimatedValue, notes, consent
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            changes.companyName = try container.edit(String.self, forKey: .companyName)
            changes.companyDomain = try container.edit(String.self, forKey: .companyDomain)
            changes.firstName = try container.edit(String.self, forKey: .firstName)
            changes.lastName = try container.edit(String.self, forKey: .lastName)
            changes.email = try container.edit(String.self, forKey: .email)
            changes.phone = try container.edit(String.self, forKey: .phone)
            changes.country = try container.edit(String.self, forKey: .country)
            changes.region = try container.edit(String.self, forKey: .region)
            changes.notes = try container.edit(String.self, forKey: .notes)
            ownerUserID = try container.edit(String.self, forKey: .ownerUserID)
            estimatedValue = try container.edit(MoneyBody.self, forKey: .estimatedValue)
            consent = try container.edit(ConsentBody.self, forKey: .consent)
        }
    }

    struct MergeRequest: RequestBody {
        static let fields: Set<String> = ["duplicateIDs"]
        var duplicateIDs: [String]?
    }

    struct StatusRequest: RequestBody {
        static let fields: Set<String> = ["status", "reason"]
        var status: Choice<LeadStatus>
        var reason: String?
    }

    struct History: Encodable {
        var items: [LeadStatusChange]
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("leads", use: list)
        router.post("leads", use: create)
        router.get("leads/export", use: export)
        router.post("leads/import", use: importCSV)
        router.get("leads/:leadID", use: show)
        router.patch("leads/:leadID", use: update)
        router.post("leads/:leadID/merge", use: merge)
        router.post("leads/:leadID/status", use: changeStatus)
        router.get("leads/:leadID/history", use: history)
        router.get("leads/:leadID/timeline", use: timeline)
        router.post("leads/:leadID/promotion", use: tagPromotion)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(CreateRequest.self, context: context)
        var owner: UserID?
        if let raw = body.ownerUserID {
            guard let parsed = UserID(raw) else { throw HubError.invalid("/ownerUserID", "must be a user id (UUID)") }
            owner = parsed
        }
        let value = try body.estimatedValue.map { value throws(HubError) in
            try Money(amount: value.amount, currency: value.currency, field: "/estimatedValue")
        }
        let draft = LeadDraft(
            source: body.source?.value ?? .api, companyName: body.companyName, companyDomain: body.companyDomain,
            firstName: body.firstName, lastName: body.lastName, email: body.email, phone: body.phone, country: body.country,
            region: body.region, ownerUserID: owner, estimatedValue: value, notes: body.notes, consent: try body.consent?.consent,
            promoCode: body.promoCode, promotionID: try Self.promotionID(body.promotionID, "/promotionID")
        )
        return try JSONResponse.make(try await leads.create(caller, draft), status: .created)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(try await leads.list(try context.caller(), filter: try Self.filter(request), page: try request.pageRequest))
    }

    /// The list's filters from the query string.
    static func filter(_ request: Request) throws -> LeadFilter {
        let query = request.uri.queryParameters
        var filter = LeadFilter(
            status: try request.choice("status", of: LeadStatus.self), source: try request.choice("source", of: LeadSource.self)
        )
        if let raw = query.get("owner") {
            guard let owner = UserID(raw) else { throw HubError.invalid("owner", "must be a user id (UUID)") }
            filter.ownerUserID = owner
        }
        filter.promotion = try Self.promotionID(query.get("promotion"), "promotion")
        filter.createdFrom = try Self.date(query.get("createdFrom"), "createdFrom")
        filter.createdBefore = try Self.date(query.get("createdBefore"), "createdBefore")
        if let from = filter.createdFrom, let before = filter.createdBefore, from >= before {
            throw HubError.invalid("createdBefore", "must be later than createdFrom")
        }
        return filter
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        var request = request
        let body = try await request.decode(UpdateRequest.self, context: context)
        var changes = body.changes
        changes.ownerUserID = try body.ownerUserID.map { raw throws(HubError) in
            guard let owner = UserID(raw) else { throw .invalid("/ownerUserID", "must be a user id (UUID)") }
            return owner
        }
        changes.estimatedValue = try body.estimatedValue.map { value throws(HubError) in
            try Money(amount: value.amount, currency: value.currency, field: "/estimatedValue")
        }
        changes.consent = try body.consent.map { body throws(HubError) in try body.consent }
        return try JSONResponse.make(try await leads.update(caller, id: id, changes: changes))
    }

    @Sendable func merge(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        var request = request
        let body = try await request.decode(MergeRequest.self, context: context)
        let duplicates = try (body.duplicateIDs ?? []).enumerated().map { index, raw throws(HubError) in
            guard let duplicate = LeadID(raw) else { throw .invalid("/duplicateIDs/\(index)", "must be a lead id (UUID)") }
            return duplicate
        }
        return try JSONResponse.make(try await leads.merge(caller, into: id, duplicates: duplicates))
    }

    /// A CSV file of leads, at most 16 MiB (about 50,000 rows), sent as `text/csv`.
    @Sendable func importCSV(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("text/csv") else {
            throw Problem(.unsupportedMediaType, "send the file as text/csv (UTF-8), not \(contentType.isEmpty ? "without a content type" : contentType)")
        }
        if let charset = contentType.split(separator: "charset=").dropFirst().first, !charset.lowercased().hasPrefix("utf-8") {
            throw Problem(.unsupportedMediaType, "the file must be UTF-8, not \(charset): save it as UTF-8")
        }
        let query = request.uri.queryParameters
        let delimiter: UInt8
        switch query.get("delimiter") ?? "comma" {
        case "comma", ",": delimiter = UInt8(ascii: ",")
        case "semicolon", ";": delimiter = UInt8(ascii: ";")
        case "tab": delimiter = UInt8(ascii: "\t")
        default: throw HubError.invalid("delimiter", "must be comma, semicolon or tab")
        }
        let dryRun: Bool
        switch query.get("dryRun") ?? "false" {
        case "true": dryRun = true
        case "false": dryRun = false
        default: throw HubError.invalid("dryRun", "must be true or false")
        }
        let handling = try request.choice("duplicates", of: DuplicateHandling.self) ?? .import
        let limit = 16 << 20
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.bodyTooLarge(limit: limit)
        }
        let report = try await leads.importCSV(
            caller, bytes: Array(body.readableBytesView), delimiter: delimiter, duplicates: handling, dryRun: dryRun
        )
        return try JSONResponse.make(report, status: report.imported > 0 ? .created : .ok)
    }

    /// The leads matching the list's filters, as a CSV file that import reads back.
    @Sendable func export(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let filter = try Self.filter(request)
        let leads = self.leads
        let date = Date().formatted(.iso8601.year().month().day())
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"leads-\(date).csv\""],
            body: ResponseBody { writer in
                try await leads.exportCSV(caller, filter: filter) { bytes in try await writer.write(ByteBuffer(bytes: bytes)) }
                try await writer.finish(nil)
            }
        )
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        return try JSONResponse.make(try await leads.get(try context.caller(), id: id))
    }

    @Sendable func changeStatus(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        var request = request
        let body = try await request.decode(StatusRequest.self, context: context)
        return try JSONResponse.make(try await leads.changeStatus(caller, id: id, to: body.status.value, reason: body.reason))
    }

    @Sendable func history(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        return try JSONResponse.make(History(items: try await leads.history(try context.caller(), id: id)))
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        return try JSONResponse.make(try await leads.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }

    @Sendable func tagPromotion(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("leadID", of: LeadKind.self, what: "lead")
        var request = request
        let body = try await request.decode(PromotionTagRequest.self, context: context)
        return try JSONResponse.make(try await leads.tag(caller, id: id, promotion: try Self.promotionID(body.promotionID, "/promotionID")))
    }

    static func promotionID(_ raw: String?, _ name: String) throws(HubError) -> PromotionID? {
        guard let raw else { return nil }
        guard let id = PromotionID(raw) else { throw .invalid(name, "must be a promotion id (UUID)") }
        return id
    }

    /// An ISO 8601 time with zone, e.g. 2026-01-31T00:00:00Z.
    static func date(_ raw: String?, _ name: String) throws(HubError) -> Date? {
        guard let raw else { return nil }
        guard let date = ISO8601DateFormatter().date(from: raw) else {
            throw .invalid(name, "must be an ISO 8601 time with zone, like 2026-01-31T00:00:00Z")
        }
        return date
    }
}
