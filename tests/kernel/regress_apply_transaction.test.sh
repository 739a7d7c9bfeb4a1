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
#   regress_apply_transaction.test.sh BUILD_DIR SOURCE_DIR
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

bare_ns() { topo_director_ns "$1"; }
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

# --- B. one apply is one transaction: weights 1:5:1 -> 1:1:1 -------------
# Four slots vanish. They stay as stale (a packet still running the old
# rule may pick one) and the next apply collects them; nft monitor counts
# the generations each apply commits.
cfg "$work/w151.json" "$(svc web 192.168.10.100 nat 1 5 1)"
cfg "$work/w111.json" "$(svc web 192.168.10.100 nat 1 1 1)"
be4_size() {
  ip netns exec "$A" nft -j list map inet lvsnft be4 |
    jq '[.nftables[] | .map? | select(.) | .elem[]?] | length'
}
monitored_apply() {  # monitored_apply CONFIG: JSON report in $work/report
  ip netns exec "$A" nft monitor >"$work/mon" 2>&1 &
  mon=$!
  sleep 0.3
  lv apply -c "$1" --netns "$A" --json >"$work/report"
  sleep 0.3
  kill "$mon"; wait "$mon" 2>/dev/null; mon=""
  grep -c '^# new generation' "$work/mon"
}
fresh
lv apply -c "$work/w151.json" --netns "$A" >/dev/null
topo_check "weights 1:5:1: 7 slots" test "$(be4_size)" = 7
gens=$(monitored_apply "$work/w111.json")
topo_check "1:5:1 -> 1:1:1: exactly one transaction (nft monitor: $gens)" test "$gens" = 1
topo_check "1:5:1 -> 1:1:1: report says 1 transaction, 1 attempt, 4 stale slots" \
  jq -e '.transactions == 1 and .attempts == 1 and .stale_slots == 4' "$work/report"
topo_check "1:5:1 -> 1:1:1: the 4 vanished slots stay (stale)" test "$(be4_size)" = 7
for how in "" --full-dump; do
  out=$(lv diff $how -c "$work/w111.json" --netns "$A"); rc=$?
  topo_check "diff $how: exit 0 with only stale slots left" test $rc = 0
  topo_check "diff $how: names them" grep -qx "stale slots awaiting collection: 4 (unreachable; the next apply removes them)" <<<"$out"
done
topo_check "diff --full-dump: the weights are in the kernel (w151 pending)" \
  topo_not lv diff --full-dump -c "$work/w151.json" --netns "$A"
topo_check "status names the stale slots" \
  sh -c "'$lvsnft' status --netns $A --state-dir '$state' | grep -q 'stale slots awaiting collection: 4'"
gens=$(monitored_apply "$work/w111.json")
topo_check "next apply collects them in one transaction (nft monitor: $gens)" test "$gens" = 1
topo_check "next apply: report lists the collection" \
  jq -e '.stale_slots == 0 and ([.changes[].what] | index("be4: 4 stale slots collected"))' "$work/report"
topo_check "next apply: 3 slots left" test "$(be4_size)" = 3
topo_check "in sync, nothing stale (full dump)" sh -c "'$lvsnft' diff --full-dump -c '$work/w111.json' --netns $A --state-dir '$state' | grep -qx 'in sync'"
topo_check "an apply with nothing to do commits nothing" test "$(monitored_apply "$work/w111.json")" = 0

topo_summary regress_apply_transaction
