#!/usr/bin/env bash
# Builds PartnerHub and runs the whole test suite. The tests start their own throwaway
# PostgreSQL cluster (in a temporary folder) and stop it when they finish.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
