-- Joint promotions: a promotion owned by the creating tenant, its versioned terms, the partner
-- tenants invited to it, each contributor's budget ledger, promo codes, what is attributed to it,
-- the sell-through partners report to a vendor and the claims they make against its promotions.
-- Rows another tenant may see carry that tenant's id in a second column, with a policy for it.

CREATE TYPE hub.promotion_status AS ENUM ('draft', 'scheduled', 'active', 'ended', 'cancelled');
CREATE TYPE hub.participant_status AS ENUM ('invited', 'accepted', 'declined', 'withdrawn');
CREATE TYPE hub.contribution_kind AS ENUM ('commit', 'adjust', 'spend', 'refund');
CREATE TYPE hub.claim_status AS ENUM ('submitted', 'approved', 'partially_approved', 'rejected');

-- A scheduled promotion becomes active on its first day and ends after its last: the status as of `day`.
-- Stored rows catch up when their owner reads or acts on them, or when the sweep runs.
CREATE FUNCTION hub.promotion_status_on(p_status hub.promotion_status, p_starts date, p_ends date, p_day date)
    RETURNS hub.promotion_status
    LANGUAGE sql IMMUTABLE SET search_path = ''
    AS $$
    SELECT CASE
        WHEN p_status IN ('scheduled', 'active') AND p_day > p_ends THEN 'ended'::hub.promotion_status
        WHEN p_status = 'scheduled' AND p_day >= p_starts THEN 'active'::hub.promotion_status
        ELSE p_status END
$$;

CREATE TABLE hub.promotions (
    tenant_id             uuid NOT NULL REFERENCES hub.tenants (id),
    id                    uuid NOT NULL,
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description           text CHECK (length(description) <= 10000),
    status                hub.promotion_status NOT NULL DEFAULT 'draft',
    starts_on             date NOT NULL,
    ends_on               date NOT NULL,
    claims_close_on       date NOT NULL,
    currency              text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    goal_leads            integer CHECK (goal_leads >= 0),
    goal_revenue          numeric(19, 4) CHECK (goal_revenue >= 0),
    goal_units            numeric(19, 4) CHECK (goal_units >= 0),
    terms_version         integer NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    activated_at          timestamptz,
    ended_at              timestamptz,
    cancelled_at          timestamptz,
    PRIMARY KEY (tenant_id, id),
    CHECK (starts_on <= ends_on AND ends_on <= claims_close_on)
);
CREATE INDEX promotions_newest ON hub.promotions (tenant_id, created_at DESC, id DESC);

CREATE TABLE hub.promotion_participants (
    tenant_id              uuid NOT NULL,
    promotion_id           uuid NOT NULL,
    participant_tenant_id  uuid NOT NULL REFERENCES hub.tenants (id),
    status                 hub.participant_status NOT NULL DEFAULT 'invited',
    invited_at             timestamptz NOT NULL DEFAULT now(),
    responded_at           timestamptz,
    withdrawn_at           timestamptz,
    decline_reason         text CHECK (length(decline_reason) <= 2000),
    PRIMARY KEY (tenant_id, promotion_id, participant_tenant_id),
    FOREIGN KEY (tenant_id, promotion_id) REFERENCES hub.promotions (tenant_id, id),
    CHECK (tenant_id <> participant_tenant_id)
);
CREATE INDEX promotion_participants_participant ON hub.promotion_participants (participant_tenant_id, promotion_id);
ALTER TABLE hub.promotion_participants ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.promotion_participants FORCE ROW LEVEL SECURITY;
CREATE POLICY promotion_participants_owner ON hub.promotion_participants TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
-- A participant sees and answers its own invitation, never the other participants'; it cannot
-- invite itself (no INSERT policy on its side).
CREATE POLICY promotion_participants_self_reads ON hub.promotion_participants FOR SELECT TO hub_app
    USING (participant_tenant_id = hub.current_tenant());
CREATE POLICY promotion_participants_self_answers ON hub.promotion_participants FOR UPDATE TO hub_app
    USING (participant_tenant_id = hub.current_tenant())
    WITH CHECK (participant_tenant_id = hub.current_tenant());

-- Whether the current tenant is invited to, or takes part in, the owner's promotion.
CREATE FUNCTION hub.takes_part_in(p_owner uuid, p_promotion uuid, p_accepted_only boolean) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = ''
    AS $$
    SELECT EXISTS (SELECT 1 FROM hub.promotion_participants pp
                    WHERE pp.tenant_id = p_owner AND pp.promotion_id = p_promotion
                      AND pp.participant_tenant_id = hub.current_tenant()
                      AND (pp.status = 'accepted' OR (NOT p_accepted_only AND pp.status = 'invited')))
$$;

ALTER TABLE hub.promotions ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.promotions FORCE ROW LEVEL SECURITY;
CREATE POLICY promotions_owner ON hub.promotions TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY promotions_participant ON hub.promotions FOR SELECT TO hub_app
    USING (hub.takes_part_in(tenant_id, id, false));

-- Terms never change in place: a price change is version n+1, and earlier versions stay readable.
CREATE TABLE hub.promotion_terms (
    tenant_id          uuid NOT NULL,
    promotion_id       uuid NOT NULL,
    version            integer NOT NULL CHECK (version >= 1),
    eligible_products  text[] NOT NULL CHECK (cardinality(eligible_products) BETWEEN 1 AND 1000),
    price_rules        jsonb NOT NULL CHECK (jsonb_typeof(price_rules) = 'array'),
    note               text CHECK (length(note) <= 2000),
    published_at       timestamptz NOT NULL DEFAULT now(),
    published_by       uuid,
    PRIMARY KEY (tenant_id, promotion_id, version),
    FOREIGN KEY (tenant_id, promotion_id) REFERENCES hub.promotions (tenant_id, id)
);
ALTER TABLE hub.promotion_terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.promotion_terms FORCE ROW LEVEL SECURITY;
CREATE POLICY promotion_terms_owner ON hub.promotion_terms TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY promotion_terms_participant ON hub.promotion_terms FOR SELECT TO hub_app
    USING (hub.takes_part_in(tenant_id, promotion_id, false));

-- Each contributor's append-only budget ledger; the promotion's owner reads every contributor's.
CREATE TABLE hub.promotion_contributions (
    tenant_id                   uuid NOT NULL REFERENCES hub.tenants (id),
    id                          uuid NOT NULL,
    promotion_owner_tenant_id   uuid NOT NULL,
    promotion_id                uuid NOT NULL,
    kind                        hub.contribution_kind NOT NULL,
    amount                      numeric(19, 4) NOT NULL,
    currency                    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    note                        text CHECK (length(note) <= 2000),
    by_user_id                  uuid,
    at                          timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (promotion_owner_tenant_id, promotion_id) REFERENCES hub.promotions (tenant_id, id),
    CHECK (kind = 'adjust' OR amount >= 0)
);
CREATE INDEX promotion_contributions_promotion ON hub.promotion_contributions (promotion_owner_tenant_id, promotion_id, at);
ALTER TABLE hub.promotion_contributions ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.promotion_contributions FORCE ROW LEVEL SECURITY;
CREATE POLICY promotion_contributions_own ON hub.promotion_contributions TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant()
                AND (promotion_owner_tenant_id = hub.current_tenant()
                     OR hub.takes_part_in(promotion_owner_tenant_id, promotion_id, true)));
CREATE POLICY promotion_contributions_promotion_owner ON hub.promotion_contributions FOR SELECT TO hub_app
    USING (promotion_owner_tenant_id = hub.current_tenant());

-- Codes are unique per issuer, stored upper-case. A participant sees the codes assigned to it
-- and the unassigned codes of promotions it has joined, and may count a use of them.
CREATE TABLE hub.promo_codes (
    tenant_id         uuid NOT NULL,
    id                uuid NOT NULL,
    promotion_id      uuid NOT NULL,
    code              text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{2,39}$'),
    assigned_tenant_id uuid REFERENCES hub.tenants (id),
    valid_from        date NOT NULL,
    valid_to          date NOT NULL,
    max_uses          integer CHECK (max_uses >= 1),
    uses              integer NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= coalesce(max_uses, uses)),
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, promotion_id) REFERENCES hub.promotions (tenant_id, id),
    CHECK (valid_from <= valid_to)
);
ALTER TABLE hub.promo_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.promo_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY promo_codes_owner ON hub.promo_codes TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY promo_codes_participant_reads ON hub.promo_codes FOR SELECT TO hub_app
    USING (hub.takes_part_in(tenant_id, promotion_id, true)
           AND (assigned_tenant_id IS NULL OR assigned_tenant_id = hub.current_tenant()));
-- Only the use counter is granted for update (below).
CREATE POLICY promo_codes_participant_counts ON hub.promo_codes FOR UPDATE TO hub_app
    USING (hub.takes_part_in(tenant_id, promotion_id, true)
           AND (assigned_tenant_id IS NULL OR assigned_tenant_id = hub.current_tenant()))
    WITH CHECK (hub.takes_part_in(tenant_id, promotion_id, true)
                AND (assigned_tenant_id IS NULL OR assigned_tenant_id = hub.current_tenant()));

-- What is attributed to a promotion, owned by the object's tenant; the promotion's owner reads it.
-- Leads now; opportunities when deals record theirs; sell-through facts carry their promotion themselves.
-- Single touch for now: weight 1; the column leaves room for multi-touch.
CREATE TABLE hub.promotion_attributions (
    tenant_id                  uuid NOT NULL REFERENCES hub.tenants (id),
    object_type                text NOT NULL CHECK (object_type IN ('lead', 'opportunity', 'sell_through_fact')),
    object_id                  uuid NOT NULL,
    promotion_owner_tenant_id  uuid NOT NULL,
    promotion_id               uuid NOT NULL,
    method                     text NOT NULL CHECK (method IN ('code', 'tag', 'sell_through_ref')),
    promo_code_id              uuid,
    weight                     numeric(5, 4) NOT NULL DEFAULT 1 CHECK (weight > 0 AND weight <= 1),
    at                         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, object_type, object_id, promotion_id),
    FOREIGN KEY (promotion_owner_tenant_id, promotion_id) REFERENCES hub.promotions (tenant_id, id)
);
CREATE INDEX promotion_attributions_promotion ON hub.promotion_attributions (promotion_owner_tenant_id, promotion_id, at);
ALTER TABLE hub.promotion_attributions ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.promotion_attributions FORCE ROW LEVEL SECURITY;
CREATE POLICY promotion_attributions_own ON hub.promotion_attributions TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant()
                AND (promotion_owner_tenant_id = hub.current_tenant()
                     OR hub.takes_part_in(promotion_owner_tenant_id, promotion_id, true)));
CREATE POLICY promotion_attributions_promotion_owner ON hub.promotion_attributions FOR SELECT TO hub_app
    USING (promotion_owner_tenant_id = hub.current_tenant());

ALTER TABLE hub.leads ADD COLUMN promotion_id uuid;
CREATE INDEX leads_promotion ON hub.leads (tenant_id, promotion_id, created_at DESC) WHERE promotion_id IS NOT NULL;

-- Sell-through a partner (reporter) reports to a vendor: the vendor's row, readable and written by the reporter.
CREATE TABLE hub.sell_through_facts (
    tenant_id          uuid NOT NULL REFERENCES hub.tenants (id),
    id                 uuid NOT NULL,
    reporter_tenant_id uuid NOT NULL REFERENCES hub.tenants (id),
    period_start       date NOT NULL,
    period_end         date NOT NULL,
    product            text NOT NULL CHECK (product ~ '^[A-Z0-9][A-Z0-9._/-]{0,63}$'),
    quantity           numeric(19, 4) NOT NULL CHECK (quantity > 0),
    amount             numeric(19, 4) NOT NULL CHECK (amount >= 0),
    currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    promotion_id       uuid,
    source             text NOT NULL CHECK (source IN ('api', 'edi_867', 'csv')),
    source_ref         text CHECK (length(source_ref) <= 200),
    idempotency_key    text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, promotion_id) REFERENCES hub.promotions (tenant_id, id),
    CHECK (period_start <= period_end),
    CHECK (tenant_id <> reporter_tenant_id)
);
CREATE UNIQUE INDEX sell_through_facts_idempotency ON hub.sell_through_facts (reporter_tenant_id, idempotency_key);
CREATE INDEX sell_through_facts_product ON hub.sell_through_facts (tenant_id, reporter_tenant_id, product, period_start);
CREATE INDEX sell_through_facts_promotion ON hub.sell_through_facts (tenant_id, promotion_id) WHERE promotion_id IS NOT NULL;
ALTER TABLE hub.sell_through_facts ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.sell_through_facts FORCE ROW LEVEL SECURITY;
CREATE POLICY sell_through_facts_vendor ON hub.sell_through_facts FOR SELECT TO hub_app
    USING (tenant_id = hub.current_tenant());
CREATE POLICY sell_through_facts_reporter_reads ON hub.sell_through_facts FOR SELECT TO hub_app
    USING (reporter_tenant_id = hub.current_tenant());
CREATE POLICY sell_through_facts_reporter_writes ON hub.sell_through_facts FOR INSERT TO hub_app
    WITH CHECK (reporter_tenant_id = hub.current_tenant()
                AND EXISTS (SELECT 1 FROM hub.partnerships p
                             WHERE p.status = 'active'
                               AND ((p.tenant_id = sell_through_facts.tenant_id AND p.partner_tenant_id = hub.current_tenant())
                                    OR (p.partner_tenant_id = sell_through_facts.tenant_id AND p.tenant_id = hub.current_tenant()))));

-- A participant's claim against a vendor's promotion: the vendor's row; the claimant reads its own.
CREATE TABLE hub.claims (
    tenant_id           uuid NOT NULL REFERENCES hub.tenants (id),
    id                  uuid NOT NULL,
    claimant_tenant_id  uuid NOT NULL REFERENCES hub.tenants (id),
    promotion_id        uuid NOT NULL,
    terms_version       integer NOT NULL,
    status              hub.claim_status NOT NULL DEFAULT 'submitted',
    currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    claimed_amount      numeric(19, 4) NOT NULL CHECK (claimed_amount >= 0),
    approved_amount     numeric(19, 4) CHECK (approved_amount >= 0),
    source              text NOT NULL CHECK (source IN ('api', 'edi_844')),
    source_ref          text CHECK (length(source_ref) <= 200),
    submitted_at        timestamptz NOT NULL DEFAULT now(),
    decided_at          timestamptz,
    decided_by          uuid,
    decision_reason     text CHECK (length(decision_reason) <= 2000),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, promotion_id, terms_version) REFERENCES hub.promotion_terms (tenant_id, promotion_id, version),
    CHECK ((status = 'submitted') = (decided_at IS NULL))
);
CREATE INDEX claims_claimant ON hub.claims (claimant_tenant_id, submitted_at DESC);
CREATE INDEX claims_newest ON hub.claims (tenant_id, submitted_at DESC, id DESC);

CREATE TABLE hub.claim_lines (
    tenant_id           uuid NOT NULL,
    claim_id            uuid NOT NULL,
    line_no             integer NOT NULL CHECK (line_no >= 1),
    claimant_tenant_id  uuid NOT NULL,
    product             text NOT NULL CHECK (product ~ '^[A-Z0-9][A-Z0-9._/-]{0,63}$'),
    period_start        date NOT NULL,
    period_end          date NOT NULL,
    quantity            numeric(19, 4) NOT NULL CHECK (quantity > 0),
    unit_amount         numeric(19, 4) NOT NULL CHECK (unit_amount >= 0),
    amount              numeric(19, 4) NOT NULL CHECK (amount >= 0),
    approved_quantity   numeric(19, 4) CHECK (approved_quantity >= 0 AND approved_quantity <= quantity),
    approved_amount     numeric(19, 4) CHECK (approved_amount >= 0),
    rejection_code      text CHECK (rejection_code IN ('exceeds_sell_through', 'not_eligible', 'outside_period', 'pricing', 'duplicate', 'other')),
    PRIMARY KEY (tenant_id, claim_id, line_no),
    FOREIGN KEY (tenant_id, claim_id) REFERENCES hub.claims (tenant_id, id),
    CHECK (period_start <= period_end)
);
CREATE INDEX claim_lines_product ON hub.claim_lines (tenant_id, claimant_tenant_id, product);

ALTER TABLE hub.claims ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.claims FORCE ROW LEVEL SECURITY;
CREATE POLICY claims_vendor ON hub.claims FOR SELECT TO hub_app
    USING (tenant_id = hub.current_tenant());
CREATE POLICY claims_vendor_decides ON hub.claims FOR UPDATE TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY claims_claimant_reads ON hub.claims FOR SELECT TO hub_app
    USING (claimant_tenant_id = hub.current_tenant());
CREATE POLICY claims_claimant_submits ON hub.claims FOR INSERT TO hub_app
    WITH CHECK (claimant_tenant_id = hub.current_tenant() AND hub.takes_part_in(tenant_id, promotion_id, true));
ALTER TABLE hub.claim_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.claim_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY claim_lines_vendor ON hub.claim_lines FOR SELECT TO hub_app
    USING (tenant_id = hub.current_tenant());
CREATE POLICY claim_lines_vendor_decides ON hub.claim_lines FOR UPDATE TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY claim_lines_claimant_reads ON hub.claim_lines FOR SELECT TO hub_app
    USING (claimant_tenant_id = hub.current_tenant());
CREATE POLICY claim_lines_claimant_submits ON hub.claim_lines FOR INSERT TO hub_app
    WITH CHECK (claimant_tenant_id = hub.current_tenant()
                AND EXISTS (SELECT 1 FROM hub.claims c
                             WHERE c.tenant_id = claim_lines.tenant_id AND c.id = claim_lines.claim_id
                               AND c.claimant_tenant_id = hub.current_tenant() AND c.status = 'submitted'));

GRANT SELECT, INSERT, UPDATE ON hub.promotions, hub.promotion_participants TO hub_app;
GRANT SELECT, INSERT ON hub.promotion_terms, hub.promotion_contributions, hub.promotion_attributions, hub.sell_through_facts TO hub_app;
GRANT SELECT, INSERT ON hub.promo_codes TO hub_app;
GRANT UPDATE (uses) ON hub.promo_codes TO hub_app;
GRANT SELECT, INSERT ON hub.claims, hub.claim_lines TO hub_app;
GRANT UPDATE (status, approved_amount, decided_at, decided_by, decision_reason) ON hub.claims TO hub_app;
GRANT UPDATE (approved_quantity, approved_amount, rejection_code) ON hub.claim_lines TO hub_app;

-- The calendar sweep runs before any tenant is known: it learns which tenants have a promotion the
-- calendar has moved on, and nothing else, then catches each up inside that tenant's own scope.
CREATE POLICY promotions_sweep ON hub.promotions FOR SELECT TO hub_auth USING (true);
GRANT SELECT (tenant_id, status, starts_on, ends_on) ON hub.promotions TO hub_auth;
CREATE FUNCTION hub.tenants_with_due_promotions(p_day date) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$
    SELECT DISTINCT tenant_id FROM hub.promotions WHERE hub.promotion_status_on(status, starts_on, ends_on, p_day) <> status
$$;
GRANT CREATE ON SCHEMA hub TO hub_auth;
ALTER FUNCTION hub.tenants_with_due_promotions(date) OWNER TO hub_auth;
REVOKE CREATE ON SCHEMA hub FROM hub_auth;
GRANT EXECUTE ON FUNCTION hub.promotion_status_on(hub.promotion_status, date, date, date), hub.takes_part_in(uuid, uuid, boolean),
    hub.tenants_with_due_promotions(date) TO hub_app;
