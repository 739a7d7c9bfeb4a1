#!/usr/bin/env bash
# Regressions (issue 10) around what lvsnft remembers between runs, checked
# against the kernel with nft and ip as independent oracles:
#   A. a damaged/truncated/foreign snapshot or state file is reported and
#      ignored (the kernel dump is the truth), never trusted;
#   B. destroy removes lvsnft's VIPs and tables even with the state dir
#      lost or corrupt, and leaves foreign addresses alone;
#   C. status takes each service's mode from the kernel, not from the
#      remembered config file;
#   D. a FULLNAT local address on no interface is refused at apply time.
#   regress_state.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
lvsnft=$build/lvsnft
. "$src/tests/lib/topo.sh"
P=$(topo_prefix lvrs)
A=$P-a
state=$(mktemp -d)
work=$(mktemp -d)
cleanup() {
  ip netns del "$A" 2>/dev/null
  rm -rf "$state" "$work"
  topo_cleanup_all 0
}
trap cleanup EXIT

bare_ns() { topo_bare_ns "$1"; }
lv() { "$lvsnft" "$@" --state-dir "$state"; }
nat=$src/examples/nat.json
snap=$state/director-$A.snapshot
sfile=$state/director-$A.json
cfile=$state/director-$A.config
has_addr() { ip -n "$A" -j addr show dev "$2" | jq -e --arg a "$1" '[.[].addr_info[].local] | index($a) != null' >/dev/null; }
lvsnft_tables() { ip netns exec "$A" nft list tables | grep -c lvsnft; }
# overwrite FILE OFFSET: 4 bytes "ZZZZ" at OFFSET, size unchanged.
overwrite() { printf 'ZZZZ' | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

# Runs diff and apply with a damaged file in place: diff must say in sync
# (exit 0) and warn in one line naming the file, apply must keep working.
damaged_ok() {  # DESC FILE
  local desc=$1 file=$2 rc
  lv diff -c "$nat" --netns "$A" >"$work/out" 2>"$work/err"; rc=$?
  topo_check "$desc: diff exits 0 (kernel in sync)" test $rc = 0
  topo_check "$desc: one warning line naming $(basename "$file")" \
    test "$(grep -c "warning: $file: " "$work/err")" = 1
  topo_check "$desc: apply keeps working" lv apply -c "$nat" --netns "$A"
  topo_check "$desc: in sync after apply (full dump)" lv diff --full-dump -c "$nat" --netns "$A"
  topo_check "$desc: in sync after apply (snapshot)" lv diff -c "$nat" --netns "$A"
}

# --- A. damaged snapshot and state files -----------------------------------
rm -rf "$state"; mkdir -p "$state"; bare_ns "$A"
topo_check "apply nat" lv apply -c "$nat" --netns "$A"
size=$(stat -c %s "$snap")
for off in 0 3 8 20 40 $((size / 3)) $((size / 2)) $((size - 40)) $((size - 4)); do
  lv apply -c "$nat" --netns "$A" >/dev/null
  overwrite "$snap" "$off"
  damaged_ok "snapshot overwritten at $off of $size" "$snap"
done
lv apply -c "$nat" --netns "$A" >/dev/null
truncate -s $((size / 2)) "$snap"; damaged_ok "snapshot truncated" "$snap"
: >"$snap"; damaged_ok "snapshot empty" "$snap"
sed -i '1s/ v[0-9]* / v999 /' "$snap"; lv apply -c "$nat" --netns "$A" >/dev/null
sed -i '1s/ v[0-9]* / v999 /' "$snap"; damaged_ok "snapshot of another format version" "$snap"
printf 'lvsnap01\0\0\0\0' >"$snap"; damaged_ok "snapshot of an old format" "$snap"
ssize=$(stat -c %s "$sfile")
for off in 0 5 $((ssize / 2)) $((ssize - 6)); do
  lv apply -c "$nat" --netns "$A" >/dev/null
  overwrite "$sfile" "$off"
  damaged_ok "state file overwritten at $off of $ssize" "$sfile"
done
printf '{"version": 1, "genid": 3, "addresses": [], "tunnels": [], "sysctl_before": {}}\n' >"$sfile"
damaged_ok "state file of an old format" "$sfile"

# --- B. destroy without (trustworthy) state --------------------------------
destroy_case() {  # DESC: state already damaged or removed by the caller
  local desc=$1 out rc
  out=$(lv destroy --netns "$A" 2>"$work/err"); rc=$?
  topo_check "$desc: destroy exits 0" test $rc = 0
  topo_check "$desc: the VIP is gone (ip -j addr)" topo_not has_addr 192.168.10.100 eth0
  topo_check "$desc: lvsnft's tables are gone" test "$(lvsnft_tables)" = 0
  topo_check "$desc: foreign address on eth0 kept" has_addr 10.77.0.1 eth0
  topo_check "$desc: foreign /32 on eth0 kept" has_addr 192.168.10.200 eth0
  topo_check "$desc: report names the removed VIP" grep -q -- "- address 192.168.10.100/32 on eth0" <<<"$out"
  topo_check "$desc: report says ip_forward was left, old value unknown" \
    grep -q "net.ipv4.ip_forward.*left as it is" <<<"$out"
  topo_check "$desc: destroy again: nothing to remove" sh -c "'$lvsnft' destroy --netns $A --state-dir '$state' | grep -q 'nothing to remove'"
}
for how in lost corrupt; do
  rm -rf "$state"; mkdir -p "$state"; bare_ns "$A"
  ip -n "$A" addr add 10.77.0.1/24 dev eth0
  ip -n "$A" addr add 192.168.10.200/32 dev eth0
  lv apply -c "$nat" --netns "$A" >/dev/null
  topo_check "destroy, state $how: VIP present after apply" has_addr 192.168.10.100 eth0
  if [ $how = lost ]; then rm -rf "$state"; else overwrite "$sfile" 30; fi
  destroy_case "destroy, state $how"
done

# --- C. status shows the kernel's mode -------------------------------------
rm -rf "$state"; mkdir -p "$state"; bare_ns "$A"
ip -n "$A" addr add 192.168.1.100/24 dev eth0
mode_of_web() { lv status --netns "$A" --output json | jq -r '.services[] | select(.name == "web") | .mode'; }
lv apply -c "$nat" --netns "$A" >/dev/null
topo_check "status: nat after applying nat" test "$(mode_of_web)" = nat
sed -i 's/"nat"/"fullnat"/' "$cfile"
topo_check "status: remembered config edited to fullnat: still nat (kernel)" test "$(mode_of_web)" = nat
lv apply -c "$src/examples/fullnat.json" --netns "$A" >/dev/null
topo_check "status: fullnat after applying fullnat" test "$(mode_of_web)" = fullnat
"$lvsnft" compile -c "$nat" -o "$work/nat.nft"
ip netns exec "$A" nft -f "$work/nat.nft"
topo_check "status: kernel replaced by nat ruleset behind lvsnft's back: nat" test "$(mode_of_web)" = nat

# --- D. FULLNAT local address on no interface ------------------------------
rm -rf "$state"; mkdir -p "$state"; bare_ns "$A"
jq '.director.local_addresses = ["192.168.1.100", "192.168.1.101"]' "$src/examples/fullnat.json" >"$work/fn2.json"
ip -n "$A" addr add 192.168.1.100/24 dev eth0
before=$(ip netns exec "$A" nft list ruleset; ip -n "$A" -j addr)
lv apply -c "$work/fn2.json" --netns "$A" >"$work/out" 2>"$work/err"; rc=$?
topo_check "fullnat missing local address: apply exits 1" test $rc = 1
topo_check "fullnat missing local address: exact error" test "$(cat "$work/err")" = \
  "$work/fn2.json:7:7: error: /director/local_addresses/1: local address 192.168.1.101 is on no interface of the director; FULLNAT would source-NAT to it and no reply would come back (add it to an interface first; lvsnft does not add local addresses)"
topo_check "fullnat missing local address: kernel untouched" test "$before" = "$(ip netns exec "$A" nft list ruleset; ip -n "$A" -j addr)"
ip -n "$A" addr add 192.168.1.101/24 dev eth0
topo_check "fullnat local addresses present: apply succeeds" lv apply -c "$work/fn2.json" --netns "$A"

topo_summary regress_state
