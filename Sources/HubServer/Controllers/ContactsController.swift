import Foundation
import HubCore
import Hummingbird
import PRM

/// The tenant's contacts at its customer accounts.
struct ContactsController {
    let contacts: Contacts

    struct ContactRequest: RequestBody {
        static let fields: Set<String> = ["accountID", "firstName", "lastName", "email", "phone", "title"]
        var accountID: String?
        var firstName: String?
        var lastName: String?
        var email: String?
        var phone: String?
        var title: String?

        func fields() throws(HubError) -> ContactFields {
            ContactFields(
                accountID: try accountID.id("/accountID", "an account id"), firstName: firstName, lastName: lastName, email: email,
                phone: phone, title: title
            )
        }
    }

    /// A PATCH: a field left out stays as it is, `null` clears it.
    struct UpdateRequest: RequestBody {
        static let fields: Set<String> = ["accountID", "firstName", "lastName", "email", "phone", "title"]
        var changes = ContactChanges()

        enum Keys: String, CodingKey { case accountID, firstName, lastName, email, phone, title }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            changes.accountID = try container.edit(String.self, forKey: .accountID).map { raw throws(HubError) in
                try Optional(raw).id("/accountID", "an account id")!
            }
            changes.firstName = try container.edit(String.self, forKey: .firstName)
            changes.lastName = try container.edit(String.self, forKey: .lastName)
            changes.email = try container.edit(String.self, forKey: .email)
            changes.phone = try container.edit(String.self, forKey: .phone)
            changes.title = try container.edit(String.self, forKey: .title)
        }
    }

    func addRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("contacts", use: list)
        router.post("contacts", use: create)
        router.get("contacts/:contactID", use: show)
        router.patch("contacts/:contactID", use: update)
        router.get("contacts/:contactID/timeline", use: timeline)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.decode(ContactRequest.self, context: context)
        return try JSONResponse.make(try await contacts.create(caller, try body.fields()), status: .created)
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.caller()
        let id = try context.parameters.id("contactID", of: ContactKind.self, what: "contact")
        var request = request
        let body = try await request.decode(UpdateRequest.self, context: context)
        return try JSONResponse.make(try await contacts.update(caller, id: id, body.changes))
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let filter = ContactFilter(accountID: try query.get("account").id("account", "an account id"), email: query.get("email"))
        return try JSONResponse.make(try await contacts.list(try context.caller(), filter: filter, page: try request.pageRequest))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("contactID", of: ContactKind.self, what: "contact")
        return try JSONResponse.make(try await contacts.get(try context.caller(), id: id))
    }

    @Sendable func timeline(_ request: Request, context: HubRequestContext) async throws -> Response {
        let id = try context.parameters.id("contactID", of: ContactKind.self, what: "contact")
        return try JSONResponse.make(try await contacts.timeline(try context.caller(), id: id, page: try request.pageRequest))
    }
}
