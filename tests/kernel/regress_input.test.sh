#!/usr/bin/env bash
# Input-handling regressions (root, throw-away namespaces): what `validate`
# accepts, `compile | nft -f` loads and `apply` writes identically; what it
# must refuse it refuses with a precise error and nothing reaches the
# kernel.
#   regress_input.test.sh BUILD_DIR SOURCE_DIR [SEED]
set -uo pipefail
build=$1 src=$2 seed=${3:-$RANDOM}
lvsnft=$build/lvsnft
. "$src/tests/lib/topo.sh"
P=$(topo_prefix lvri)
A=$P-a B=$P-b
state=$(mktemp -d)
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  ip netns del "$A" 2>/dev/null
  ip netns del "$B" 2>/dev/null
  rm -rf "$state" "$work"
  topo_cleanup_all 0
}
trap cleanup EXIT

# ns_with NS DEV...: a fresh namespace holding a veth named each DEV.
ns_with() {
  local ns=$1 dev i=0
  shift
  ip netns del "$ns" 2>/dev/null
  ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
  for dev in "$@"; do
    i=$((i + 1))
    ip -n "$ns" link add "$dev" type veth peer name "peer$i" || return 1
    ip -n "$ns" link set "$dev" up || return 1
  done
}
# The ipip devices a compiled ruleset forwards to (veth stand-ins suffice).
tunnels() { sed -n 's/^#   ipip device \([^ ]*\) .*/\1/p' "$1"; }
listing() { ip netns exec "$1" nft list ruleset; }
# expect_err WANT CMD...: CMD fails and its stderr is exactly WANT.
expect_err() {
  local want=$1 rc
  shift
  "$@" >"$work/out" 2>"$work/err"
  rc=$?
  [ $rc -ne 0 ] || { echo "exit status 0"; return 1; }
  [ ! -s "$work/out" ] || { echo "stdout not empty:"; cat "$work/out"; return 1; }
  diff <(printf '%s\n' "$want") "$work/err"
}

# --- 1. -c names a directory, a missing or an unreadable file -------------
mkdir "$work/conf.d"
cp "$src/examples/nat.json" "$work/secret.json"
chmod 600 "$work/secret.json"
topo_check "directory as -c: 'is a directory', exit != 0" \
  expect_err "lvsnft: cannot read $work/conf.d: is a directory" \
  "$lvsnft" validate -c "$work/conf.d"
topo_check "missing file as -c: 'no such file or directory'" \
  expect_err "lvsnft: cannot read $work/none.json: no such file or directory" \
  "$lvsnft" compile -c "$work/none.json"
topo_check "unreadable file as -c: 'permission denied'" \
  expect_err "lvsnft: cannot read $work/secret.json: permission denied" \
  setpriv --reuid=65534 --regid=65534 --clear-groups "$lvsnft" validate -c "$work/secret.json"

# --- 2. NUL inside strings is refused; nothing is compiled or applied ------
printf '%s\n' '{"version": 1, "director": {"interface": "eth0\u0000x"}, "services": [' \
  '{"name": "web", "vip": "192.168.10.100\u0000junk", "ports": [80]}]}' >"$work/nul.json"
nul_err="$work/nul.json:1:42: error: /director/interface: string \"eth0\\u0000x\" holds a NUL character (U+0000), which no config string may contain
$work/nul.json:2:24: error: /services/0/vip: string \"192.168.10.100\\u0000junk\" holds a NUL character (U+0000), which no config string may contain"
topo_check "NUL in vip and interface: located errors from validate" \
  expect_err "$nul_err" "$lvsnft" validate -c "$work/nul.json"
topo_check "NUL: compile writes nothing" expect_err "$nul_err" "$lvsnft" compile -c "$work/nul.json"
ns_with "$A" eth0
topo_check "NUL: apply refuses" expect_err "$nul_err" \
  "$lvsnft" apply -c "$work/nul.json" --netns "$A" --state-dir "$state"
topo_check "NUL: ruleset of the namespace still empty" test -z "$(listing "$A")"

# --- 3. odd interface names: compile | nft -f == apply ---------------------
cat >"$work/odd.json" <<'JSON'
{"version": 1, "director": {"interface": "wëb#1;x"}, "services": [
 {"name": "web", "vip": "192.168.1.100", "ports": [80], "mode": "dr",
  "real_servers": [{"address": "192.168.1.10"}, {"address": "192.168.1.11"}]},
 {"name": "api", "vip": "192.168.1.101", "ports": [443],
  "real_servers": [{"address": "10.1.0.10"}]}]}
JSON
topo_check "odd interface: validate accepts" "$lvsnft" validate -c "$work/odd.json"
"$lvsnft" compile -c "$work/odd.json" -o "$work/odd.nft"
ns_with "$A" "wëb#1;x"
ns_with "$B" "wëb#1;x"
topo_check "odd interface: nft -c -f of compile output" ip netns exec "$B" nft -c -f "$work/odd.nft"
topo_check "odd interface: nft -f of compile output" ip netns exec "$B" nft -f "$work/odd.nft"
topo_check "odd interface: apply" "$lvsnft" apply -c "$work/odd.json" --netns "$A" --state-dir "$state"
topo_check "odd interface: apply lists the same ruleset as nft -f" diff <(listing "$A") <(listing "$B")
topo_check "odd interface: re-apply is in sync" \
  sh -c "'$lvsnft' apply -c '$work/odd.json' --netns $A --state-dir '$state' | grep -q 'already in sync'"

# --- 4. property: every generated config validate accepts, nft loads -------
echo "property seed: $seed (rerun: $0 $build $src $seed)"
count=150
mapfile -t ifaces < <(python3 "$src/tests/kernel/gen_valid_config.py" "$seed" $count "$work")
ns_with "$B" "${ifaces[@]}"
bad=0
for i in $(seq 0 $((count - 1))); do
  cfg=$work/cfg-$i.json out=$work/cfg-$i.nft
  if ! "$lvsnft" validate -c "$cfg" >"$work/log" 2>&1; then
    echo "generator made a config validate rejects: $cfg"; cat "$work/log" "$cfg"; bad=1; continue
  fi
  "$lvsnft" compile -c "$cfg" -o "$out" || { bad=1; continue; }
  for dev in $(tunnels "$out"); do
    ip -n "$B" link show "$dev" >/dev/null 2>&1 ||
      ip -n "$B" link add "$dev" type veth peer name "${dev}p"
  done
  if ! ip netns exec "$B" nft -c -f "$out" >"$work/log" 2>&1; then
    echo "nft -c -f refuses compile output of cfg-$i (seed $seed):"
    head -8 "$work/log"; grep -m1 '"interface"' "$cfg"; bad=1
  fi
done
topo_check "property: $count generated configs validate, compile and pass nft -c -f" test $bad = 0

topo_summary regress_input
