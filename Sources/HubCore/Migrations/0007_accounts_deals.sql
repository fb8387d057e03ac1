-- Customer accounts and contacts, opportunities with their stage history, lead conversion links,
-- and deal registration: a partner registers an opportunity with a vendor, the vendor decides.

-- Accounts: the customer companies a tenant sells to. name_key is the normalized name
-- (lower case, no punctuation or legal suffix) used with the country to match registrations.
CREATE TABLE hub.accounts (
    tenant_id      uuid NOT NULL REFERENCES hub.tenants (id),
    id             uuid NOT NULL,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_key       text NOT NULL CHECK (length(name_key) <= 200),
    domain         text CHECK (domain = lower(domain) AND length(domain) <= 253),
    country        text CHECK (country ~ '^[A-Z]{2}$'),
    region         text CHECK (length(region) <= 100),
    owner_user_id  uuid,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_user_id) REFERENCES hub.users (tenant_id, id)
);
CREATE UNIQUE INDEX accounts_domain ON hub.accounts (tenant_id, domain) WHERE domain IS NOT NULL;
CREATE INDEX accounts_newest ON hub.accounts (tenant_id, created_at DESC, id DESC);
CREATE INDEX accounts_name_country ON hub.accounts (tenant_id, name_key, country);
ALTER TABLE hub.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY accounts_own ON hub.accounts TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

-- Contacts: people at a customer; one contact per e-mail address in a tenant.
CREATE TABLE hub.contacts (
    tenant_id      uuid NOT NULL REFERENCES hub.tenants (id),
    id             uuid NOT NULL,
    account_id     uuid,
    first_name     text CHECK (length(first_name) <= 100),
    last_name      text CHECK (length(last_name) <= 100),
    email          text CHECK (email = lower(email) AND length(email) <= 254),
    phone          text CHECK (length(phone) <= 40),
    title          text CHECK (length(title) <= 100),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES hub.accounts (tenant_id, id),
    CHECK (coalesce(last_name, email) IS NOT NULL)
);
CREATE UNIQUE INDEX contacts_email ON hub.contacts (tenant_id, email) WHERE email IS NOT NULL;
CREATE INDEX contacts_newest ON hub.contacts (tenant_id, created_at DESC, id DESC);
CREATE INDEX contacts_account ON hub.contacts (tenant_id, account_id);
ALTER TABLE hub.contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY contacts_own ON hub.contacts TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

-- The fixed sales pipeline and the probability of winning at each stage (used for weighted pipeline).
CREATE TYPE hub.opportunity_stage AS ENUM ('prospecting', 'qualification', 'proposal', 'negotiation');
CREATE TYPE hub.opportunity_outcome AS ENUM ('open', 'won', 'lost');
CREATE FUNCTION hub.stage_probability(p_stage hub.opportunity_stage) RETURNS numeric
    LANGUAGE sql IMMUTABLE SET search_path = ''
    AS $$ SELECT CASE p_stage WHEN 'prospecting' THEN 0.10 WHEN 'qualification' THEN 0.25
                              WHEN 'proposal' THEN 0.50 WHEN 'negotiation' THEN 0.75 END $$;

CREATE TYPE hub.deal_registration_status AS ENUM
    ('draft', 'submitted', 'under_review', 'approved', 'returned', 'rejected', 'expired');

-- Owned by the vendor (it decides and holds the conflict data); the registering partner reads and
-- edits its own through partner_tenant_id. The partner's queries never select vendor-only columns.
CREATE TABLE hub.deal_registrations (
    tenant_id           uuid NOT NULL REFERENCES hub.tenants (id),
    id                  uuid NOT NULL,
    partner_tenant_id   uuid NOT NULL REFERENCES hub.tenants (id),
    status              hub.deal_registration_status NOT NULL DEFAULT 'draft',
    customer_name       text NOT NULL CHECK (length(customer_name) BETWEEN 1 AND 200),
    customer_name_key   text NOT NULL CHECK (length(customer_name_key) <= 200),
    customer_domain     text CHECK (customer_domain = lower(customer_domain) AND length(customer_domain) <= 253),
    country             text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    products            jsonb NOT NULL CHECK (jsonb_typeof(products) = 'array' AND jsonb_array_length(products) BETWEEN 1 AND 100),
    amount              numeric(19, 4) NOT NULL CHECK (amount >= 0),
    currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    expected_close_on   date NOT NULL,
    partner_ref         text CHECK (length(partner_ref) <= 100),
    has_conflict        boolean NOT NULL DEFAULT false,
    first_submitted_at  timestamptz,
    submitted_at        timestamptz,
    decided_at          timestamptz,
    decision_reason     text CHECK (length(decision_reason) <= 2000),
    protection_until    timestamptz,
    expires_at          timestamptz,
    opportunity_id      uuid,
    deal_outcome        hub.opportunity_outcome,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK (tenant_id <> partner_tenant_id),
    CHECK (status <> 'approved' OR protection_until IS NOT NULL)
);
CREATE INDEX deal_registrations_partner ON hub.deal_registrations (partner_tenant_id, created_at DESC, id DESC);
CREATE INDEX deal_registrations_newest ON hub.deal_registrations (tenant_id, created_at DESC, id DESC);
CREATE INDEX deal_registrations_domain ON hub.deal_registrations (tenant_id, customer_domain) WHERE customer_domain IS NOT NULL;
CREATE INDEX deal_registrations_name ON hub.deal_registrations (tenant_id, customer_name_key, country);
ALTER TABLE hub.deal_registrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.deal_registrations FORCE ROW LEVEL SECURITY;
CREATE POLICY deal_registrations_vendor ON hub.deal_registrations TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY deal_registrations_partner ON hub.deal_registrations TO hub_app
    USING (partner_tenant_id = hub.current_tenant())
    WITH CHECK (partner_tenant_id = hub.current_tenant());

-- The partner may write its own fields, submit, and let its registration lapse; decisions, protection,
-- conflicts and the vendor's opportunity are the vendor's alone, whatever SQL runs on the partner's side.
CREATE FUNCTION hub.deal_registration_partner_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = ''
    AS $$
BEGIN
    IF NEW.tenant_id = hub.current_tenant() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' OR NEW.has_conflict OR NEW.protection_until IS NOT NULL OR NEW.opportunity_id IS NOT NULL
           OR NEW.deal_outcome IS NOT NULL OR NEW.decision_reason IS NOT NULL OR NEW.decided_at IS NOT NULL THEN
            RAISE EXCEPTION 'a partner only drafts a registration' USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF (NEW.status IS DISTINCT FROM OLD.status AND NEW.status NOT IN ('submitted', 'expired'))
          OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.partner_tenant_id IS DISTINCT FROM OLD.partner_tenant_id
          OR NEW.has_conflict IS DISTINCT FROM OLD.has_conflict OR NEW.protection_until IS DISTINCT FROM OLD.protection_until
          OR NEW.opportunity_id IS DISTINCT FROM OLD.opportunity_id OR NEW.deal_outcome IS DISTINCT FROM OLD.deal_outcome
          OR (NEW.decision_reason IS NOT NULL AND NEW.decision_reason IS DISTINCT FROM OLD.decision_reason)
          OR (NEW.decided_at IS NOT NULL AND NEW.decided_at IS DISTINCT FROM OLD.decided_at) THEN
        RAISE EXCEPTION 'only the vendor decides on a registration' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER deal_registrations_partner_guard BEFORE INSERT OR UPDATE ON hub.deal_registrations
    FOR EACH ROW EXECUTE FUNCTION hub.deal_registration_partner_guard();

-- Every status a registration has had, visible to both sides (reasons here are meant for the partner;
-- override reasons live on the vendor-only conflict rows).
CREATE TABLE hub.deal_registration_changes (
    tenant_id          uuid NOT NULL,
    registration_id    uuid NOT NULL,
    seq                integer NOT NULL,
    partner_tenant_id  uuid NOT NULL,
    from_status        hub.deal_registration_status,
    to_status          hub.deal_registration_status NOT NULL,
    actor_tenant_id    uuid NOT NULL,
    actor_user_id      uuid,
    reason             text CHECK (length(reason) <= 2000),
    at                 timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, registration_id, seq),
    FOREIGN KEY (tenant_id, registration_id) REFERENCES hub.deal_registrations (tenant_id, id)
);
CREATE INDEX deal_registration_changes_partner ON hub.deal_registration_changes (partner_tenant_id, registration_id);
CREATE INDEX deal_registration_changes_status_at ON hub.deal_registration_changes (tenant_id, to_status, at);
ALTER TABLE hub.deal_registration_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.deal_registration_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY deal_registration_changes_sides ON hub.deal_registration_changes TO hub_app
    USING (tenant_id = hub.current_tenant() OR partner_tenant_id = hub.current_tenant())
    WITH CHECK ((tenant_id = hub.current_tenant() OR partner_tenant_id = hub.current_tenant())
                AND actor_tenant_id = hub.current_tenant());

-- What a submission collided with, in the vendor's own data. Vendor only: no partner policy.
CREATE TABLE hub.deal_registration_conflicts (
    tenant_id            uuid NOT NULL,
    registration_id      uuid NOT NULL,
    id                   uuid NOT NULL,
    kind                 text NOT NULL CHECK (kind IN ('partner_registration', 'vendor_opportunity', 'vendor_account')),
    matched_id           uuid NOT NULL,
    match_key            text NOT NULL CHECK (match_key IN ('domain', 'name_country')),
    detected_at          timestamptz NOT NULL DEFAULT now(),
    resolution           text NOT NULL DEFAULT 'open' CHECK (resolution IN ('open', 'overridden', 'stale')),
    resolved_at          timestamptz,
    resolved_by_user_id  uuid,
    resolution_reason    text CHECK (length(resolution_reason) <= 2000),
    PRIMARY KEY (tenant_id, registration_id, id),
    FOREIGN KEY (tenant_id, registration_id) REFERENCES hub.deal_registrations (tenant_id, id)
);
ALTER TABLE hub.deal_registration_conflicts ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.deal_registration_conflicts FORCE ROW LEVEL SECURITY;
CREATE POLICY deal_registration_conflicts_vendor ON hub.deal_registration_conflicts TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

-- Opportunities: promotion_id has no foreign key on purpose (promotions arrive in a later migration).
CREATE TABLE hub.opportunities (
    tenant_id             uuid NOT NULL REFERENCES hub.tenants (id),
    id                    uuid NOT NULL,
    account_id            uuid NOT NULL,
    contact_id            uuid,
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    stage                 hub.opportunity_stage NOT NULL DEFAULT 'prospecting',
    amount                numeric(19, 4) NOT NULL CHECK (amount >= 0),
    currency              text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    expected_close_on     date,
    owner_user_id         uuid,
    promotion_id          uuid,
    promo_code            text CHECK (length(promo_code) <= 64),
    lead_id               uuid,
    deal_registration_id  uuid,
    sourced_by_tenant_id  uuid REFERENCES hub.tenants (id),
    outcome               hub.opportunity_outcome NOT NULL DEFAULT 'open',
    close_reason          text CHECK (length(close_reason) <= 2000),
    closed_at             timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES hub.accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES hub.contacts (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_user_id) REFERENCES hub.users (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES hub.leads (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_registration_id) REFERENCES hub.deal_registrations (tenant_id, id),
    CHECK ((outcome = 'open') = (closed_at IS NULL)),
    CHECK (outcome <> 'lost' OR close_reason IS NOT NULL),
    CHECK (sourced_by_tenant_id <> tenant_id)
);
CREATE INDEX opportunities_newest ON hub.opportunities (tenant_id, created_at DESC, id DESC);
CREATE INDEX opportunities_account ON hub.opportunities (tenant_id, account_id);
CREATE INDEX opportunities_sourced_by ON hub.opportunities (tenant_id, sourced_by_tenant_id) WHERE sourced_by_tenant_id IS NOT NULL;
CREATE UNIQUE INDEX opportunities_one_per_registration ON hub.opportunities (tenant_id, deal_registration_id)
    WHERE deal_registration_id IS NOT NULL;
ALTER TABLE hub.opportunities ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.opportunities FORCE ROW LEVEL SECURITY;
CREATE POLICY opportunities_own ON hub.opportunities TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

ALTER TABLE hub.deal_registrations
    ADD FOREIGN KEY (tenant_id, opportunity_id) REFERENCES hub.opportunities (tenant_id, id);

-- Every stage and outcome an opportunity has had; the first row is its creation.
CREATE TABLE hub.opportunity_changes (
    tenant_id       uuid NOT NULL,
    opportunity_id  uuid NOT NULL,
    seq             integer NOT NULL,
    from_stage      hub.opportunity_stage,
    to_stage        hub.opportunity_stage NOT NULL,
    from_outcome    hub.opportunity_outcome,
    to_outcome      hub.opportunity_outcome NOT NULL,
    by_user_id      uuid,
    reason          text CHECK (length(reason) <= 2000),
    at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, opportunity_id, seq),
    FOREIGN KEY (tenant_id, opportunity_id) REFERENCES hub.opportunities (tenant_id, id)
);
ALTER TABLE hub.opportunity_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.opportunity_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY opportunity_changes_own ON hub.opportunity_changes TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

-- A converted lead keeps links to the account, contact and opportunity it became.
ALTER TABLE hub.leads
    ADD COLUMN converted_account_id uuid,
    ADD COLUMN converted_contact_id uuid,
    ADD COLUMN converted_opportunity_id uuid,
    ADD FOREIGN KEY (tenant_id, converted_account_id) REFERENCES hub.accounts (tenant_id, id),
    ADD FOREIGN KEY (tenant_id, converted_contact_id) REFERENCES hub.contacts (tenant_id, id),
    ADD FOREIGN KEY (tenant_id, converted_opportunity_id) REFERENCES hub.opportunities (tenant_id, id);

GRANT SELECT, INSERT, UPDATE ON hub.accounts, hub.contacts, hub.opportunities, hub.deal_registrations TO hub_app;
GRANT SELECT, INSERT, UPDATE ON hub.deal_registration_conflicts TO hub_app;
GRANT SELECT, INSERT ON hub.opportunity_changes, hub.deal_registration_changes TO hub_app;
GRANT EXECUTE ON FUNCTION hub.stage_probability(hub.opportunity_stage) TO hub_app;
