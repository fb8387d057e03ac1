-- Lead sharing and distribution. A lead never crosses tenants as a row: the origin offers it to a
-- partner (hub.lead_offers, owned by the origin, carrying the partner's id and a frozen snapshot of
-- the fields the origin chose to share); accepting creates the partner's own lead linked back to
-- the offer; the copy's status flows back into the offer's feedback columns.
--
-- Writes that cross from one side of an offer to the other (a partner answering, expiring an
-- origin's offer, feedback, a partnership ending) go through the SECURITY DEFINER functions below,
-- owned by hub_owner. hub_owner is subject to the forced row-level security like everyone else, so
-- it gets its own policies on exactly the tables those functions write; hub_app never gets a policy
-- to write the other side's rows. Each function checks the caller is the side allowed to act and
-- changes only the columns its transition needs.

-- The copy a partner made by accepting an offer: which tenant, lead and offer it came from.
ALTER TABLE hub.leads
    ADD COLUMN origin_tenant_id uuid REFERENCES hub.tenants (id),
    ADD COLUMN origin_lead_id   uuid,
    ADD COLUMN origin_offer_id  uuid,
    ADD CHECK ((origin_tenant_id IS NULL) = (origin_offer_id IS NULL) AND (origin_tenant_id IS NULL) = (origin_lead_id IS NULL));

-- The channel manager's own view of a partner: private to the tenant that writes it.
CREATE TABLE hub.partner_profiles (
    tenant_id          uuid NOT NULL REFERENCES hub.tenants (id),
    partner_tenant_id  uuid NOT NULL REFERENCES hub.tenants (id),
    tier               text CHECK (length(tier) BETWEEN 1 AND 50),
    -- ISO 3166-1 alpha-2 codes, optionally with an ISO 3166-2 subdivision: DE, DE-BY, US-CA.
    territories        text[] NOT NULL DEFAULT '{}'
                       CHECK (cardinality(territories) <= 200
                              AND array_to_string(territories, ',') ~ '^([A-Z]{2}(-[A-Z0-9]{1,3})?(,[A-Z]{2}(-[A-Z0-9]{1,3})?)*)?$'),
    -- The most offers the partner may hold open (offered, unanswered) from this tenant; NULL = no limit.
    capacity           integer CHECK (capacity BETWEEN 0 AND 100000),
    -- Share of round-robin leads relative to other partners; 0 = never chosen by a rule.
    lead_weight        integer NOT NULL DEFAULT 1 CHECK (lead_weight BETWEEN 0 AND 100),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, partner_tenant_id),
    CHECK (partner_tenant_id <> tenant_id)
);
ALTER TABLE hub.partner_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.partner_profiles FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_profiles_own ON hub.partner_profiles TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

CREATE TABLE hub.distribution_rules (
    tenant_id             uuid NOT NULL REFERENCES hub.tenants (id),
    id                    uuid NOT NULL,
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    strategy              text NOT NULL CHECK (strategy IN ('round_robin', 'territory', 'tier')),
    -- Filters on the lead; an empty list does not filter.
    lead_countries        text[] NOT NULL DEFAULT '{}',
    lead_regions          text[] NOT NULL DEFAULT '{}',
    lead_sources          text[] NOT NULL DEFAULT '{}',
    -- Tiers that may receive leads, in order of preference for the tier strategy; empty = every tier.
    eligible_tiers        text[] NOT NULL DEFAULT '{}',
    -- The most offers one partner gets from one run; NULL = no limit.
    per_partner_capacity  integer CHECK (per_partner_capacity BETWEEN 1 AND 1000),
    sla_hours             integer NOT NULL CHECK (sla_hours BETWEEN 1 AND 720),
    exclusive             boolean NOT NULL,
    shared_fields         text[] NOT NULL,
    active                boolean NOT NULL DEFAULT true,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE hub.distribution_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.distribution_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY distribution_rules_own ON hub.distribution_rules TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

-- A rule's round-robin position: how many leads it has given each partner. The next lead goes to
-- the eligible partner with the fewest per unit of weight.
CREATE TABLE hub.distribution_cursors (
    tenant_id          uuid NOT NULL,
    rule_id            uuid NOT NULL,
    partner_tenant_id  uuid NOT NULL,
    served             bigint NOT NULL CHECK (served >= 0),
    PRIMARY KEY (tenant_id, rule_id, partner_tenant_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES hub.distribution_rules (tenant_id, id)
);
ALTER TABLE hub.distribution_cursors ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.distribution_cursors FORCE ROW LEVEL SECURITY;
CREATE POLICY distribution_cursors_own ON hub.distribution_cursors TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

-- One application of a rule to a set of leads, with what it needs to be replayed: the seed, the
-- cursor as it was before the run and each partner's remaining capacity.
CREATE TABLE hub.distribution_runs (
    tenant_id          uuid NOT NULL,
    id                 uuid NOT NULL,
    rule_id            uuid NOT NULL,
    started_by         uuid,
    started_at         timestamptz NOT NULL DEFAULT now(),
    seed               bigint NOT NULL,
    served_before      jsonb NOT NULL CHECK (jsonb_typeof(served_before) = 'object'),
    capacity_before    jsonb NOT NULL CHECK (jsonb_typeof(capacity_before) = 'object'),
    rerouted_offer_id  uuid,
    lead_count         integer NOT NULL CHECK (lead_count BETWEEN 0 AND 1000),
    offer_count        integer NOT NULL CHECK (offer_count >= 0),
    unassigned_count   integer NOT NULL CHECK (unassigned_count >= 0),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES hub.distribution_rules (tenant_id, id),
    CHECK (offer_count + unassigned_count = lead_count)
);
ALTER TABLE hub.distribution_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.distribution_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY distribution_runs_own ON hub.distribution_runs TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

-- Per lead of a run: every candidate partner with why it was excluded (or its score), and the choice.
CREATE TABLE hub.distribution_decisions (
    tenant_id                 uuid NOT NULL,
    run_id                    uuid NOT NULL,
    position                  integer NOT NULL CHECK (position >= 0),
    lead_id                   uuid NOT NULL,
    candidates                jsonb NOT NULL CHECK (jsonb_typeof(candidates) = 'array'),
    chosen_partner_tenant_id  uuid,
    offer_id                  uuid,
    reason                    text NOT NULL CHECK (length(reason) <= 200),
    PRIMARY KEY (tenant_id, run_id, position),
    FOREIGN KEY (tenant_id, run_id) REFERENCES hub.distribution_runs (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES hub.leads (tenant_id, id),
    CHECK ((chosen_partner_tenant_id IS NULL) = (offer_id IS NULL))
);
ALTER TABLE hub.distribution_decisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.distribution_decisions FORCE ROW LEVEL SECURITY;
CREATE POLICY distribution_decisions_own ON hub.distribution_decisions TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

CREATE TYPE hub.lead_offer_status AS ENUM ('offered', 'accepted', 'declined', 'expired', 'withdrawn');

CREATE TABLE hub.lead_offers (
    tenant_id              uuid NOT NULL REFERENCES hub.tenants (id),
    id                     uuid NOT NULL,
    lead_id                uuid NOT NULL,
    to_tenant_id           uuid NOT NULL REFERENCES hub.tenants (id),
    -- Owned by either side, so no foreign key: offers are made only under an active partnership and the
    -- trigger at the end keeps them in step with it.
    partnership_id         uuid NOT NULL,
    rule_id                uuid,
    run_id                 uuid,
    rerouted_from_offer_id uuid,
    status                 hub.lead_offer_status NOT NULL DEFAULT 'offered',
    exclusive              boolean NOT NULL,
    shared_fields          text[] NOT NULL,
    -- The shared fields as they were when offered: all the partner ever sees of the origin's lead.
    payload                jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    message                text CHECK (length(message) <= 2000),
    sla_hours              integer NOT NULL CHECK (sla_hours BETWEEN 1 AND 720),
    offered_by_user_id     uuid,
    offered_at             timestamptz NOT NULL DEFAULT now(),
    due_at                 timestamptz NOT NULL,
    responded_at           timestamptz,
    closed_at              timestamptz,
    decline_reason         text CHECK (decline_reason IN ('not_my_territory', 'no_capacity', 'bad_data', 'duplicate', 'spam', 'other')),
    decline_note           text CHECK (length(decline_note) <= 2000),
    withdraw_reason        text CHECK (withdraw_reason IN ('by_origin', 'partnership_ended', 'accepted_elsewhere')),
    copy_lead_id           uuid,
    feedback_status        hub.lead_status,
    feedback_at            timestamptz,
    feedback_frozen_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES hub.leads (tenant_id, id),
    CHECK (to_tenant_id <> tenant_id),
    CHECK (due_at > offered_at),
    CHECK ((status = 'accepted') = (copy_lead_id IS NOT NULL)),
    CHECK ((status = 'declined') = (decline_reason IS NOT NULL)),
    CHECK ((status = 'withdrawn') = (withdraw_reason IS NOT NULL)),
    CHECK ((status IN ('accepted', 'declined')) = (responded_at IS NOT NULL))
);
-- No second live offer of one lead to one partner.
CREATE UNIQUE INDEX lead_offers_one_live ON hub.lead_offers (tenant_id, lead_id, to_tenant_id) WHERE status = 'offered';
-- At most one partner holds a lead offered exclusively.
CREATE UNIQUE INDEX lead_offers_one_exclusive_accept ON hub.lead_offers (tenant_id, lead_id) WHERE status = 'accepted' AND exclusive;
CREATE INDEX lead_offers_lead ON hub.lead_offers (tenant_id, lead_id);
CREATE INDEX lead_offers_newest ON hub.lead_offers (tenant_id, offered_at DESC, id DESC);
CREATE INDEX lead_offers_incoming ON hub.lead_offers (to_tenant_id, offered_at DESC, id DESC);
CREATE INDEX lead_offers_due ON hub.lead_offers (due_at) WHERE status = 'offered';
ALTER TABLE hub.lead_offers ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.lead_offers FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_offers_origin ON hub.lead_offers TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
-- The partner reads the offers addressed to it; it writes them only through the functions below.
CREATE POLICY lead_offers_recipient ON hub.lead_offers FOR SELECT TO hub_app
    USING (to_tenant_id = hub.current_tenant());
CREATE POLICY lead_offers_definer ON hub.lead_offers TO hub_owner
    USING (true)
    WITH CHECK (true);
-- The functions below record the events of the transitions they make, for both sides.
CREATE POLICY events_definer ON hub.events FOR INSERT TO hub_owner
    WITH CHECK (true);

-- Writes an event for a side of an offer. Internal to the functions below (it runs with its caller's
-- rights, and hub_app may not call it). The acting user is named only to its own company (the other
-- side learns which company acted, not who works there), and never for what the clock did.
CREATE FUNCTION hub.record_offer_event(p_tenant uuid, p_type text, p_offer uuid, p_actor uuid, p_data jsonb,
                                       p_by_user boolean DEFAULT true) RETURNS void
    LANGUAGE sql SET search_path = ''
    AS $$
    INSERT INTO hub.events (tenant_id, type, subject_type, subject_id, actor_tenant_id, actor_user_id, payload)
    VALUES (p_tenant, p_type, 'lead_offer', p_offer, p_actor,
            CASE WHEN p_by_user AND p_tenant = p_actor AND p_actor = hub.current_tenant() THEN hub.current_user_id() END, p_data)
$$;
REVOKE ALL ON FUNCTION hub.record_offer_event(uuid, text, uuid, uuid, jsonb, boolean) FROM PUBLIC;

-- Expires the offers past their deadline: those the current tenant made or received, or, with no
-- tenant set (the server's periodic sweep), all of them. Returns how many it expired.
CREATE FUNCTION hub.expire_lead_offers() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
    AS $$
DECLARE
    me uuid := hub.current_tenant();
    expired record;
    n integer := 0;
BEGIN
    FOR expired IN
        UPDATE hub.lead_offers SET status = 'expired', closed_at = due_at
         WHERE status = 'offered' AND due_at <= now()
           AND (me IS NULL OR tenant_id = me OR to_tenant_id = me)
        RETURNING tenant_id, id, to_tenant_id, due_at
    LOOP
        PERFORM hub.record_offer_event(expired.tenant_id, 'lead.offer_expired', expired.id, expired.tenant_id,
                                       jsonb_build_object('dueAt', to_char(expired.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')), false);
        PERFORM hub.record_offer_event(expired.to_tenant_id, 'lead.offer_expired', expired.id, expired.tenant_id,
                                       jsonb_build_object('dueAt', to_char(expired.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')), false);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

-- The partner accepts an offer addressed to it, naming the copy it has just created in its own
-- tenant. Returns 'accepted', 'not_found' (not addressed to the caller), 'not_open' (answered,
-- withdrawn or past its deadline) or 'taken' (an exclusive offer of the lead was accepted already).
CREATE FUNCTION hub.accept_lead_offer(p_offer uuid, p_copy_lead uuid) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
    AS $$
DECLARE
    me uuid := hub.current_tenant();
    offer hub.lead_offers;
    sibling record;
BEGIN
    SELECT * INTO offer FROM hub.lead_offers WHERE id = p_offer AND to_tenant_id = me;
    IF NOT FOUND THEN
        RETURN 'not_found';
    END IF;
    -- Accepts of one lead's offers take turns, so exclusivity is decided on settled rows (the unique
    -- index lead_offers_one_exclusive_accept stays the last word).
    PERFORM 1 FROM hub.lead_offers WHERE tenant_id = offer.tenant_id AND lead_id = offer.lead_id ORDER BY id FOR UPDATE;
    SELECT * INTO offer FROM hub.lead_offers WHERE tenant_id = offer.tenant_id AND id = p_offer;
    IF offer.status <> 'offered' OR offer.due_at <= now() THEN
        RETURN 'not_open';
    END IF;
    IF EXISTS (SELECT 1 FROM hub.lead_offers
                WHERE tenant_id = offer.tenant_id AND lead_id = offer.lead_id AND status = 'accepted'
                  AND (exclusive OR offer.exclusive)) THEN
        RETURN 'taken';
    END IF;
    UPDATE hub.lead_offers SET status = 'accepted', responded_at = now(), copy_lead_id = p_copy_lead, feedback_status = 'new',
                               feedback_at = now()
     WHERE tenant_id = offer.tenant_id AND id = p_offer;
    IF offer.exclusive THEN
        FOR sibling IN
            UPDATE hub.lead_offers SET status = 'withdrawn', withdraw_reason = 'accepted_elsewhere', closed_at = now()
             WHERE tenant_id = offer.tenant_id AND lead_id = offer.lead_id AND status = 'offered' AND id <> p_offer
            RETURNING id, to_tenant_id
        LOOP
            PERFORM hub.record_offer_event(offer.tenant_id, 'lead.offer_withdrawn', sibling.id, me,
                                           '{"reason": "accepted_elsewhere"}');
            PERFORM hub.record_offer_event(sibling.to_tenant_id, 'lead.offer_withdrawn', sibling.id, me,
                                           '{"reason": "accepted_elsewhere"}');
        END LOOP;
    END IF;
    RETURN 'accepted';
END $$;

-- The partner declines an offer addressed to it. Same answers as accepting.
CREATE FUNCTION hub.decline_lead_offer(p_offer uuid, p_reason text, p_note text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
    AS $$
DECLARE
    me uuid := hub.current_tenant();
    offer hub.lead_offers;
BEGIN
    SELECT * INTO offer FROM hub.lead_offers WHERE id = p_offer AND to_tenant_id = me FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not_found';
    END IF;
    IF offer.status <> 'offered' OR offer.due_at <= now() THEN
        RETURN 'not_open';
    END IF;
    UPDATE hub.lead_offers SET status = 'declined', responded_at = now(), decline_reason = p_reason, decline_note = p_note
     WHERE tenant_id = offer.tenant_id AND id = p_offer;
    RETURN 'declined';
END $$;

-- Feedback: when the partner's copy changes status, the origin's offer learns the new status and
-- nothing else. A trigger on the copy, so every way of changing a lead's status reports it; it
-- writes only offers addressed to the copy's own tenant, and none whose partnership has ended.
CREATE FUNCTION hub.report_lead_offer_feedback() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
    AS $$
DECLARE
    offer_id uuid;
BEGIN
    UPDATE hub.lead_offers SET feedback_status = NEW.status, feedback_at = now()
     WHERE tenant_id = NEW.origin_tenant_id AND id = NEW.origin_offer_id
       AND to_tenant_id = NEW.tenant_id AND copy_lead_id = NEW.id
       AND status = 'accepted' AND feedback_frozen_at IS NULL
    RETURNING id INTO offer_id;
    IF offer_id IS NOT NULL THEN
        PERFORM hub.record_offer_event(NEW.origin_tenant_id, 'lead.offer_feedback', offer_id, NEW.tenant_id,
                                       jsonb_build_object('status', NEW.status));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER leads_report_offer_feedback AFTER UPDATE OF status ON hub.leads
    FOR EACH ROW WHEN (NEW.origin_offer_id IS NOT NULL AND NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION hub.report_lead_offer_feedback();

-- A partnership that stops being active (suspended or ended) withdraws the pending offers between
-- the two companies, either way round; accepted copies stay with their holder. Ending it also
-- freezes the feedback of accepted offers. Resuming a suspended partnership revives nothing.
CREATE FUNCTION hub.withdraw_lead_offers_of_partnership() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
    AS $$
DECLARE
    withdrawn record;
    actor uuid := coalesce(hub.current_tenant(), NEW.tenant_id);
BEGIN
    FOR withdrawn IN
        UPDATE hub.lead_offers SET status = 'withdrawn', withdraw_reason = 'partnership_ended', closed_at = now()
         WHERE status = 'offered'
           AND ((tenant_id = NEW.tenant_id AND to_tenant_id = NEW.partner_tenant_id)
                OR (tenant_id = NEW.partner_tenant_id AND to_tenant_id = NEW.tenant_id))
        RETURNING tenant_id, id, to_tenant_id
    LOOP
        PERFORM hub.record_offer_event(withdrawn.tenant_id, 'lead.offer_withdrawn', withdrawn.id, actor,
                                       jsonb_build_object('reason', 'partnership_' || NEW.status));
        PERFORM hub.record_offer_event(withdrawn.to_tenant_id, 'lead.offer_withdrawn', withdrawn.id, actor,
                                       jsonb_build_object('reason', 'partnership_' || NEW.status));
    END LOOP;
    IF NEW.status = 'ended' THEN
        UPDATE hub.lead_offers SET feedback_frozen_at = now()
         WHERE status = 'accepted' AND feedback_frozen_at IS NULL
           AND ((tenant_id = NEW.tenant_id AND to_tenant_id = NEW.partner_tenant_id)
                OR (tenant_id = NEW.partner_tenant_id AND to_tenant_id = NEW.tenant_id));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER partnerships_withdraw_lead_offers AFTER UPDATE OF status ON hub.partnerships
    FOR EACH ROW WHEN (NEW.status IN ('suspended', 'ended') AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION hub.withdraw_lead_offers_of_partnership();

GRANT SELECT, INSERT, UPDATE ON hub.lead_offers TO hub_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON hub.partner_profiles TO hub_app;
GRANT SELECT, INSERT, UPDATE ON hub.distribution_rules TO hub_app;
GRANT SELECT, INSERT, UPDATE ON hub.distribution_cursors TO hub_app;
GRANT SELECT, INSERT ON hub.distribution_runs, hub.distribution_decisions TO hub_app;
REVOKE ALL ON FUNCTION hub.expire_lead_offers(), hub.accept_lead_offer(uuid, uuid), hub.decline_lead_offer(uuid, text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.expire_lead_offers(), hub.accept_lead_offer(uuid, uuid), hub.decline_lead_offer(uuid, text, text) TO hub_app;
