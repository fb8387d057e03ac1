-- Registrations also lapse when nobody looks: a periodic sweep learns which vendors hold a registration
-- whose time ran out, and nothing else, then expires each vendor's inside that vendor's own scope, the
-- same way a read or an action does (history, events for both sides, webhooks).
CREATE POLICY deal_registrations_sweep ON hub.deal_registrations FOR SELECT TO hub_auth USING (true);
GRANT SELECT (tenant_id, status, expires_at, protection_until, deal_outcome) ON hub.deal_registrations TO hub_auth;
CREATE FUNCTION hub.vendors_with_due_deal_registrations() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$
    SELECT DISTINCT tenant_id FROM hub.deal_registrations
     WHERE (status IN ('submitted', 'under_review', 'returned') AND expires_at <= now())
        OR (status = 'approved' AND protection_until <= now() AND deal_outcome IS NULL)
$$;
GRANT CREATE ON SCHEMA hub TO hub_auth;
ALTER FUNCTION hub.vendors_with_due_deal_registrations() OWNER TO hub_auth;
REVOKE CREATE ON SCHEMA hub FROM hub_auth;
REVOKE ALL ON FUNCTION hub.vendors_with_due_deal_registrations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.vendors_with_due_deal_registrations() TO hub_app;
