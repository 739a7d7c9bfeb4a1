#!/usr/bin/env bash
# apply / diff / status / destroy against the host kernel, in throw-away
# network namespaces, checked with nft and ip as independent oracles.
#   apply.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
lvsnft=$build/lvsnft
lvtest=$build/lvsnft-test  # lvsnft plus --test-fault / --test-hold
. "$src/tests/lib/topo.sh"
TOPO_ECHO=$build/lvsnft_echo
P=$(topo_prefix lvap)
A=$P-a B=$P-b
state=$(mktemp -d)
work=$(mktemp -d)
cleanup() {
  ip netns del "$A" 2>/dev/null
  ip netns del "$B" 2>/dev/null
  rm -rf "$state" "$work"
  topo_cleanup_all 0
}
trap cleanup EXIT

bare_ns() { topo_director_ns "$1"; }
lv() { "$lvsnft" "$@" --state-dir "$state"; }
# Ruleset listing without handles (they differ between two loads).
norm_json() { ip netns exec "$1" nft -j list ruleset | jq -S 'del(.nftables[0]) | walk(if type == "object" then del(.handle) else . end)'; }
listing() { ip netns exec "$1" nft list ruleset; }
lists_ok() { ip netns exec "$1" nft list ruleset >/dev/null && ip netns exec "$1" nft -j list ruleset >/dev/null; }

# --- A. apply == nft -f of compile, for each example the host kernel runs --
jq 'del(.services[] | select(.mode == "tun"))' "$src/examples/showcase.json" >"$work/showcase-host.json"
for cfg in "$src/examples/nat.json" "$src/examples/dr.json" "$src/examples/fullnat.json" "$work/showcase-host.json"; do
  name=$(basename "$cfg" .json)
  rm -rf "$state"; mkdir -p "$state"
  bare_ns "$A"; bare_ns "$B"
  topo_check "$name: apply succeeds" lv apply -c "$cfg" --netns "$A"
  topo_check "$name: nft list / nft -j list succeed after apply" lists_ok "$A"
  "$lvsnft" compile -c "$cfg" -o "$work/$name.nft"
  topo_check "$name: nft -f of compile output loads" ip netns exec "$B" nft -f "$work/$name.nft"
  topo_check "$name: same nft -j list ruleset as nft -f of compile" \
    diff <(norm_json "$A") <(norm_json "$B")
  topo_check "$name: same nft list ruleset text" diff <(listing "$A") <(listing "$B")
  topo_check "$name: re-apply changes nothing" sh -c "'$lvsnft' apply -c '$cfg' --netns $A --state-dir '$state' | grep -q 'already in sync'"
  topo_check "$name: diff exits 0 when in sync" lv diff -c "$cfg" --netns "$A"
  topo_check "$name: destroy" lv destroy --netns "$A"
  topo_check "$name: nothing of lvsnft left" sh -c "! ip netns exec $A nft list tables | grep -q lvsnft"
  topo_check "$name: destroy is idempotent" sh -c "'$lvsnft' destroy --netns $A --state-dir '$state' | grep -q 'nothing to remove'"
done

# --- B. invalid input never reaches the kernel ----------------------------
rm -rf "$state"; mkdir -p "$state"; bare_ns "$A"
lv apply -c "$src/examples/nat.json" --netns "$A" >/dev/null
before=$(listing "$A")
echo '{"version": 1, "services": [{"name": "x", "vip": "10.0.0.1", "ports": [80], "mode": "dr", "scheduler": "rr"}]}' >"$work/bad.json"
topo_check "invalid config: apply exits 1" topo_not lv apply -c "$work/bad.json" --netns "$A"
topo_check "invalid config: ruleset untouched" test "$before" = "$(listing "$A")"
# A warning (every real server down) is refused under --strict (exit 1,
# nothing written); without it the warning is printed and carried by JSON.
jq '.services[0].real_servers |= map(.state = "down")' "$src/examples/nat.json" >"$work/warn.json"
topo_check "--strict: a warning makes apply exit 1" sh -c \
  "'$lvsnft' apply --strict -c '$work/warn.json' --netns $A --state-dir '$state' 2>'$work/strict.err'; test \$? = 1"
topo_check "--strict: the warning is printed as an error" \
  grep -q "error: /services/0: no real server of service \"web\" takes new connections" "$work/strict.err"
topo_check "--strict: ruleset untouched" test "$before" = "$(listing "$A")"
topo_check "apply --dry-run --output json carries the warning" sh -c \
  "'$lvsnft' apply --dry-run --output json -c '$work/warn.json' --netns $A --state-dir '$state' 2>/dev/null | jq -e '.warnings | length == 1 and (.[0] | test(\"warning: /services/0: no real server\"))'"

# --- C. fault injection: the transaction fails as a whole, 100 times -------
jq '.services[0].real_servers[1].weight = 5' "$src/examples/nat.json" >"$work/nat-w5.json"
before=$(listing "$A"); before_json=$(ip netns exec "$A" nft -j list ruleset)
fails=0
for i in $(seq 100); do
  if "$lvtest" --test-fault batch apply -c "$work/nat-w5.json" --netns "$A" --state-dir "$state" >/dev/null 2>"$work/err"; then fails=$((fails + 1)); fi
  [ "$before" = "$(listing "$A")" ] || fails=$((fails + 1))
done
topo_check "fault injection: 100 failed transactions, ruleset byte-identical each time" test $fails = 0
topo_check "fault injection: JSON listing identical too" test "$before_json" = "$(ip netns exec "$A" nft -j list ruleset)"
topo_check "fault injection: the error names the object" grep -q "lvsnft-fault-injection" "$work/err"

# --- D. foreign tables stay byte-identical --------------------------------
topo_check "foreign tables created" ip netns exec "$A" nft -f - <<'EOF'
table inet fw {
  set allowed {
    type ipv4_addr
    elements = { 10.1.1.1, 10.1.1.2 }
  }
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 22 ip saddr @allowed counter accept
  }
}
table ip lvsnft_not_ours {
  chain c {
    counter
  }
}
EOF
fw() { ip netns exec "$A" nft list table inet fw; ip netns exec "$A" nft -j list table inet fw; ip netns exec "$A" nft list table ip lvsnft_not_ours; }
fw_before=$(fw)
topo_check "foreign tables listed" test -n "$fw_before"
lv apply -c "$work/nat-w5.json" --netns "$A" >/dev/null
topo_check "foreign tables identical after apply" test "$fw_before" = "$(fw)"
lv apply -c "$src/examples/nat.json" --netns "$A" >/dev/null
topo_check "foreign tables identical after re-apply" test "$fw_before" = "$(fw)"
lv destroy --netns "$A" >/dev/null
topo_check "foreign tables identical after destroy" test "$fw_before" = "$(fw)"
ip netns exec "$A" nft add table inet lvsnft '{ comment "someone else" ; }'
topo_check "a foreign table named lvsnft is refused" topo_not lv apply -c "$src/examples/nat.json" --netns "$A"
ip netns exec "$A" nft delete table inet lvsnft

# --- E. concurrent writer between read and commit -------------------------
lv apply -c "$src/examples/nat.json" --netns "$A" >/dev/null
hold=$work/hold
"$lvtest" --test-hold "$hold" apply -c "$work/nat-w5.json" --netns "$A" --state-dir "$state" >"$work/conc.out" 2>&1 &
pid=$!
topo_wait_file "$hold" 10
ip netns exec "$A" nft add rule inet lvsnft svc_web counter
ip netns exec "$A" nft add table inet other
rm -f "$hold"
wait $pid; rc=$?
topo_check "concurrent writer: apply still succeeds" test $rc = 0
topo_check "concurrent writer: detected by the generation id (2 attempts)" grep -q "2 attempts" "$work/conc.out"
topo_check "concurrent writer: the result is consistent (diff in sync)" lv diff -c "$work/nat-w5.json" --netns "$A"
topo_check "concurrent writer: the other writer's table survives" ip netns exec "$A" nft list table inet other

# --- F. hand edits show up in diff and are repaired -----------------------
ip netns exec "$A" nft flush chain inet lvsnft svc_web
out=$(lv diff -c "$work/nat-w5.json" --netns "$A"); rc=$?
topo_check "hand-deleted rule: diff exits 2" test $rc = 2
topo_check "hand-deleted rule: diff names the service" grep -q "service web" <<<"$out"
ip netns exec "$A" nft add element inet lvsnft be4 '{ 0x00000007 : 10.9.9.9 }'
out=$(lv diff -c "$work/nat-w5.json" --netns "$A")
# A slot no rule reaches is harmless: diff names it as stale, not pending.
topo_check "hand-added slot element: diff shows it as stale" grep -qx "stale slots awaiting collection: 1 .*" <<<"$out"
lv apply -c "$work/nat-w5.json" --netns "$A" >/dev/null
topo_check "apply repairs hand edits (and collects the slot)" \
  sh -c "'$lvsnft' diff -c '$work/nat-w5.json' --netns $A --state-dir '$state' | grep -qx 'in sync'"

# --- G. 10k services x 10 real servers in one transaction -----------------
"$build/lvsnft_gen" --services 10000 --reals 10 --mode mixed --table-size 31 >"$work/big.json"
rm -rf "$state"; mkdir -p "$state"; bare_ns "$B"
out=$(lv apply -c "$work/big.json" --netns "$B" 2>&1); rc=$?
topo_check "10k services: apply succeeds" test $rc = 0
topo_check "10k services: one transaction" grep -q "in 1 transaction" <<<"$out"
topo_check "10k services: nft list / -j list succeed" lists_ok "$B"
topo_check "10k services: in sync afterwards" lv diff -c "$work/big.json" --netns "$B"
topo_check "10k services: in sync with --full-dump too" lv diff --full-dump -c "$work/big.json" --netns "$B"

# --- H. the snapshot stands in for a dump only in its own ruleset ---------
# State files are named after the namespace, and a namespace deleted and
# created again under the same name (or the host after a reboot) starts its
# generation id over: after k = 0..3 transactions of its own it equals the
# id lvsnft remembers once. The snapshot must not be trusted then (boot id
# + namespace cookie), or diff would call a ruleset without lvsnft in sync.
rm -rf "$state"; mkdir -p "$state"; bare_ns "$A"
lv apply -c "$src/examples/nat.json" --netns "$A" >/dev/null
remembered=$(tail -n +2 "$state/director-$A.json" | jq .genid)
topo_check "snapshot: diff in sync in the namespace it came from" lv diff -c "$src/examples/nat.json" --netns "$A"
topo_check "config on stdin (-c -): diff in sync" sh -c "'$lvsnft' diff -c - --netns $A --state-dir '$state' <'$src/examples/nat.json'"
topo_check "config on stdin (-c -): apply finds nothing to do" sh -c "'$lvsnft' apply -c - --netns $A --state-dir '$state' <'$src/examples/nat.json' | grep -q 'already in sync'"
bare_ns "$A"  # same name, new namespace
nft_pending() {  # diff exits 2 here (host changes too): judge the nft part
  local out
  out=$(lv diff -c "$src/examples/nat.json" --netns "$1" --output json)
  jq -e '.nft_changes > 0' >/dev/null <<<"$out"
}
trusted=0
for k in 0 1 2 3; do
  nft_pending "$A" || trusted=$((trusted + 1))
  ip netns exec "$A" nft add table ip lvsnft_probe$k
done
topo_check "snapshot: a recreated namespace (generation id $remembered reached again) shows every table missing" test $trusted = 0

topo_summary apply
