#!/usr/bin/env bash
# Builds PartnerHub and starts it with the demo world on its own embedded PostgreSQL.
# Extra arguments go to `partnerhub serve` (for example --port 9090 or --data-dir /srv/partnerhub).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product partnerhub
exec .build/release/partnerhub serve --demo "$@"
