#!/usr/bin/env bash
# Regressions of the kernel's share of apply (issue 14): the transaction
# must not make the kernel do work that `nft -f` of the same objects does
# not. Checked in throw-away namespaces with nft monitor and strace.
#   A. Elements of a set the batch creates come after the rules: a rule
#      that binds a map makes the kernel walk every element already in it
#      (nf_tables_bind_set), so elements sent first were walked once per
#      binding chain (NAT 10k×10: 220k elements, ~60 perf samples).
#   B. No NLM_F_ACK on every message: the kernel built one ACK skb per
#      message and lvsnft read them one recvfrom each (20k at NAT 10k×10);
#      errors come without the flag, so a committed batch answers nothing.
#   regress_batch_kernel_work.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
lvsnft=$build/lvsnft
. "$src/tests/lib/topo.sh"
command -v strace >/dev/null || { echo "SKIP: strace missing"; exit 77; }
A=$(topo_prefix lvbk)-a
work=$(mktemp -d) # configs, traces; state/: lvsnft's state directory
state=$work/state
mon="" # pid of nft monitor while it runs
trap '[ -n "$mon" ] && kill $mon; ip netns del "$A" 2>/dev/null; rm -rf "$work"' EXIT

lv() { "$lvsnft" "$@" --state-dir "$state"; }
fresh() { rm -rf "$state" && mkdir -p "$state" && topo_director_ns "$A"; }

# cfg FILE N: N NAT services (port 80 -> 8080: be4 and bep) of 3 servers.
cfg() {
  local out=$1 n=$2 i s=()
  for ((i = 1; i <= n; i++)); do
    s+=("{\"name\": \"s$i\", \"vip\": \"10.7.$((i / 200)).$((i % 200 + 1))\", \"protocol\": \"tcp\", \"ports\": [80], \"mode\": \"nat\", \"scheduler\": \"wrr\", \"real_servers\": [{\"address\": \"192.168.1.10\", \"port\": 8080}, {\"address\": \"192.168.1.11\", \"port\": 8080}, {\"address\": \"192.168.1.12\", \"port\": 8080}]}")
  done
  local IFS=,
  echo "{\"version\": 1, \"director\": {\"interface\": \"eth0\", \"local_addresses\": [\"192.168.1.100\"]}, \"services\": [${s[*]}]}" >"$out"
}
count() {  # count SET: elements of map SET in the kernel
  ip netns exec "$A" nft -j list map inet lvsnft "$1" |
    jq '[.nftables[] | .map? | select(.) | .elem[]?] | length'
}

# --- A. element messages after the rules that bind their sets ----------
cfg "$work/c40.json" 40
cfg "$work/c41.json" 41
fresh
ip netns exec "$A" nft monitor >"$work/mon" 2>&1 &
mon=$!
sleep 0.3
lv apply -c "$work/c40.json" --netns "$A" >/dev/null
topo_check "fresh apply of 40 services succeeds" test $? = 0
sleep 0.3
kill "$mon"; wait "$mon" 2>/dev/null; mon=""
# nft monitor prints the transaction's objects in batch order.
last_rule=$(grep -n '^add rule ' "$work/mon" | tail -1 | cut -d: -f1)
first_elem=$(grep -n '^add element ' "$work/mon" | head -1 | cut -d: -f1)
topo_check "nft monitor saw rules ($last_rule) and elements ($first_elem)" \
  test -n "$last_rule" -a -n "$first_elem"
topo_check "every element of the new maps comes after the last rule" \
  test "${first_elem:-0}" -gt "${last_rule:-0}"
topo_check "all elements are in (svc4 40, be4 120, bep 120)" \
  test "$(count svc4) $(count be4) $(count bep)" = "40 120 120"
lv apply -c "$work/c41.json" --netns "$A" >/dev/null
topo_check "incremental apply (existing maps) succeeds" test $? = 0
topo_check "elements of the added service are in (svc4 41, be4 123)" \
  test "$(count svc4) $(count be4)" = "41 123"
topo_check "in sync (full dump)" \
  sh -c "'$lvsnft' diff --full-dump -c '$work/c41.json' --netns $A --state-dir '$state' | grep -qx 'in sync'"

# --- B. a committed batch gets no reply per message --------------------
fresh
ip netns exec "$A" strace -f -e trace=sendmsg,recvfrom -o "$work/trace" \
  "$lvsnft" apply -c "$work/c40.json" --state-dir "$state" >/dev/null
topo_check "fresh apply under strace succeeds" test $? = 0
# Replies read after the batch's sendmsg (the last one), other than the
# final EAGAIN that says the queue is empty.
replies=$(awk '/sendmsg\(/ {n = 0} /recvfrom\(/ && !/EAGAIN/ {n++} END {print n + 0}' "$work/trace")
msgs=$(grep -c 'sendmsg(' "$work/trace")
topo_check "the batch was sent in one sendmsg ($msgs)" test "$msgs" = 1
topo_check "no per-message ACKs read after the batch (replies: $replies)" test "$replies" = 0
topo_check "the kernel holds the ruleset (svc4 40)" test "$(count svc4)" = 40

topo_summary regress_batch_kernel_work
