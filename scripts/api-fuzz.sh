#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI document with schemathesis (from PyPI, in a
# throwaway virtualenv): no 5xx and every response conforming to the document.
# Usage: scripts/api-fuzz.sh [max examples per operation, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-60}"
venv=.build-apifuzz/venv
data=$(mktemp -d /tmp/partnerhub-apifuzz-XXXXXX)
port=18092
[ -x "$venv/bin/schemathesis" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q schemathesis; }
swift build --product partnerhub
.build/debug/partnerhub serve --demo --no-webhook-delivery --port "$port" --data-dir "$data" --log-level error &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 1; done
token=$(.build/debug/partnerhub token create --email olivia@northwind.example --data-dir "$data")
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" --url "http://127.0.0.1:$port" \
    -H "Authorization: Bearer $token" --checks not_a_server_error,response_schema_conformance \
    --max-examples "$examples" --exclude-path /api/v1/auth/logout
