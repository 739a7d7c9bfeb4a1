#!/usr/bin/env bash
# `ctl set` on a running daemon commits only the changed service's objects
# (incremental path), in one transaction: `nft monitor` sees one new
# generation and nothing of the other service, and the kernel then equals
# what `lvsnft compile` of the changed config gives when `nft -f` loads it
# into a fresh namespace (nft -j, handles dropped, elements sorted). A
# hand-made `nft add element` between two changes is repaired (full sync)
# and `lvsnft diff` is in sync afterwards; slots left stale by a weight
# decrease are reused by the next increase.
#   daemon_incremental.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/daemon.sh"
daemon_init lvdi
REF=$P-r

# nat.json plus a second service "api" that no change below touches.
jq '.services += [.services[0] | .name = "api" | .vip = "192.168.10.101"
     | .ports = [8080]]' "$src/examples/nat.json" >"$cfg"
daemon_netns "$NS" "$REF"
k=(--netns "$NS" --state-dir "$state")

# The ruleset of namespace $1 in comparable form.
norm() {
  ip netns exec "$1" nft -j list ruleset | jq -S '
    [.nftables[] | select(has("metainfo") | not)
     | walk(if type == "object" then del(.handle) else . end)
     | if .set.elem then .set.elem |= sort_by(tostring)
       elif .map.elem then .map.elem |= sort_by(tostring) else . end]
    | sort_by(keys[0], (.[keys[0]].table // .[keys[0]].name),
              (.[keys[0]].chain // .[keys[0]].name))'
}
# The kernel equals `lvsnft compile` of config $1 loaded by nft -f.
same_as_compiled() {
  ip netns exec "$REF" nft flush ruleset
  "$lvsnft" compile -c "$1" --format nft | ip netns exec "$REF" nft -f - ||
    return 1
  diff <(norm "$REF") <(norm "$NS") >"$work/ruleset.diff" ||
    { head -40 "$work/ruleset.diff"; return 1; }
}
# Config $cfg with real server $2 of service $1 (0-based) at weight $3.
weighted() {
  jq --argjson s "$1" --argjson r "$2" --argjson w "$3" \
    '.services[$s].real_servers[$r].weight = $w' "$cfg"
}

daemon_start
topo_check "daemon answers on its socket" topo_wait_for 10 test -S "$sock"
topo_check "start: kernel equals the compiled config" same_as_compiled "$cfg"

ip netns exec "$NS" nft monitor >"$work/monitor.log" 2>&1 &
mpid=$!
daemon_track "$mpid"
sleep 0.3
topo_check "ctl set web 192.168.1.11:80 --weight 3" \
  ctl set web 192.168.1.11:80 --weight 3
sleep 0.5
kill "$mpid"; wait "$mpid" 2>/dev/null; mpid=""
weighted 0 1 3 >"$work/w3.json"
topo_check "after set: kernel equals compile of the weight-3 config" \
  same_as_compiled "$work/w3.json"
topo_check "after set: the daemon took the incremental path" \
  grep -q '^<5>sync (control): .* (incremental), ' "$work/daemon.log"
topo_check "after set: nft monitor saw one transaction" \
  test "$(grep -c '^# new generation' "$work/monitor.log")" = 1
topo_check "after set: nothing of service api changed" \
  topo_not grep -q 'svc_api\|192.168.10.101' "$work/monitor.log"
topo_check "after set: no table or set was (re)created" \
  topo_not grep -Eq '^(add|delete) (table|set|map) ' "$work/monitor.log"
topo_check "after set: some map element changed" \
  grep -Eq '^(add|delete) element inet lvsnft ' "$work/monitor.log"

# --- a concurrent writer between two changes ---------------------------------
ip netns exec "$NS" nft add element inet lvsnft svc4 \
  '{ tcp . 192.168.10.100 . 9999 : goto svc_web }'
topo_check "ctl set web 192.168.1.10:80 --weight 2 after a hand edit" \
  ctl set web 192.168.1.10:80 --weight 2
jq '.services[0].real_servers[0].weight = 2' "$work/w3.json" >"$work/w32.json"
topo_check "after the hand edit: kernel equals compile of the config" \
  topo_wait_for 3 same_as_compiled "$work/w32.json"
topo_check "after the hand edit: the foreign element is gone" \
  topo_not sh -c "ip netns exec '$NS' nft list map inet lvsnft svc4 | grep -q 9999"
"$lvsnft" diff -c "$cfg" "${k[@]}" >"$work/diff.out" 2>&1
topo_check "lvsnft diff: exit 0 (in sync with file + overrides)" test $? = 0
# Back to weights 1/1/1: 3 of the 6 slots are left stale (unreachable;
# a packet may still be on its way through the old rule), so only lvsnft
# diff can say "in sync" here. Weight 4 on .12 makes 6 slots again: the
# stale ones are reused with new data, and the kernel equals compile.
topo_check "ctl clear --all: back to the file" ctl clear --all
topo_check "after clear: lvsnft diff in sync" \
  "$lvsnft" diff -c "$cfg" "${k[@]}"
topo_check "ctl set web 192.168.1.12:80 --weight 4 over the stale slots" \
  ctl set web 192.168.1.12:80 --weight 4
weighted 0 2 4 >"$work/w4.json"
topo_check "after reusing the stale slots: kernel equals compile" \
  same_as_compiled "$work/w4.json"
# The second request (right after the hand edit) goes either way: full
# when it beats the 50 ms debounce (the kernel refuses the increment),
# incremental when the drift repair came first (a loaded host).
topo_check "every ctl set without a hand edit took the incremental path" \
  awk '/^<5>sync \(control\)/ { n++; if (n != 2 && !/\(incremental\)/) bad++ }
    END { exit (bad > 0 || n != 4) }' "$work/daemon.log"

topo_check "SIGTERM: daemon exits 0" daemon_stop
[ "${TOPO_FAILS:-0}" -ne 0 ] && sed 's/^/  log: /' "$work/daemon.log"
topo_summary daemon_incremental
