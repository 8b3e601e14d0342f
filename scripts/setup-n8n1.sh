#!/usr/bin/env bash
# Installs n8n 1.x LTS (the newest 1.123 in the registry, pinned) on Node 24 into a git-ignored cache
# for the e2e tier's n8n 1.x test (test/e2e/n8n1.test.ts). Same script, layout, marker, lock and
# --force flag as setup-n8n.sh, which it runs with these settings:
#
#   bash scripts/setup-n8n1.sh            # install or reuse
#   bash scripts/setup-n8n1.sh --force    # wipe and reinstall
#
# N8N1_E2E_CACHE overrides the folder (default <repo>/.cache/n8n1), N8N1_E2E_N8N_VERSION the version.
#
# n8n-nodes-base 1.x declares xlsx as a tarball URL on cdn.sheetjs.com, which an install from the npm
# registry alone cannot reach: an npm override pins the registry's newest xlsx (0.18.5) instead. xlsx
# serves only the Spreadsheet File, Convert to File and Extract from File nodes, which no template uses.
# isolated-vm is compiled as for 2.x: n8n 1.123's default expression engine ("vm") runs in it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

export N8N_E2E_CACHE="${N8N1_E2E_CACHE:-$ROOT/.cache/n8n1}"
export N8N_E2E_N8N_VERSION="${N8N1_E2E_N8N_VERSION:-1.123.81}"
export N8N_E2E_NPM_OVERRIDES='{ "xlsx": "0.18.5" }'
export N8N_E2E_NATIVE_MODULES='sqlite3 isolated-vm'
export N8N_E2E_LABEL='setup-n8n1'
# Measured on 2 cores: 4 minutes after setup-n8n.sh filled npm's download cache, 9 with an empty one
# on a busy machine; the cache is 2.1 GB, npm's download cache grows by about 0.6 GB.
export N8N_E2E_COLD_MINUTES='4 to 10'
export N8N_E2E_CACHE_MB=2100
export N8N_E2E_DISK_MB=2800
exec bash "$ROOT/scripts/setup-n8n.sh" "$@"
