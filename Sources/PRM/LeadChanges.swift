import HubCore

/// A partial edit of a lead: each field kept, cleared or set.
public struct LeadChanges: Sendable {
    public var companyName: FieldEdit<String> = .keep
    public var companyDomain: FieldEdit<String> = .keep
    public var firstName: FieldEdit<String> = .keep
    public var lastName: FieldEdit<String> = .keep
    public var email: FieldEdit<String> = .keep
    public var phone: FieldEdit<String> = .keep
    public var country: FieldEdit<String> = .keep
    public var region: FieldEdit<String> = .keep
    public var ownerUserID: FieldEdit<UserID> = .keep
    public var estimatedValue: FieldEdit<Money> = .keep
    public var notes: FieldEdit<String> = .keep
    public var consent: FieldEdit<LeadConsent> = .keep

    public init() {}

    /// The lead's fields with the edits applied, as a draft to validate like a new lead.
    func applied(to lead: Lead) -> LeadDraft {
        var draft = lead.draft
        draft.companyName = companyName.applied(to: draft.companyName)
        draft.companyDomain = companyDomain.applied(to: draft.companyDomain)
        draft.firstName = firstName.applied(to: draft.firstName)
        draft.lastName = lastName.applied(to: draft.lastName)
        draft.email = email.applied(to: draft.email)
        draft.phone = phone.applied(to: draft.phone)
        draft.country = country.applied(to: draft.country)
        draft.region = region.applied(to: draft.region)
        draft.ownerUserID = ownerUserID.applied(to: draft.ownerUserID)
        draft.estimatedValue = estimatedValue.applied(to: draft.estimatedValue)
        draft.notes = notes.applied(to: draft.notes)
        draft.consent = consent.applied(to: draft.consent)
        return draft
    }
}

extension LeadDraft {
    /// The names of the fields whose values differ from `lead`'s.
    func changedFields(from lead: Lead) -> [String] {
        var changed: [String] = []
        func compare<Value: Equatable>(_ name: String, _ new: Value?, _ old: Value?) { if new != old { changed.append(name) } }
        compare("companyName", companyName, lead.companyName)
        compare("companyDomain", companyDomain, lead.companyDomain)
        compare("firstName", firstName, lead.firstName)
        compare("lastName", lastName, lead.lastName)
        compare("email", email, lead.email)
        compare("phone", phone, lead.phone)
        compare("country", country, lead.country)
        compare("region", region, lead.region)
        compare("ownerUserID", ownerUserID, lead.ownerUserID)
        compare("estimatedValue", estimatedValue, lead.estimatedValue)
        compare("notes", notes, lead.notes)
        compare("consent", consent, lead.consent)
        return changed
    }

    /// Fills each empty field from `other`: what a merge keeps from a duplicate.
    func filled(from other: Lead) -> LeadDraft {
        var draft = self
        draft.companyName = companyName ?? other.companyName
        draft.companyDomain = companyDomain ?? other.companyDomain
        draft.firstName = firstName ?? other.firstName
        draft.lastName = lastName ?? other.lastName
        draft.email = email ?? other.email
        draft.phone = phone ?? other.phone
        draft.country = country ?? other.country
        draft.region = region ?? other.region
        draft.ownerUserID = ownerUserID ?? other.ownerUserID
        draft.estimatedValue = estimatedValue ?? other.estimatedValue
        draft.consent = consent ?? other.consent
        return draft
    }
}

extension Lead {
    /// The lead's editable fields as a draft.
    var draft: LeadDraft {
        LeadDraft(
            source: source, companyName: companyName, companyDomain: companyDomain, firstName: firstName, lastName: lastName,
            email: email, phone: phone, country: country, region: region, ownerUserID: ownerUserID, estimatedValue: estimatedValue,
            notes: notes, consent: consent
        )
    }
}
