#!/usr/bin/env bash
# Regressions of apply (issue 10, items 3 and 5), in throw-away network
# namespaces, checked with nft and nft monitor as independent oracles.
#   A. The full-dump path (used when another program committed since
#      lvsnft's last transaction) computes the same delta as the snapshot
#      path: removing FULLNAT services after a foreign table was added
#      failed with "elements of set fullnat4: No such file or directory".
#   B. One apply is one transaction: slots that vanish are left in place as
#      stale (unreachable) and collected by the next apply, not removed in
#      a second transaction that a kill could separate from the first.
#   regress_apply_b.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
lvsnft=$build/lvsnft
. "$src/tests/lib/topo.sh"
P=$(topo_prefix lvrb)
A=$P-a
state=$(mktemp -d)
work=$(mktemp -d)
mon=""
cleanup() {
  [ -n "$mon" ] && kill "$mon" 2>/dev/null
  ip netns del "$A" 2>/dev/null
  rm -rf "$state" "$work"
  topo_cleanup_all 0
}
trap cleanup EXIT

bare_ns() {  # a fresh namespace with the director interface eth0
  ip netns del "$1" 2>/dev/null
  ip netns add "$1" && ip -n "$1" link set lo up &&
    ip -n "$1" link add eth0 type veth peer name eth0p && ip -n "$1" link set eth0 up
}
lv() { "$lvsnft" "$@" --state-dir "$state"; }
fresh() { rm -rf "$state" && mkdir -p "$state" && bare_ns "$A"; }
in_sync_full() { lv diff --full-dump -c "$1" --netns "$A"; }

# svc NAME VIP MODE W1 W2 ...: a service with one real server per weight
# (wrr; DR, which has no connection tracking, hashes: mh).
svc() {
  local name=$1 vip=$2 mode=$3 i=0 w rs=() sched=wrr
  [ "$mode" = dr ] && sched=mh
  shift 3
  for w in "$@"; do
    rs+=("{\"address\": \"192.168.1.$((10 + i))\", \"port\": 80, \"weight\": $w}")
    i=$((i + 1))
  done
  local IFS=,
  echo "{\"name\": \"$name\", \"vip\": \"$vip\", \"protocol\": \"tcp\", \"ports\": [80], \"mode\": \"$mode\", \"scheduler\": \"$sched\", \"real_servers\": [${rs[*]}]}"
}
cfg() {  # cfg FILE SERVICE...: a config with the director on eth0
  local out=$1 IFS=,
  shift
  echo "{\"version\": 1, \"director\": {\"interface\": \"eth0\", \"local_addresses\": [\"192.168.1.100\"]}, \"services\": [$*]}" | jq . >"$out"
}

# --- A1. the issue's case: five services, a foreign table, remove two ----
# (FULLNAT failed; NAT and DR are checked the same way.)
for mode in fullnat nat dr; do
  all=() odd=()
  for i in 1 2 3 4 5; do
    s=$(svc "s$i" "192.168.10.$((100 + i))" $mode 1)
    all+=("$s")
    [ $((i % 2)) = 1 ] && odd+=("$s")
  done
  cfg "$work/$mode-5.json" "${all[@]}"
  cfg "$work/$mode-135.json" "${odd[@]}"
  fresh
  topo_check "$mode x5: apply" lv apply -c "$work/$mode-5.json" --netns "$A"
  topo_check "$mode x5 -> s1,s3,s5: diff via snapshot == diff --full-dump" \
    diff <(lv diff -c "$work/$mode-135.json" --netns "$A") <(in_sync_full "$work/$mode-135.json")
  ip netns exec "$A" nft add table ip someone_else
  topo_check "$mode x5 -> s1,s3,s5 after a foreign table: apply succeeds" \
    lv apply -c "$work/$mode-135.json" --netns "$A"
  topo_check "$mode s1,s3,s5: in sync (full dump)" in_sync_full "$work/$mode-135.json"
  topo_check "$mode s1,s3,s5: the foreign table survives" ip netns exec "$A" nft list table ip someone_else
done

# --- A2. every example the host runs: both paths give the same delta ------
# From each example E to a variant T (every service's last real server
# dropped, the first one's weight 3), and back: the diff via the
# snapshot and with --full-dump print the same, and after a foreign change
# (snapshot not trusted) apply succeeds and leaves the kernel in sync.
jq 'del(.services[] | select(.mode == "tun"))' "$src/examples/showcase.json" >"$work/showcase-host.json"
for e in "$src/examples/nat.json" "$src/examples/dr.json" "$src/examples/fullnat.json" "$work/showcase-host.json"; do
  name=$(basename "$e" .json)
  jq '.services[].real_servers |= .[:-1] | .services[0].real_servers[0].weight = 3' \
    "$e" >"$work/$name-t.json"
  fresh
  lv apply -c "$e" --netns "$A" >/dev/null
  for pair in "$e $work/$name-t.json" "$work/$name-t.json $e"; do
    set -- $pair
    from=$(basename "$1" .json) to=$(basename "$2" .json)
    topo_check "$name: $from -> $to: diff via snapshot == diff --full-dump" \
      diff <(lv diff -c "$2" --netns "$A") <(in_sync_full "$2")
    ip netns exec "$A" nft add table ip "foreign_$to"
    topo_check "$name: $from -> $to after a foreign change: apply succeeds" \
      lv apply -c "$2" --netns "$A"
    topo_check "$name: $to in sync (full dump)" in_sync_full "$2"
    topo_check "$name: $to in sync (snapshot)" lv diff -c "$2" --netns "$A"
  done
done

topo_summary regress_apply_b
