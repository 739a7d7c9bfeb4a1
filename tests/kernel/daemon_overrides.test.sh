#!/usr/bin/env bash
# The one-shot commands know the daemon's persisted overrides: with a
# server drained by `lvsnft ctl set`, `diff -c` is in sync and names the
# override (`--no-overrides` shows the drain as pending), `status` marks
# the effective state and shows the daemon's view while it runs (not
# after SIGTERM), and a hand-run `apply` keeps the drain (checked with
# `nft -j list ruleset`).
#   daemon_overrides.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/daemon.sh"
daemon_init lvdo

cp "$src/examples/nat.json" "$cfg"
daemon_netns "$NS"
k=(--netns "$NS" --state-dir "$state")
drained() { ! ip netns exec "$NS" nft -j list ruleset | grep -q '192.168.1.11'; }
has_line() { grep -qxF -- "$2" "$1" || { echo "missing: $2"; cat "$1"; false; }; }

daemon_start
topo_check "daemon answers on its socket" topo_wait_for 10 test -S "$sock"
topo_check "ctl set web 192.168.1.11:80 --state drain" \
  topo_wait_for 5 ctl set web 192.168.1.11:80 --state drain
topo_check "the drain is in the kernel" drained

# --- diff -c: the override is not pending ----------------------------------
"$lvsnft" diff -c "$cfg" "${k[@]}" >"$work/diff.out" 2>&1
topo_check "diff -c: exit 0 (in sync with file + overrides)" test $? = 0
topo_check "diff -c: names the override" \
  has_line "$work/diff.out" "override: web 192.168.1.11:80 state drain (file: up)"
topo_check "diff -c: then in sync" has_line "$work/diff.out" "in sync"
"$lvsnft" diff -c "$cfg" "${k[@]}" --output json >"$work/diff.json"
topo_check "diff --output json: overrides array" test \
  "$(jq -c .overrides "$work/diff.json")" = \
  '[{"service":"web","server":"192.168.1.11:80","state":"drain","file_state":"up"}]'
"$lvsnft" diff -c "$cfg" "${k[@]}" --no-overrides >"$work/nodiff.out" 2>&1
topo_check "diff --no-overrides: exit 2 (the drain is pending)" test $? = 2
topo_check "diff --no-overrides: no override line" \
  topo_not grep -q '^override:' "$work/nodiff.out"

# --- status: the mark, the JSON field, the daemon's view -------------------
"$lvsnft" status "${k[@]}" >"$work/status.out" 2>&1
topo_check "status: drained server marked drain*" \
  grep -Eq '^  -> 192\.168\.1\.11:80 +1 drain\* ' "$work/status.out"
topo_check "status: other servers unmarked" \
  grep -Eq '^  -> 192\.168\.1\.10:80 +1 up +[0-9]' "$work/status.out"
topo_check "status: footnote" \
  has_line "$work/status.out" "* runtime override (lvsnft ctl)"
topo_check "status: daemon block while it runs" \
  has_line "$work/status.out" "daemon: running"
topo_check "status: daemon block lists the override" \
  has_line "$work/status.out" "    web 192.168.1.11:80 state=drain"
topo_check "status: daemon block has the last sync" \
  grep -Eq '^  last sync: ok at [0-9T:-]+Z \(' "$work/status.out"
"$lvsnft" status "${k[@]}" --output json >"$work/status.json"
topo_check "status json: override field on the drained server" test \
  "$(jq -c '.services[0].real_servers[] | select(.address == "192.168.1.11:80") | .override' "$work/status.json")" = \
  '{"file_state":"up","state":"drain"}'
topo_check "status json: daemon object with drift_repairs" \
  jq -e '.daemon.drift_repairs >= 0 and .daemon.syncs.ok >= 2' "$work/status.json"

topo_check "SIGTERM: daemon exits 0" daemon_stop
"$lvsnft" status "${k[@]}" >"$work/status2.out" 2>&1
topo_check "status after SIGTERM: exit 0" test $? = 0
topo_check "status after SIGTERM: no daemon block" \
  topo_not grep -q '^daemon:' "$work/status2.out"
topo_check "status after SIGTERM: override still marked (persisted)" \
  grep -Eq '^  -> 192\.168\.1\.11:80 +1 drain\* ' "$work/status2.out"
topo_check "status json after SIGTERM: daemon null" \
  sh -c "'$lvsnft' status --netns '$NS' --state-dir '$state' --output json | jq -e 'has(\"daemon\") and .daemon == null'"

# --- apply by hand: the override stays ---------------------------------------
ip netns exec "$NS" nft flush ruleset
"$lvsnft" apply -c "$cfg" "${k[@]}" >"$work/apply.out" 2>&1
topo_check "apply: exit 0" test $? = 0
topo_check "apply: says the override is applied" \
  has_line "$work/apply.out" "override: web 192.168.1.11:80 state drain (file: up)"
topo_check "apply: the drain stays in the kernel" drained
"$lvsnft" apply -c "$cfg" "${k[@]}" --no-overrides >"$work/apply2.out" 2>&1
topo_check "apply --no-overrides: the drained server is back" \
  topo_not drained
topo_check "apply --no-overrides: no override line" \
  topo_not grep -q '^override:' "$work/apply2.out"

[ "${TOPO_FAILS:-0}" -ne 0 ] && sed 's/^/  log: /' "$work/daemon.log"
topo_summary daemon_overrides
