-- Webhooks (endpoints, deliveries and their attempts) and partner satisfaction surveys.
--
-- Deliveries are made by the trigger on hub.events and claimed by the sender across tenants. Both
-- cross a line the app role may not: an event recorded `alsoFor` a partner is written by the
-- partner's counterpart, whose transaction cannot see the partner's endpoints; the sender serves
-- every tenant at once. So those steps are SECURITY DEFINER functions owned by hub_webhooks, a role
-- nobody logs in as, whose policies allow exactly them: read endpoints, add deliveries, update a
-- claimed delivery and log its attempts. The app role itself stays scoped to its tenant's rows.

CREATE TABLE hub.webhook_endpoints (
    tenant_id          uuid NOT NULL REFERENCES hub.tenants (id),
    id                 uuid NOT NULL,
    url                text NOT NULL CHECK (length(url) <= 2000 AND url ~ '^https?://'),
    -- Exact types (`lead.offered`), prefixes (`lead.*`) or `*` for every event.
    event_types        text[] NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 50),
    active             boolean NOT NULL DEFAULT true,
    description        text CHECK (length(description) <= 500),
    -- The signing key must be stored as it is: the sender computes HMAC(secret, message) for every
    -- delivery, which a hash of the secret cannot do. The app role may write it (creation, rotation)
    -- but has no SELECT on the column; only the claim function below reads it.
    secret             bytea NOT NULL CHECK (length(secret) = 32),
    secret_rotated_at  timestamptz NOT NULL DEFAULT now(),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE hub.webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.webhook_endpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_endpoints_own ON hub.webhook_endpoints TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

CREATE TYPE hub.webhook_delivery_status AS ENUM ('pending', 'delivered', 'failed');

CREATE TABLE hub.webhook_deliveries (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    endpoint_id      uuid NOT NULL,
    event_id         bigint NOT NULL,
    event_type       text NOT NULL,
    -- The exact bytes sent (and signed), frozen when the delivery is made.
    body             text NOT NULL,
    status           hub.webhook_delivery_status NOT NULL DEFAULT 'pending',
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- Set while a sender is making an attempt: its endpoint gets no other request meanwhile.
    leased_until     timestamptz,
    last_attempt_at  timestamptz,
    completed_at     timestamptz,
    redelivery_of    uuid,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES hub.webhook_endpoints (tenant_id, id),
    FOREIGN KEY (tenant_id, event_id) REFERENCES hub.events (tenant_id, id)
);
CREATE INDEX webhook_deliveries_endpoint ON hub.webhook_deliveries (tenant_id, endpoint_id, created_at DESC, id DESC);
-- What the sender scans: only pending rows, by due time, across tenants.
CREATE INDEX webhook_deliveries_due ON hub.webhook_deliveries (next_attempt_at) WHERE status = 'pending';
ALTER TABLE hub.webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_deliveries_own ON hub.webhook_deliveries TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

CREATE TABLE hub.webhook_attempts (
    tenant_id     uuid NOT NULL,
    delivery_id   uuid NOT NULL,
    attempt       integer NOT NULL,
    at            timestamptz NOT NULL,
    status_code   integer,
    error         text CHECK (length(error) <= 500),
    duration_ms   integer NOT NULL,
    PRIMARY KEY (tenant_id, delivery_id, attempt),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES hub.webhook_deliveries (tenant_id, id)
);
ALTER TABLE hub.webhook_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.webhook_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_attempts_own ON hub.webhook_attempts FOR SELECT TO hub_app
    USING (tenant_id = hub.current_tenant());

-- The delivery path's own policies: everything it does, nothing more.
CREATE POLICY webhook_endpoints_delivery ON hub.webhook_endpoints FOR SELECT TO hub_webhooks USING (true);
CREATE POLICY webhook_deliveries_delivery_read ON hub.webhook_deliveries FOR SELECT TO hub_webhooks USING (true);
CREATE POLICY webhook_deliveries_delivery_add ON hub.webhook_deliveries FOR INSERT TO hub_webhooks WITH CHECK (true);
CREATE POLICY webhook_deliveries_delivery_update ON hub.webhook_deliveries FOR UPDATE TO hub_webhooks USING (true) WITH CHECK (true);
CREATE POLICY webhook_attempts_delivery ON hub.webhook_attempts FOR INSERT TO hub_webhooks WITH CHECK (true);

-- Whether an endpoint's filter takes an event type: `*`, the exact type, or a `prefix.*`.
CREATE FUNCTION hub.webhook_filter_matches(p_filters text[], p_type text) RETURNS boolean
    LANGUAGE sql IMMUTABLE SET search_path = ''
    AS $$
    SELECT EXISTS (
        SELECT 1 FROM unnest(p_filters) f
         WHERE f = '*' OR f = p_type OR (right(f, 2) = '.*' AND starts_with(p_type, left(f, -1)))
    )
$$;

-- The JSON body a receiver gets for an event row.
CREATE FUNCTION hub.webhook_event_body(p_event hub.events) RETURNS text
    LANGUAGE sql STABLE SET search_path = ''
    AS $$
    SELECT jsonb_build_object(
        'id', p_event.id::text,
        'type', p_event.type,
        'occurredAt', to_char(p_event.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'tenantID', p_event.tenant_id,
        'subject', jsonb_build_object('type', p_event.subject_type, 'id', p_event.subject_id),
        'actorTenantID', p_event.actor_tenant_id,
        'data', p_event.payload
    )::text
$$;

-- One pending delivery per matching active endpoint of the event's tenant, in the event's own
-- transaction, so an event and its deliveries exist together. Administration of the endpoints
-- themselves (subject `webhook_endpoint`) is not fanned out: a ping goes only to its endpoint.
CREATE FUNCTION hub.enqueue_webhook_deliveries() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
    AS $$
BEGIN
    IF NEW.subject_type = 'webhook_endpoint' THEN
        RETURN NULL;
    END IF;
    INSERT INTO hub.webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, body)
    SELECT e.tenant_id, e.id, NEW.id, NEW.type, hub.webhook_event_body(NEW)
      FROM hub.webhook_endpoints e
     WHERE e.tenant_id = NEW.tenant_id AND e.active AND hub.webhook_filter_matches(e.event_types, NEW.type);
    RETURN NULL;
END $$;
CREATE TRIGGER events_enqueue_webhook_deliveries AFTER INSERT ON hub.events
    FOR EACH ROW EXECUTE FUNCTION hub.enqueue_webhook_deliveries();

-- A delivery made by hand (a ping) for one endpoint of the caller's tenant: the event row is the
-- caller's own, so this needs no privilege beyond the app role's; it is here to share the body format.
CREATE FUNCTION hub.enqueue_webhook_delivery(p_endpoint uuid, p_event bigint) RETURNS uuid
    LANGUAGE sql SET search_path = ''
    AS $$
    INSERT INTO hub.webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, body)
    SELECT ev.tenant_id, p_endpoint, ev.id, ev.type, hub.webhook_event_body(ev)
      FROM hub.events ev WHERE ev.tenant_id = hub.current_tenant() AND ev.id = p_event
    RETURNING id
$$;

-- The sender's claim: up to p_limit due deliveries of active endpoints, any tenant, at most one
-- per endpoint and none for an endpoint with an attempt in flight, so a slow or dead endpoint
-- holds one sender slot at a time and never the others'; rows another sender holds are skipped.
-- Claiming counts the attempt and leases the row (its due time moves past the lease too), so a
-- sender that dies mid-request leaves the delivery to be tried again, not lost. The HTTP request
-- happens after this transaction commits: a slow endpoint holds no lock.
CREATE FUNCTION hub.claim_webhook_deliveries(p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, delivery_id uuid, attempt integer, url text, secret bytea, body text, event_type text)
    LANGUAGE sql SECURITY DEFINER SET search_path = ''
    AS $$
    WITH busy AS (
        SELECT DISTINCT b.tenant_id, b.endpoint_id FROM hub.webhook_deliveries b
         WHERE b.status = 'pending' AND b.leased_until > now()
    ), first_due AS (
        SELECT DISTINCT ON (d.tenant_id, d.endpoint_id) d.tenant_id, d.id
          FROM hub.webhook_deliveries d
          JOIN hub.webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.active
           AND NOT EXISTS (SELECT 1 FROM busy b WHERE b.tenant_id = d.tenant_id AND b.endpoint_id = d.endpoint_id)
         ORDER BY d.tenant_id, d.endpoint_id, d.next_attempt_at, d.created_at
    ), due AS (
        SELECT d.tenant_id, d.id
          FROM hub.webhook_deliveries d
         WHERE (d.tenant_id, d.id) IN (SELECT f.tenant_id, f.id FROM first_due f)
           AND d.status = 'pending' AND d.next_attempt_at <= now()
         ORDER BY d.next_attempt_at
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE hub.webhook_deliveries d
           SET attempts = d.attempts + 1, last_attempt_at = now(), leased_until = now() + p_lease,
               next_attempt_at = now() + p_lease
          FROM due
         WHERE d.tenant_id = due.tenant_id AND d.id = due.id
        RETURNING d.tenant_id, d.id, d.attempts, d.endpoint_id, d.body, d.event_type
    )
    SELECT c.tenant_id, c.id, c.attempts, e.url, e.secret, c.body, c.event_type
      FROM claimed c JOIN hub.webhook_endpoints e ON e.tenant_id = c.tenant_id AND e.id = c.endpoint_id
$$;

-- Logs one attempt and moves the delivery on: delivered, failed for good, or due again at p_retry_at.
-- Only the holder of the current attempt may record it (a stale sender whose lease ran out cannot).
CREATE FUNCTION hub.record_webhook_attempt(
    p_tenant uuid, p_delivery uuid, p_attempt integer, p_at timestamptz, p_status_code integer, p_error text,
    p_duration_ms integer, p_outcome hub.webhook_delivery_status, p_retry_at timestamptz
) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
    AS $$
BEGIN
    UPDATE hub.webhook_deliveries
       SET status = p_outcome,
           leased_until = NULL,
           next_attempt_at = coalesce(p_retry_at, next_attempt_at),
           completed_at = CASE WHEN p_outcome = 'pending' THEN NULL ELSE now() END
     WHERE tenant_id = p_tenant AND id = p_delivery AND attempts = p_attempt AND status = 'pending';
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO hub.webhook_attempts (tenant_id, delivery_id, attempt, at, status_code, error, duration_ms)
    VALUES (p_tenant, p_delivery, p_attempt, p_at, p_status_code, left(p_error, 500), p_duration_ms);
    RETURN true;
END $$;

-- The app role reads every column but the secret, and writes the secret only when making or rotating it.
GRANT SELECT (tenant_id, id, url, event_types, active, description, secret_rotated_at, created_at, updated_at)
    ON hub.webhook_endpoints TO hub_app;
GRANT INSERT ON hub.webhook_endpoints TO hub_app;
GRANT UPDATE (url, event_types, active, description, secret, secret_rotated_at, updated_at) ON hub.webhook_endpoints TO hub_app;
GRANT SELECT, INSERT ON hub.webhook_deliveries TO hub_app;
GRANT SELECT ON hub.webhook_attempts TO hub_app;
-- The claim and the attempt log are for the sender alone: not PUBLIC's, as functions are by default.
REVOKE EXECUTE ON FUNCTION hub.claim_webhook_deliveries(integer, interval),
    hub.record_webhook_attempt(uuid, uuid, integer, timestamptz, integer, text, integer, hub.webhook_delivery_status, timestamptz)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.webhook_filter_matches(text[], text), hub.webhook_event_body(hub.events),
    hub.enqueue_webhook_delivery(uuid, bigint), hub.claim_webhook_deliveries(integer, interval),
    hub.record_webhook_attempt(uuid, uuid, integer, timestamptz, integer, text, integer, hub.webhook_delivery_status, timestamptz)
    TO hub_app;

GRANT USAGE ON SCHEMA hub TO hub_webhooks;
GRANT SELECT ON hub.webhook_endpoints TO hub_webhooks;
GRANT SELECT, INSERT, UPDATE ON hub.webhook_deliveries TO hub_webhooks;
GRANT INSERT ON hub.webhook_attempts TO hub_webhooks;
GRANT EXECUTE ON FUNCTION hub.webhook_filter_matches(text[], text), hub.webhook_event_body(hub.events) TO hub_webhooks;
-- A new owner needs CREATE on the schema while ownership moves; it keeps none afterwards.
GRANT CREATE ON SCHEMA hub TO hub_webhooks;
ALTER FUNCTION hub.enqueue_webhook_deliveries() OWNER TO hub_webhooks;
ALTER FUNCTION hub.claim_webhook_deliveries(integer, interval) OWNER TO hub_webhooks;
ALTER FUNCTION hub.record_webhook_attempt(uuid, uuid, integer, timestamptz, integer, text, integer, hub.webhook_delivery_status, timestamptz)
    OWNER TO hub_webhooks;
REVOKE CREATE ON SCHEMA hub FROM hub_webhooks;

-- Partner churn counts a partner's actions as the other side recorded them (its events `alsoFor`
-- that side): by actor and time.
CREATE INDEX events_actor ON hub.events (tenant_id, actor_tenant_id, at);

-- Partner satisfaction surveys (NPS): the sending tenant owns the survey, who it went to, and the
-- answers; a recipient tenant reads the survey through its recipient row and only its own answers.

CREATE TABLE hub.surveys (
    tenant_id   uuid NOT NULL REFERENCES hub.tenants (id),
    id          uuid NOT NULL,
    kind        text NOT NULL DEFAULT 'nps' CHECK (kind = 'nps'),
    question    text NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
    closes_at   timestamptz NOT NULL,
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE hub.survey_recipients (
    tenant_id            uuid NOT NULL,
    survey_id            uuid NOT NULL,
    recipient_tenant_id  uuid NOT NULL REFERENCES hub.tenants (id),
    sent_by              uuid,
    sent_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, survey_id, recipient_tenant_id),
    FOREIGN KEY (tenant_id, survey_id) REFERENCES hub.surveys (tenant_id, id),
    CHECK (tenant_id <> recipient_tenant_id)
);
CREATE INDEX survey_recipients_recipient ON hub.survey_recipients (recipient_tenant_id, survey_id);

CREATE TABLE hub.survey_responses (
    tenant_id             uuid NOT NULL,
    survey_id             uuid NOT NULL,
    respondent_tenant_id  uuid NOT NULL,
    respondent_user_id    uuid NOT NULL,
    score                 smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment               text CHECK (length(comment) <= 2000),
    answered_at           timestamptz NOT NULL DEFAULT now(),
    -- One answer per user: the key refuses a second.
    PRIMARY KEY (tenant_id, survey_id, respondent_tenant_id, respondent_user_id),
    FOREIGN KEY (tenant_id, survey_id, respondent_tenant_id)
        REFERENCES hub.survey_recipients (tenant_id, survey_id, recipient_tenant_id),
    FOREIGN KEY (respondent_tenant_id, respondent_user_id) REFERENCES hub.users (tenant_id, id)
);
CREATE INDEX survey_responses_answered ON hub.survey_responses (tenant_id, answered_at);

ALTER TABLE hub.surveys ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.surveys FORCE ROW LEVEL SECURITY;
ALTER TABLE hub.survey_recipients ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.survey_recipients FORCE ROW LEVEL SECURITY;
ALTER TABLE hub.survey_responses ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.survey_responses FORCE ROW LEVEL SECURITY;

CREATE POLICY surveys_owner ON hub.surveys TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY surveys_recipient ON hub.surveys FOR SELECT TO hub_app
    USING (EXISTS (SELECT 1 FROM hub.survey_recipients r
                    WHERE r.tenant_id = surveys.tenant_id AND r.survey_id = surveys.id
                      AND r.recipient_tenant_id = hub.current_tenant()));
CREATE POLICY survey_recipients_owner ON hub.survey_recipients TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY survey_recipients_recipient ON hub.survey_recipients FOR SELECT TO hub_app
    USING (recipient_tenant_id = hub.current_tenant());
CREATE POLICY survey_responses_owner ON hub.survey_responses FOR SELECT TO hub_app
    USING (tenant_id = hub.current_tenant());
-- A respondent reads its own company's answers and adds its own, as itself, to a survey sent to it.
CREATE POLICY survey_responses_respondent ON hub.survey_responses TO hub_app
    USING (respondent_tenant_id = hub.current_tenant())
    WITH CHECK (respondent_tenant_id = hub.current_tenant() AND respondent_user_id = hub.current_user_id());

GRANT SELECT, INSERT ON hub.surveys, hub.survey_recipients TO hub_app;
GRANT SELECT, INSERT ON hub.survey_responses TO hub_app;
