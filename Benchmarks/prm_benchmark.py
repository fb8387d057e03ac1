#!/usr/bin/env python3
"""PRM benchmark: the lead API against PostgreSQL doing the same work through pgbench, in one run on one cluster.

From the repository root:
  python3 Benchmarks/prm_benchmark.py [--duration 20] [--tenants 1000] [--leads 1000000] [--skip-build]

What it does (nothing here is a test; it prints figures for BENCHMARKS.md):
  1. builds `partnerhub` in release mode and starts `partnerhub serve --migrate` on a fresh data folder
     (.build-bench/prm, gitignored) with its own embedded PostgreSQL;
  2. seeds --tenants tenants, each with an owner and an API token, and --leads leads spread evenly over them,
     straight into the database (the API would take hours to create a million leads);
  3. POST /api/v1/leads with wrk at 32 connections (tokens of 32 tenants in turn, a new e-mail each request),
     next to pgbench at 32 clients inserting the same row shape into the same table: once as a bare INSERT
     (the floor), once as the server's transaction (set the tenant under row-level security, then insert), once
     as the server's own statements for one POST, and once as the same work in one round trip (a PL/pgSQL
     function: what PostgreSQL alone does of a POST, with no server and no round trips in between);
  4. GET /api/v1/leads?limit=50 (one tenant's newest page, a random tenant of all per request) with wrk at 1 and
     8 connections, next to pgbench running the same keyset query at 8 clients.
wrk and pgbench run on this machine beside the server and PostgreSQL: the figures are what the whole box does.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, ".build-bench", "prm")
PGBIN = "/usr/lib/postgresql/15/bin"


def tool(name):
    path = shutil.which(name) or (os.path.join(PGBIN, name) if os.path.exists(os.path.join(PGBIN, name)) else None)
    if path is None and name == "wrk":
        environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL, env=environment)
        path = shutil.which("wrk")
    if path is None:
        sys.exit(f"{name} is not installed")
    return path


def tenant_uuid(index):
    return f"00000000-0000-4000-8000-{index:012d}"


def token(index):
    return f"phk_bench_{index:06d}"


def psql(sql):
    subprocess.run([tool("psql"), "-h", os.path.join(DATA, "run"), "-U", "partnerhub_admin", "-d", "partnerhub",
                    "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True)


def seed(tenants, leads):
    started = time.time()
    psql(f"""
        INSERT INTO hub.tenants (id, slug, name)
        SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'bench-' || i, 'Bench ' || i
          FROM generate_series(1, {tenants}) i;
        INSERT INTO hub.users (tenant_id, id, email, display_name, role)
        SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, ('00000000-0000-4000-9000-' || lpad(i::text, 12, '0'))::uuid,
               'owner' || i || '@bench.example', 'Owner ' || i, 'owner'
          FROM generate_series(1, {tenants}) i;
        INSERT INTO hub.api_tokens (tenant_id, id, user_id, name, token_hash, expires_at)
        SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, gen_random_uuid(),
               ('00000000-0000-4000-9000-' || lpad(i::text, 12, '0'))::uuid, 'bench',
               sha256(convert_to('phk_bench_' || lpad(i::text, 6, '0'), 'UTF8')), now() + interval '1 day'
          FROM generate_series(1, {tenants}) i;
        INSERT INTO hub.leads (tenant_id, id, source, company_name, first_name, last_name, email, country, estimated_amount,
                               currency, created_at, updated_at)
        SELECT ('00000000-0000-4000-8000-' || lpad((1 + g % {tenants})::text, 12, '0'))::uuid, gen_random_uuid(), 'import',
               'Company ' || g, 'First', 'Last ' || g, 'lead' || g || '@example.com', 'DE', ((g % 100000) || '.50')::numeric, 'EUR',
               now() - make_interval(secs => g), now() - make_interval(secs => g)
          FROM generate_series(1, {leads}) g;
        ANALYZE;
    """)
    return time.time() - started


ONE_ROUND_TRIP_FUNCTION = """
CREATE SCHEMA IF NOT EXISTS bench;
GRANT USAGE ON SCHEMA bench TO hub_app;
CREATE OR REPLACE FUNCTION bench.create_lead_in_one_round_trip(t int, n bigint) RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    principal record;
    lead uuid := gen_random_uuid();
    lead_email text := 'ada' || n || '@example.com';
    duplicates uuid[];
BEGIN
    SELECT * INTO principal FROM hub.resolve_api_token(sha256(convert_to('phk_bench_' || lpad(t::text, 6, '0'), 'UTF8')));
    PERFORM set_config('app.tenant_id', principal.tenant_id::text, true), set_config('app.user_id', principal.user_id::text, true),
            set_config('app.operator', '', true);
    duplicates := ARRAY(SELECT id FROM hub.leads WHERE merged_into_lead_id IS NULL AND email = lead_email
                         ORDER BY created_at LIMIT 20);
    INSERT INTO hub.leads (tenant_id, id, source, company_name, first_name, last_name, email, country, estimated_amount, currency)
    VALUES (principal.tenant_id, lead, 'api', 'Analytical Engines Ltd', 'Ada', 'Lovelace', lead_email, 'GB', 1250.00, 'EUR');
    INSERT INTO hub.lead_status_changes (tenant_id, lead_id, seq, from_status, to_status, by_user_id)
    VALUES (principal.tenant_id, lead, 1, NULL, 'new', principal.user_id);
    INSERT INTO hub.audit_log (tenant_id, actor_user_id, action, target_type, target_id, request_id, details)
    VALUES (principal.tenant_id, principal.user_id, 'lead.create', 'lead', lead::text, 'bench', '{"source":"api"}');
    INSERT INTO hub.events (tenant_id, type, subject_type, subject_id, actor_tenant_id, actor_user_id, request_id, payload)
    VALUES (principal.tenant_id, 'lead.created', 'lead', lead, principal.tenant_id, principal.user_id, 'bench', '{"source":"api"}');
    RETURN lead;
END $$;
GRANT EXECUTE ON FUNCTION bench.create_lead_in_one_round_trip(int, bigint) TO hub_app;
"""


def wrk(script, url, connections, duration):
    output = subprocess.run(
        [tool("wrk"), "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{duration}s", "--latency", "-s", script, url],
        check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failures = int(errors.group(1)) if errors else 0
    return rate, percentiles.get("50"), percentiles.get("99"), failures


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def pgbench(script_text, clients, duration, user="partnerhub_admin"):
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(script_text)
    output = subprocess.run(
        [tool("pgbench"), "-h", os.path.join(DATA, "run"), "-U", user, "-n", "-M", "prepared",
         "-c", str(clients), "-j", "2", "-T", str(duration), "-f", script.name, "partnerhub"],
        check=True, capture_output=True, text=True).stdout
    os.unlink(script.name)
    rate = float(re.search(r"tps = ([\d.]+)", output).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", output).group(1))
    return rate, latency


def lua(path, body):
    with open(path, "w") as file:
        file.write(body)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    if args.tenants < 32:
        sys.exit("--tenants must be at least 32: the write run spreads over 32 tenants")

    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "partnerhub"], cwd=ROOT, check=True)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip() + "/partnerhub"
    shutil.rmtree(DATA, ignore_errors=True)
    os.makedirs(DATA)
    server = subprocess.Popen([binary, "serve", "--data-dir", DATA, "--port", str(args.port), "--migrate", "--log-level", "error"],
                              cwd=ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/readyz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("the server did not become ready")
        print(f"seeding {args.tenants} tenants and {args.leads} leads ...", flush=True)
        print(f"seeded in {seed(args.tenants, args.leads):.0f} s", flush=True)

        scripts = os.path.join(DATA, "scripts")
        os.makedirs(scripts)
        tokens = ", ".join(f'"{token(i)}"' for i in range(1, 33))
        post = lua(os.path.join(scripts, "post.lua"), f"""
local tokens = {{{tokens}}}
local counter = 0
request = function()
  counter = counter + 1
  local body = '{{"companyName":"Analytical Engines Ltd","firstName":"Ada","lastName":"Lovelace","email":"ada' .. counter .. '-' .. math.random(1, 1000000000) .. '@example.com","country":"GB","estimatedValue":{{"amount":"1250.00","currency":"EUR"}}}}'
  return wrk.format("POST", "/api/v1/leads", {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[counter % 32 + 1]}}, body)
end
""")
        get = lua(os.path.join(scripts, "list.lua"), f"""
request = function()
  local tenant = math.random(1, {args.tenants})
  return wrk.format("GET", "/api/v1/leads?limit=50", {{["Authorization"] = string.format("Bearer phk_bench_%06d", tenant)}})
end
""")
        tenant_expr = "('00000000-0000-4000-8000-' || lpad(:t::text, 12, '0'))::uuid"
        row = ("'api', 'Analytical Engines Ltd', 'Ada', 'Lovelace', 'ada' || :n || '@example.com', 'GB', 1250.00, 'EUR'")
        columns = "tenant_id, id, source, company_name, first_name, last_name, email, country, estimated_amount, currency"
        bare_insert = f"""\\set t random(1, 32)
\\set n random(1, 1000000000)
INSERT INTO hub.leads ({columns}) VALUES ({tenant_expr}, gen_random_uuid(), {row});
"""
        rls_insert = f"""\\set t random(1, 32)
\\set n random(1, 1000000000)
BEGIN;
SET LOCAL ROLE hub_app;
SELECT set_config('app.tenant_id', '00000000-0000-4000-8000-' || lpad(:t::text, 12, '0'), true);
INSERT INTO hub.leads ({columns}) VALUES ({tenant_expr}, gen_random_uuid(), {row});
COMMIT;
"""
        # The statements the server sends for one POST, in order, as the server's own database role (the SQL
        # of Leads.InsertLead, SetScope and Events.InsertEventWithAudit): what PostgreSQL alone does per request.
        server_statements = f"""\\set t random(1, 32)
\\set n random(1, 1000000000)
SELECT tenant_id, user_id, role::text, hub_operator, credential_id
  FROM hub.resolve_api_token(sha256(convert_to('phk_bench_' || lpad(:t::text, 6, '0'), 'UTF8')));
BEGIN;
SELECT set_config('app.tenant_id', '00000000-0000-4000-8000-' || lpad(:t::text, 12, '0'), true),
       set_config('app.user_id', '00000000-0000-4000-9000-' || lpad(:t::text, 12, '0'), true), set_config('app.operator', '', true);
WITH lead AS (
    INSERT INTO hub.leads (tenant_id, id, source, company_name, company_domain, first_name, last_name, email, phone,
                           country, region, owner_user_id, estimated_amount, currency, notes, promotion_id)
    VALUES ({tenant_expr}, gen_random_uuid(), 'api', 'Analytical Engines Ltd', NULL, 'Ada', 'Lovelace', 'ada' || :n || '@example.com', NULL,
            'GB', NULL, NULL, '1250.00'::text::numeric, 'EUR', NULL, NULL)
    RETURNING *
), first_change AS (
    INSERT INTO hub.lead_status_changes (tenant_id, lead_id, seq, from_status, to_status, by_user_id)
    SELECT tenant_id, id, 1, NULL, 'new', ('00000000-0000-4000-9000-' || lpad(:t::text, 12, '0'))::uuid FROM lead
)
SELECT lead.*, ARRAY(
    SELECT id FROM hub.leads
     WHERE merged_into_lead_id IS NULL AND email = 'ada' || :n || '@example.com'
     ORDER BY created_at LIMIT 20)
  FROM lead;
WITH audit AS (
    INSERT INTO hub.audit_log (tenant_id, actor_user_id, action, target_type, target_id, request_id, details)
    VALUES ({tenant_expr}, ('00000000-0000-4000-9000-' || lpad(:t::text, 12, '0'))::uuid, 'lead.create', 'lead', gen_random_uuid()::text,
            'bench', '{{"source":"api"}}'::jsonb)
)
INSERT INTO hub.events (tenant_id, type, subject_type, subject_id, actor_tenant_id, actor_user_id, request_id, payload)
SELECT t, 'lead.created', 'lead', gen_random_uuid(), t, ('00000000-0000-4000-9000-' || lpad(:t::text, 12, '0'))::uuid, 'bench',
       '{{"source":"api"}}'::jsonb
  FROM unnest(ARRAY[{tenant_expr}]) AS t;
COMMIT;
"""
        # The same work with no server and one round trip: a PL/pgSQL function that resolves the token, sets the
        # scope and writes the four rows with the duplicate check. What PostgreSQL alone manages when nothing
        # else runs: the floor under any implementation of POST /leads that keeps the rules.
        psql(ONE_ROUND_TRIP_FUNCTION)
        one_round_trip = """\\set t random(1, 32)
\\set n random(1, 1000000000)
SELECT bench.create_lead_in_one_round_trip(:t, :n);
"""
        keyset = f"""\\set t random(1, {args.tenants})
SELECT id, status, source, company_name, company_domain, first_name, last_name, email, phone, country, region,
       owner_user_id, estimated_amount, currency, notes, created_at, updated_at
  FROM hub.leads WHERE tenant_id = {tenant_expr} ORDER BY created_at DESC, id DESC LIMIT 51;
"""
        d = args.duration
        results = []
        rate, p50, p99, failures = wrk(post, base, 32, d)
        results.append(("POST /api/v1/leads (wrk, 32 connections)", rate, p50, p99, failures))
        bare, bare_latency = pgbench(bare_insert, 32, d)
        results.append(("pgbench: bare INSERT of the same row (32 clients)", bare, bare_latency, None, 0))
        rls, rls_latency = pgbench(rls_insert, 32, d)
        results.append(("pgbench: set tenant + INSERT under RLS, one transaction (32 clients)", rls, rls_latency, None, 0))
        same, same_latency = pgbench(server_statements, 32, d, user="hub_app")
        results.append(("pgbench: the server's own statements for one POST, as its role (32 clients)", same, same_latency, None, 0))
        floor, floor_latency = pgbench(one_round_trip, 32, d, user="hub_app")
        results.append(("pgbench: the same work in one round trip (a PL/pgSQL function), as the server's role (32 clients)",
                        floor, floor_latency, None, 0))
        for connections in (1, 8):
            rate, p50, p99, failures = wrk(get, base, connections, d)
            results.append((f"GET /api/v1/leads?limit=50, random tenant (wrk, {connections} connection{'s' if connections > 1 else ''})",
                            rate, p50, p99, failures))
        keyset_rate, keyset_latency = pgbench(keyset, 8, d)
        results.append(("pgbench: the same keyset page query (8 clients)", keyset_rate, keyset_latency, None, 0))

        print(f"\n{args.leads} leads over {args.tenants} tenants; {d} s per run\n")
        print("| run | requests/s | p50 ms (pgbench: mean) | p99 ms | non-2xx |")
        print("|---|---:|---:|---:|---:|")
        for name, rate, p50, p99, failures in results:
            print(f"| {name} | {rate:,.0f} | {p50:.2f} | {'' if p99 is None else f'{p99:.2f}'} | {failures} |")
        post_rate = results[0][1]
        print(f"\nPOST /api/v1/leads = {post_rate / bare:.0%} of the bare INSERT, {post_rate / rls:.0%} of the RLS transaction, "
              f"{post_rate / same:.0%} of the server's own statements, {post_rate / floor:.0%} of the same work in one round trip; "
              f"that work alone is {floor / bare:.0%} of the bare INSERT")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
