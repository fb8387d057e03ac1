-- Tenants, users, sessions, API tokens, partnerships and the audit log.
-- Runs as hub_owner. Every tenant-owned table leads its primary key with tenant_id and has
-- row-level security enabled and forced; policies read the tenant from app.tenant_id, so a
-- transaction that set no tenant sees no rows. Policies name the role they are for: hub_app
-- (the server) is always scoped to a tenant; the only cross-tenant readers are the credential
-- look-ups below, which run as hub_auth (a role nobody logs in as).

CREATE SCHEMA hub AUTHORIZATION hub_owner;
GRANT USAGE ON SCHEMA hub TO hub_app;

-- The current request's tenant and user; NULL when unset, which matches no row.
CREATE FUNCTION hub.current_tenant() RETURNS uuid
    LANGUAGE sql STABLE SET search_path = ''
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;
CREATE FUNCTION hub.current_user_id() RETURNS uuid
    LANGUAGE sql STABLE SET search_path = ''
    AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;
-- Set by the server only after it has checked that the caller is a hub operator.
CREATE FUNCTION hub.acting_as_operator() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = ''
    AS $$ SELECT coalesce(current_setting('app.operator', true), '') = 'on' $$;

CREATE TABLE hub.tenants (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE hub.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_own ON hub.tenants TO hub_app
    USING (id = hub.current_tenant() OR hub.acting_as_operator())
    WITH CHECK (hub.acting_as_operator());
CREATE POLICY tenants_auth ON hub.tenants FOR SELECT TO hub_auth
    USING (true);

CREATE TYPE hub.user_role AS ENUM ('owner', 'admin', 'channel_manager', 'member');

CREATE TABLE hub.users (
    tenant_id      uuid NOT NULL REFERENCES hub.tenants (id),
    id             uuid NOT NULL,
    email          text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
    display_name   text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role           hub.user_role NOT NULL,
    hub_operator   boolean NOT NULL DEFAULT false,
    password_hash  text,
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email)
);
ALTER TABLE hub.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_own ON hub.users TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY users_auth ON hub.users FOR SELECT TO hub_auth
    USING (true);

-- An e-mail address signs in to exactly one user anywhere on the hub. This is a global
-- directory, not tenant data: the app role cannot read it; only the functions below can.
CREATE TABLE hub.login_emails (
    email      text PRIMARY KEY,
    tenant_id  uuid NOT NULL,
    user_id    uuid NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES hub.users (tenant_id, id) ON DELETE CASCADE
);

CREATE FUNCTION hub.claim_login_email() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.email = OLD.email THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM hub.login_emails WHERE email = OLD.email;
    END IF;
    INSERT INTO hub.login_emails (email, tenant_id, user_id) VALUES (NEW.email, NEW.tenant_id, NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER users_claim_login_email AFTER INSERT OR UPDATE OF email ON hub.users
    FOR EACH ROW EXECUTE FUNCTION hub.claim_login_email();

CREATE TABLE hub.sessions (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    user_id       uuid NOT NULL,
    token_hash    bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES hub.users (tenant_id, id)
);
CREATE UNIQUE INDEX sessions_token_hash ON hub.sessions (token_hash);
ALTER TABLE hub.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY sessions_own ON hub.sessions TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY sessions_auth ON hub.sessions TO hub_auth
    USING (true)
    WITH CHECK (true);

CREATE TABLE hub.api_tokens (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    user_id       uuid NOT NULL,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash    bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES hub.users (tenant_id, id)
);
CREATE UNIQUE INDEX api_tokens_token_hash ON hub.api_tokens (token_hash);
ALTER TABLE hub.api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY api_tokens_own ON hub.api_tokens TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY api_tokens_auth ON hub.api_tokens TO hub_auth
    USING (true)
    WITH CHECK (true);

-- What a credential resolves to before any tenant is known. These run as the owner so they
-- can look across tenants, and return only the one matching row.
CREATE TYPE hub.principal AS (
    tenant_id     uuid,
    user_id       uuid,
    role          hub.user_role,
    hub_operator  boolean,
    credential_id uuid
);

CREATE FUNCTION hub.login_candidate(p_email text)
    RETURNS TABLE (tenant_id uuid, user_id uuid, password_hash text, disabled boolean)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$
    SELECT u.tenant_id, u.id, u.password_hash, u.disabled_at IS NOT NULL
      FROM hub.login_emails e
      JOIN hub.users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id
     WHERE e.email = lower(p_email)
$$;

-- Touching last-seen only once a minute keeps a busy session from writing on every request.
CREATE FUNCTION hub.resolve_session(p_hash bytea, p_idle interval) RETURNS SETOF hub.principal
    LANGUAGE sql SECURITY DEFINER SET search_path = ''
    AS $$
    WITH found AS (
        SELECT s.tenant_id, s.id, s.user_id, s.last_seen_at, u.role, u.hub_operator
          FROM hub.sessions s
          JOIN hub.users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
         WHERE s.token_hash = p_hash
           AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - p_idle
           AND u.disabled_at IS NULL
    ), touched AS (
        UPDATE hub.sessions s SET last_seen_at = now()
          FROM found f
         WHERE s.tenant_id = f.tenant_id AND s.id = f.id AND f.last_seen_at < now() - interval '1 minute'
    )
    SELECT f.tenant_id, f.user_id, f.role, f.hub_operator, f.id FROM found f
$$;

CREATE FUNCTION hub.resolve_api_token(p_hash bytea) RETURNS SETOF hub.principal
    LANGUAGE sql SECURITY DEFINER SET search_path = ''
    AS $$
    WITH found AS (
        SELECT t.tenant_id, t.id, t.user_id, t.last_used_at, u.role, u.hub_operator
          FROM hub.api_tokens t
          JOIN hub.users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
         WHERE t.token_hash = p_hash
           AND t.revoked_at IS NULL AND t.expires_at > now()
           AND u.disabled_at IS NULL
    ), touched AS (
        UPDATE hub.api_tokens t SET last_used_at = now()
          FROM found f
         WHERE t.tenant_id = f.tenant_id AND t.id = f.id
           AND (f.last_used_at IS NULL OR f.last_used_at < now() - interval '1 minute')
    )
    SELECT f.tenant_id, f.user_id, f.role, f.hub_operator, f.id FROM found f
$$;

-- Looking a company up by its public slug is how a partner is invited; it reveals the id only.
CREATE FUNCTION hub.tenant_id_for_slug(p_slug text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$ SELECT id FROM hub.tenants WHERE slug = p_slug $$;

-- Failed sign-ins per account and per client address, for throttling. Keys are hashes, not
-- addresses, and the table holds no tenant data.
CREATE TABLE hub.login_throttle (
    key           bytea PRIMARY KEY,
    failures      integer NOT NULL,
    window_start  timestamptz NOT NULL,
    locked_until  timestamptz
);

CREATE TYPE hub.partnership_status AS ENUM ('invited', 'declined', 'active', 'suspended', 'ended');

-- Owned by the inviting tenant; the invited tenant sees and acts on it through partner_tenant_id.
CREATE TABLE hub.partnerships (
    tenant_id          uuid NOT NULL REFERENCES hub.tenants (id),
    id                 uuid NOT NULL,
    partner_tenant_id  uuid NOT NULL REFERENCES hub.tenants (id),
    status             hub.partnership_status NOT NULL,
    note               text CHECK (length(note) <= 2000),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK (tenant_id <> partner_tenant_id)
);
CREATE INDEX partnerships_partner ON hub.partnerships (partner_tenant_id, id);
-- At most one open (not declined or ended) partnership between the same two companies, either way round.
CREATE UNIQUE INDEX partnerships_one_open_pair ON hub.partnerships
    (least(tenant_id, partner_tenant_id), greatest(tenant_id, partner_tenant_id))
    WHERE status IN ('invited', 'active', 'suspended');
ALTER TABLE hub.partnerships ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.partnerships FORCE ROW LEVEL SECURITY;
CREATE POLICY partnerships_owner ON hub.partnerships TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
CREATE POLICY partnerships_partner ON hub.partnerships TO hub_app
    USING (partner_tenant_id = hub.current_tenant())
    WITH CHECK (partner_tenant_id = hub.current_tenant());

-- Each side may read the other's tenant row while they share a partnership.
CREATE POLICY tenants_partners ON hub.tenants FOR SELECT TO hub_app
    USING (id IN (SELECT p.partner_tenant_id FROM hub.partnerships p WHERE p.tenant_id = hub.current_tenant()
                  UNION ALL
                  SELECT p.tenant_id FROM hub.partnerships p WHERE p.partner_tenant_id = hub.current_tenant()));

CREATE TABLE hub.partnership_events (
    tenant_id        uuid NOT NULL,
    partnership_id   uuid NOT NULL,
    seq              integer NOT NULL,
    partner_tenant_id uuid NOT NULL,
    from_status      hub.partnership_status,
    to_status        hub.partnership_status NOT NULL,
    actor_tenant_id  uuid NOT NULL,
    actor_user_id    uuid,
    reason           text CHECK (length(reason) <= 2000),
    at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, partnership_id, seq),
    FOREIGN KEY (tenant_id, partnership_id) REFERENCES hub.partnerships (tenant_id, id)
);
CREATE INDEX partnership_events_partner ON hub.partnership_events (partner_tenant_id, partnership_id);
ALTER TABLE hub.partnership_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.partnership_events FORCE ROW LEVEL SECURITY;
CREATE POLICY partnership_events_sides ON hub.partnership_events TO hub_app
    USING (tenant_id = hub.current_tenant() OR partner_tenant_id = hub.current_tenant())
    WITH CHECK ((tenant_id = hub.current_tenant() OR partner_tenant_id = hub.current_tenant())
                AND actor_tenant_id = hub.current_tenant());

CREATE TABLE hub.audit_log (
    tenant_id      uuid NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_user_id  uuid,
    action         text NOT NULL,
    target_type    text NOT NULL,
    target_id      text,
    request_id     text,
    details        jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE hub.audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.audit_log FORCE ROW LEVEL SECURITY;
-- Append-only for the application: it may insert and read its own, never change or delete.
CREATE POLICY audit_log_own ON hub.audit_log TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());

GRANT SELECT, INSERT, UPDATE ON hub.tenants TO hub_app;
GRANT SELECT, INSERT, UPDATE ON hub.users TO hub_app;
GRANT SELECT, INSERT, UPDATE ON hub.sessions, hub.api_tokens TO hub_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON hub.login_throttle TO hub_app;
GRANT SELECT, INSERT, UPDATE ON hub.partnerships TO hub_app;
GRANT SELECT, INSERT ON hub.partnership_events TO hub_app;
GRANT SELECT, INSERT ON hub.audit_log TO hub_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hub TO hub_app;

GRANT USAGE ON SCHEMA hub TO hub_auth;
GRANT SELECT ON hub.tenants, hub.users, hub.login_emails TO hub_auth;
GRANT SELECT, UPDATE ON hub.sessions, hub.api_tokens TO hub_auth;
-- A new owner needs CREATE on the schema while ownership moves; it keeps none afterwards.
GRANT CREATE ON SCHEMA hub TO hub_auth;
ALTER FUNCTION hub.login_candidate(text) OWNER TO hub_auth;
ALTER FUNCTION hub.resolve_session(bytea, interval) OWNER TO hub_auth;
ALTER FUNCTION hub.resolve_api_token(bytea) OWNER TO hub_auth;
ALTER FUNCTION hub.tenant_id_for_slug(text) OWNER TO hub_auth;
REVOKE CREATE ON SCHEMA hub FROM hub_auth;
