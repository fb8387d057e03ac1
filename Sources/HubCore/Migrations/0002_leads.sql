-- Leads: the first PRM records. Owned by one tenant; every status change is kept so response
-- time and cycle length can be measured.

CREATE TYPE hub.lead_status AS ENUM ('new', 'contacted', 'qualified', 'converted', 'lost');

CREATE TABLE hub.leads (
    tenant_id          uuid NOT NULL REFERENCES hub.tenants (id),
    id                 uuid NOT NULL,
    status             hub.lead_status NOT NULL DEFAULT 'new',
    source             text NOT NULL CHECK (source IN ('web', 'import', 'api', 'partner_share', 'edi_adf', 'event', 'referral', 'other')),
    company_name       text CHECK (length(company_name) <= 200),
    company_domain     text CHECK (company_domain = lower(company_domain) AND length(company_domain) <= 253),
    first_name         text CHECK (length(first_name) <= 100),
    last_name          text CHECK (length(last_name) <= 100),
    email              text CHECK (email = lower(email) AND length(email) <= 254),
    phone              text CHECK (length(phone) <= 40),
    country            text CHECK (country ~ '^[A-Z]{2}$'),
    region             text CHECK (length(region) <= 100),
    owner_user_id      uuid,
    estimated_amount   numeric(19, 4) CHECK (estimated_amount >= 0),
    currency           text CHECK (currency ~ '^[A-Z]{3}$'),
    notes              text CHECK (length(notes) <= 10000),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    first_response_at  timestamptz,
    qualified_at       timestamptz,
    closed_at          timestamptz,
    lost_reason        text CHECK (length(lost_reason) <= 2000),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_user_id) REFERENCES hub.users (tenant_id, id),
    CHECK ((estimated_amount IS NULL) = (currency IS NULL)),
    CHECK (coalesce(company_name, last_name, email) IS NOT NULL)
);
CREATE INDEX leads_newest ON hub.leads (tenant_id, created_at DESC, id DESC);
CREATE INDEX leads_email ON hub.leads (tenant_id, email) WHERE email IS NOT NULL;
CREATE INDEX leads_domain ON hub.leads (tenant_id, company_domain) WHERE company_domain IS NOT NULL;
ALTER TABLE hub.leads ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.leads FORCE ROW LEVEL SECURITY;
CREATE POLICY leads_own ON hub.leads TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

CREATE TABLE hub.lead_status_changes (
    tenant_id    uuid NOT NULL,
    lead_id      uuid NOT NULL,
    seq          integer NOT NULL,
    from_status  hub.lead_status,
    to_status    hub.lead_status NOT NULL,
    by_user_id   uuid,
    reason       text CHECK (length(reason) <= 2000),
    at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, lead_id, seq),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES hub.leads (tenant_id, id)
);
ALTER TABLE hub.lead_status_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.lead_status_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_status_changes_own ON hub.lead_status_changes TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

GRANT SELECT, INSERT, UPDATE ON hub.leads TO hub_app;
GRANT SELECT, INSERT ON hub.lead_status_changes TO hub_app;
