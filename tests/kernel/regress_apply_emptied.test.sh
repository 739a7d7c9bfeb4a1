#!/usr/bin/env bash
# Regressions of incremental and fresh apply (issue 10, items 1 and 2),
# against the host kernel in throw-away namespaces, checked with nft:
#   1. removing the last port-range service (NAT v4, NAT v6, DR): the
#      interval dispatch map goes away together with the service chain its
#      element jumps to; the transaction must still be valid (it failed
#      with "delete chain ... svc_rng: Device or resource busy").
#   2. DR/TUN services where no server can take new flows (all drained,
#      all down, all weight 0, no servers): the ruleset must load (fresh
#      apply, nft -f of compile output) and the way there from a config
#      with servers, and back, must apply (it failed with "set @slots
#      does not exist" / "delete set ... slots: Device or resource busy").
#   regress_apply_emptied.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
lvsnft=$build/lvsnft
. "$src/tests/lib/topo.sh"
P=$(topo_prefix lvra)
A=$P-a B=$P-b
state=$(mktemp -d)
work=$(mktemp -d)
trap 'topo_destroy "$P"; rm -rf "$state" "$work"' EXIT # $A and $B

bare_ns() { # a namespace with the director interface eth0
  ip netns del "$1" 2>/dev/null
  ip netns add "$1" && ip -n "$1" link set lo up &&
    ip -n "$1" link add eth0 type veth peer name eth0p && ip -n "$1" link set eth0 up
}
fresh() { rm -rf "$state" && mkdir -p "$state" && bare_ns "$1"; }
lv() { "$lvsnft" "$@" --state-dir "$state"; }
# nft's JSON listing without handles; sets and chains sorted (an
# incremental apply appends a new set or chain after the existing ones),
# rules grouped by chain in listing order (their order within a chain
# matters; jq's group_by is stable).
norm_json() {
  ip netns exec "$1" nft -j list ruleset | jq -S 'del(.nftables[0]) | .nftables
    | walk(if type == "object" then del(.handle) else . end)
    | [(map(select(has("rule") | not)) | sort), (map(select(has("rule"))) | group_by(.rule.chain))]'
}
lists_ok() { ip netns exec "$1" nft list ruleset >/dev/null && ip netns exec "$1" nft -j list ruleset >/dev/null; }
# apply_in_sync NS CFG: apply succeeds, then diff calls the kernel in sync
# (exit 0), also when everything is read from the kernel.
apply_in_sync() {
  lv apply -c "$2" --netns "$1" && lv diff -c "$2" --netns "$1" &&
    lv diff --full-dump -c "$2" --netns "$1" && lists_ok "$1"
}
# absent NS WORD: nothing in the JSON listing mentions WORD.
absent() { ! ip netns exec "$1" nft -j list ruleset | grep -q "$2"; }
# present NS WORD: the JSON listing mentions WORD (guards `absent`).
present() { ip netns exec "$1" nft -j list ruleset | grep -q "$2"; }
# same_as_compile NS CFG: what apply made equals nft -f of compile output
# in a second namespace (nft's own view of both, handles aside). Slots that
# vanished stay as stale (unreachable) elements until the next apply that
# leaves their service's rules alone (docs/LAYOUT.md): apply once more so
# they are collected before comparing.
same_as_compile() {
  lv apply -c "$2" --netns "$1" >/dev/null && "$lvsnft" compile -c "$2" -o "$work/cmp.nft" && bare_ns "$B" &&
    ip netns exec "$B" nft -f "$work/cmp.nft" && diff <(norm_json "$1") <(norm_json "$B")
}

# svc NAME MODE VIP PORTS SERVERS: one service (SERVERS: JSON array).
svc() {
  printf '{"name": "%s", "vip": "%s", "protocol": "tcp", "ports": %s, "mode": "%s", "scheduler": "%s", "real_servers": %s}' \
    "$1" "$3" "$4" "$2" "$([ "$2" = nat ] && echo rr || echo mh)" "$5"
}
cfg() { # cfg FILE SERVICE...: a config with the given services
  local f=$1
  shift
  jq -n --argjson s "[$(IFS=,; echo "$*")]" '{version: 1, director: {interface: "eth0"}, services: $s}' >"$f"
}

# --- 1. removing the last port-range service ------------------------------
range_case() { # range_case NAME MODE VIP RS1 RS2
  local n=$1 m=$2 vip=$3 rs="[{\"address\": \"$4\"}, {\"address\": \"$5\"}]"
  local a=$work/$n-a.json b=$work/$n-b.json
  cfg "$a" "$(svc web "$m" "$vip" '[80]' "$rs")" "$(svc rng "$m" "$vip" '["8000-8010"]' "$rs")"
  cfg "$b" "$(svc web "$m" "$vip" '[80]' "$rs")"
  fresh "$A"
  topo_check "$n: apply A (web + range service rng)" apply_in_sync "$A" "$a"
  topo_check "$n: A has svc_rng" present "$A" svc_rng
  topo_check "$n: apply B (rng removed), diff in sync" apply_in_sync "$A" "$b"
  topo_check "$n: B has no svc_rng left" absent "$A" svc_rng
  topo_check "$n: B equals nft -f of compile B" same_as_compile "$A" "$b"
  topo_check "$n: back to A (B -> A)" apply_in_sync "$A" "$a"
  topo_check "$n: A again equals nft -f of compile A" same_as_compile "$A" "$a"
  fresh "$A"
  topo_check "$n: fresh apply B" apply_in_sync "$A" "$b"
  topo_check "$n: then A" apply_in_sync "$A" "$a"
  topo_check "$n: then B again, no svc_rng" sh -c "'$lvsnft' apply -c '$b' --netns $A --state-dir '$state' && ! ip netns exec $A nft -j list ruleset | grep -q svc_rng"
}
range_case nat4 nat 192.168.10.100 192.168.1.10 192.168.1.11
range_case nat6 nat fd00:10::100 fd00:1::10 fd00:1::11
range_case dr4 dr 192.168.1.100 192.168.1.10 192.168.1.11

# --- 2. DR/TUN services no server can take new flows -------------------------
up='[{"address": "192.168.1.10"}, {"address": "192.168.1.11"}]'
declare -A none=(
  [drain]='[{"address": "192.168.1.10", "state": "drain"}, {"address": "192.168.1.11", "state": "drain"}]'
  [down]='[{"address": "192.168.1.10", "state": "down"}, {"address": "192.168.1.11", "state": "down"}]'
  [weight0]='[{"address": "192.168.1.10", "weight": 0}, {"address": "192.168.1.11", "weight": 0}]'
  [empty]='[]'
)
# new_flows_dropped NS: svc_web neither schedules (no pick, no slots) nor
# accepts; its last rule drops.
new_flows_dropped() {
  local l
  l=$(ip netns exec "$1" nft list chain netdev lvsnft svc_web) || return 1
  echo "$l"
  ! grep -q 'goto pick\|@slots' <<<"$l" && tail -3 <<<"$l" | grep -q 'counter packets [0-9]* bytes [0-9]* drop'
}
# drained_flows_kept NS: a drained server's established flows still find it.
drained_flows_kept() {
  ip netns exec "$1" nft list chain netdev lvsnft svc_web |
    grep -c '@flows4 goto rs_' | grep -qx 2
}
for v in drain down weight0 empty; do
  for m in dr tun; do
    n="$m-$v"
    cfg "$work/$n-up.json" "$(svc web "$m" 192.168.1.100 '[80]' "$up")"
    cfg "$work/$n.json" "$(svc web "$m" 192.168.1.100 '[80]' "${none[$v]}")"
    topo_check "$n: validate accepts it" "$lvsnft" validate -c "$work/$n.json"
    topo_check "$n: compile" "$lvsnft" compile -c "$work/$n.json" -o "$work/$n.nft"
    # TUN forwards into per-server ipip devices; nft -c only needs their
    # names to resolve: veth devices stand in (no ipip or dummy module in
    # every kernel).
    bare_ns "$B"
    k=0
    for d in $(grep -o 'lvt-[0-9a-f]*' "$work/$n.nft" | sort -u); do
      ip -n "$B" link add "$d" type veth peer name "lvpeer$((k++))"
    done
    topo_check "$n: nft -c -f accepts the compile output" ip netns exec "$B" nft -c -f "$work/$n.nft"
    [ "$m" = tun ] && continue # apply needs real ipip devices (VM tier)
    fresh "$A"
    topo_check "$n: fresh apply, diff in sync" apply_in_sync "$A" "$work/$n.json"
    topo_check "$n: fresh apply equals nft -f of compile output" same_as_compile "$A" "$work/$n.json"
    topo_check "$n: new flows are dropped" new_flows_dropped "$A"
    [ "$v" = drain ] && topo_check "$n: drained servers keep established flows" drained_flows_kept "$A"
    fresh "$A"
    topo_check "$n: apply with servers up" apply_in_sync "$A" "$work/$n-up.json"
    topo_check "$n: incremental apply to no server taking new flows" apply_in_sync "$A" "$work/$n.json"
    topo_check "$n: incremental result equals nft -f of compile output" same_as_compile "$A" "$work/$n.json"
    topo_check "$n: and back to servers up" apply_in_sync "$A" "$work/$n-up.json"
    topo_check "$n: back equals nft -f of compile output" same_as_compile "$A" "$work/$n-up.json"
  done
done

topo_summary regress_apply_emptied
