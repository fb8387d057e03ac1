-- Events: what happened to a business object, kept per tenant. They feed each object's activity
-- timeline and the tenant's webhooks. An action that concerns a partner (an offer, a registration,
-- an invitation) records the event for the partner too, so both sides see it in their own rows.

CREATE TABLE hub.events (
    tenant_id        uuid NOT NULL REFERENCES hub.tenants (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    type             text NOT NULL CHECK (type ~ '^[a-z_]+(\.[a-z_]+)+$' AND length(type) <= 80),
    subject_type     text NOT NULL CHECK (subject_type ~ '^[a-z_]+$' AND length(subject_type) <= 40),
    subject_id       uuid NOT NULL,
    actor_tenant_id  uuid NOT NULL REFERENCES hub.tenants (id),
    actor_user_id    uuid,
    request_id       text,
    payload          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
    at               timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX events_subject ON hub.events (tenant_id, subject_type, subject_id, id);
ALTER TABLE hub.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_own ON hub.events FOR SELECT TO hub_app
    USING (tenant_id = hub.current_tenant());
-- A tenant writes events for itself, or for a tenant it has a partnership with (in any state: an
-- ended partnership still lets its last events through, e.g. "offer withdrawn").
CREATE POLICY events_write ON hub.events FOR INSERT TO hub_app
    WITH CHECK (
        actor_tenant_id = hub.current_tenant()
        AND (tenant_id = hub.current_tenant()
             OR EXISTS (SELECT 1 FROM hub.partnerships p
                         WHERE (p.tenant_id = hub.current_tenant() AND p.partner_tenant_id = events.tenant_id)
                            OR (p.partner_tenant_id = hub.current_tenant() AND p.tenant_id = events.tenant_id)))
    );

GRANT SELECT, INSERT ON hub.events TO hub_app;
