#!/bin/bash
# Kernel test: `lvsnft rs-setup` on a real kernel, in throw-away network
# namespaces (DR IPv4 + IPv6, --check/drift, idempotence, --dry-run,
# --undo exactness, rollback on a kernel error, error texts, NAT route
# check, missing ipip module, --state-dir, --output json). Oracles: ip(8), /proc/sys read inside the
# namespace, ping/neighbour state from a peer namespace.
#   rs_setup.test.sh BUILD_DIR SOURCE_DIR       (root)
set -uo pipefail
BUILD=$1
LVSNFT=$BUILD/lvsnft
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root"; exit 1; }

TAG=lvhs$$
RS=${TAG}rs
PEER=${TAG}pe
T=$(mktemp -d /tmp/lvhs-rs.XXXXXX)
chmod 755 "$T"  # the unprivileged run below reads the config
cleanup() {
  ip netns del "$RS" 2>/dev/null
  ip netns del "$PEER" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
expect_eq() {  # GOT WANT WHAT
  if [ "$1" == "$2" ]; then pass "$3"; else fail "$3: got '$1', want '$2'"; fi
}
expect_in() {  # HAYSTACK NEEDLE WHAT
  if grep -qF -- "$2" <<<"$1"; then pass "$3"; else
    fail "$3: '$2' not in output:"; sed 's/^/    /' <<<"$1"; fi
}
in_rs() { ip netns exec "$RS" "$@"; }
conf() { in_rs cat "/proc/sys/net/ipv4/conf/$1"; }
addrs() { ip -n "$RS" -o addr show | awk '{print $2, $4}' | sort; }
sysctls() {
  for p in all/arp_ignore all/arp_announce e0/arp_ignore e0/arp_announce \
           lo/arp_ignore all/rp_filter; do echo "$p=$(conf $p)"; done
}
# rs-setup in the RS namespace; sets OUT, ERR, RC.
run() {
  OUT=$("$LVSNFT" rs-setup --netns "$RS" --state "$T/state.json" "$@" \
        2>"$T/err"); RC=$?
  ERR=$(cat "$T/err")
}

# --- topology: RS (e0 192.168.1.10/24, 2001:db8::10/64) <-> PEER (.2) ---
ip netns add "$RS" && ip netns add "$PEER" || exit 1
ip -n "$RS" link add e0 type veth peer name e0 netns "$PEER"
for n in "$RS" "$PEER"; do ip -n "$n" link set lo up; ip -n "$n" link set e0 up; done
ip -n "$RS" addr add 192.168.1.10/24 dev e0
ip -n "$RS" addr add 2001:db8::10/64 dev e0 nodad
ip -n "$PEER" addr add 192.168.1.2/24 dev e0
ip -n "$PEER" addr add 2001:db8::2/64 dev e0 nodad
ip -n "$RS" route add default via 192.168.1.1
in_rs sh -c 'echo 1 > /proc/sys/net/ipv4/conf/e0/arp_announce'  # not default

cat >"$T/dr.json" <<'EOF'
{ "version": 1, "director": { "interface": "eth0" },
  "services": [
    { "name": "web", "vip": "192.168.1.100", "protocol": "tcp", "ports": [80],
      "mode": "dr", "scheduler": "mh",
      "real_servers": [ { "address": "192.168.1.10" }, { "address": "192.168.1.11" } ] },
    { "name": "web6", "vip": "2001:db8::100", "protocol": "tcp", "ports": [80],
      "mode": "dr", "scheduler": "sh",
      "real_servers": [ { "address": "2001:db8::10" } ] },
    { "name": "full", "vip": "192.168.10.101", "protocol": "tcp", "ports": [80],
      "mode": "fullnat", "real_servers": [ { "address": "192.168.1.10", "port": 8080 } ] } ] }
EOF

# Control for the ARP oracle below: without the sysctls, a VIP on lo IS
# answered for on e0.
ip -n "$PEER" route add 192.168.1.100/32 dev e0
ping_peer() { ip netns exec "$PEER" ping -c1 -W1 "$@" >/dev/null 2>&1; }
ip -n "$RS" addr add 192.168.1.100/32 dev lo
ping_peer 192.168.1.100 && pass "control: VIP answered without arp sysctls" ||
  fail "control: VIP on lo not answered without arp sysctls"
ip -n "$RS" addr del 192.168.1.100/32 dev lo
ip -n "$PEER" neigh flush dev e0

ADDRS0=$(addrs)
SYS0=$(sysctls)
HOST_IGN=$(cat /proc/sys/net/ipv4/conf/all/arp_ignore)

# --- dry run changes nothing ---
run -c "$T/dr.json" --dry-run
expect_eq "$RC" 0 "dry-run exit code"
expect_in "$OUT" "would add 192.168.1.100/32 to lo" "dry-run lists the VIP"
expect_in "$OUT" "would set net.ipv4.conf.e0.arp_announce = 2 (was 1)" "dry-run lists e0 sysctl"
expect_in "$OUT" "dry run: 6 changes would be made; nothing was changed" "dry-run summary"
expect_eq "$(addrs)" "$ADDRS0" "dry-run left addresses alone"
expect_eq "$(sysctls)" "$SYS0" "dry-run left sysctls alone"
[ -e "$T/state.json" ] && fail "dry-run wrote a state file" || pass "dry-run wrote no state"

# --- setup ---
run -c "$T/dr.json"
expect_eq "$RC" 0 "setup exit code"
expect_in "$OUT" "6 changes applied" "setup summary"
expect_in "$OUT" "note: fullnat service full: nothing to set up on this host" "fullnat note"
expect_in "$(ip -n "$RS" -o addr show dev lo)" "inet 192.168.1.100/32" "VIP /32 on lo"
expect_in "$(ip -n "$RS" -o addr show dev lo)" "inet6 2001:db8::100/128" "VIP6 /128 on lo"
expect_eq "$(conf all/arp_ignore) $(conf all/arp_announce)" "1 2" "all: arp_ignore arp_announce"
expect_eq "$(conf e0/arp_ignore) $(conf e0/arp_announce)" "1 2" "e0: arp_ignore arp_announce"
expect_eq "$(cat /proc/sys/net/ipv4/conf/all/arp_ignore)" "$HOST_IGN" "host's own sysctl untouched (per-netns procfs)"
[ -s "$T/state.json" ] && pass "state file written" || fail "no state file"

# The effect, seen from the peer: no ARP / ND answer for the VIPs.
ping_peer 192.168.1.10 && pass "RS reachable" || fail "RS not reachable from peer"
ping_peer 192.168.1.100 && fail "RS answered ARP for the VIP" || pass "no ARP answer for the VIP"
ping_peer -6 2001:db8::100 && fail "RS answered ND for the VIP6" || pass "no ND answer for the VIP6 (on lo)"

# --- check and idempotence ---
run -c "$T/dr.json" --check
expect_eq "$RC" 0 "check in sync"
ADDRS1=$(addrs); SYS1=$(sysctls)
run -c "$T/dr.json"
expect_eq "$RC" 0 "second run exit code"
expect_in "$OUT" "no changes: the host is already set up" "second run: zero changes"
expect_eq "$(addrs)$(sysctls)" "$ADDRS1$SYS1" "second run changed nothing"

# --- drift by hand ---
in_rs sysctl -qw net.ipv4.conf.all.arp_ignore=0
ip -n "$RS" addr del 2001:db8::100/128 dev lo
run -c "$T/dr.json" --check
expect_eq "$RC" 2 "check after drift"
expect_in "$OUT" "drift: net.ipv4.conf.all.arp_ignore is 0, want 1" "check names the sysctl"
expect_in "$OUT" "drift: 2001:db8::100/128 is missing on lo" "check names the address"
expect_in "$OUT" "2 differences from the desired state" "check counts"
run -c "$T/dr.json"
expect_eq "$RC" 0 "re-run fixes drift"
expect_in "$OUT" "2 changes applied" "re-run applies two changes"
run -c "$T/dr.json" --check
expect_eq "$RC" 0 "in sync after re-run"

# --- undo restores exactly ---
run --undo
expect_eq "$RC" 0 "undo exit code"
expect_eq "$(addrs)" "$ADDRS0" "undo: addresses as before"
expect_eq "$(sysctls)" "$SYS0" "undo: sysctls as before (e0 arp_announce back to 1)"
[ -e "$T/state.json" ] && fail "state file left after undo" || pass "state removed"
run --undo
expect_eq "$RC:$OUT" "0:nothing to undo: no saved state in $T/state.json" "second undo"

# --- undo keeps what it did not add ---
ip -n "$RS" addr add 192.168.1.100/32 dev lo
run -c "$T/dr.json"; run --undo
expect_in "$(ip -n "$RS" -o addr show dev lo)" "inet 192.168.1.100/32" "undo kept a VIP it did not add"
ip -n "$RS" addr del 192.168.1.100/32 dev lo

# --- errors ---
run -c "$T/dr.json" --self 10.9.9.9
expect_eq "$RC:$ERR" "1:lvsnft: rs-setup: no service has a real server at 10.9.9.9" "--self matching nothing"
sed 's/"address": "192.168.1.10" }, { "address": "192.168.1.11" }/"address": "192.168.1.99" }/;s/2001:db8::10"/2001:db8::99"/;s/"192.168.1.10", "port"/"192.168.1.98", "port"/' \
  "$T/dr.json" >"$T/none.json"
run -c "$T/none.json"
expect_eq "$RC:$ERR" "1:lvsnft: rs-setup: this host is not a real server of any service: none of its addresses (192.168.1.10, 2001:db8::10) is a real-server address; name it with --self ADDR" "host matching nothing"
cat >"$T/conflict.json" <<'EOF'
{ "version": 1, "director": { "interface": "eth0" },
  "services": [
    { "name": "web", "vip": "192.168.1.100", "ports": [80], "mode": "dr", "scheduler": "sh",
      "real_servers": [ { "address": "192.168.1.10" } ] },
    { "name": "api", "vip": "192.168.1.100", "ports": [8080], "mode": "nat",
      "real_servers": [ { "address": "192.168.1.10" } ] } ] }
EOF
run -c "$T/conflict.json"
expect_eq "$RC:$ERR" "1:lvsnft: rs-setup: VIP 192.168.1.100 is dr in service web and nat in service api for this host: a VIP cannot be local to a real server (dr, tun) and translated to it (nat, fullnat) at once" "dr/nat conflict"
OUT=$("$LVSNFT" rs-setup -c "$T/dr.json" --netns "${TAG}none" 2>"$T/err"); RC=$?
ERR=$(cat "$T/err")
expect_eq "$RC:$ERR" "1:lvsnft: rs-setup: cannot enter network namespace ${TAG}none: no such namespace (/run/netns/${TAG}none)" "unknown netns"

# Missing ipip module (this host kernel has no CONFIG_NET_IPIP).
sed 's/"mode": "dr", "scheduler": "mh"/"mode": "tun", "scheduler": "mh"/' "$T/dr.json" |
  sed 's/"2001:db8::100"/"2001:db8::100"/' >"$T/tun.json"
if ip -n "$RS" link add "${TAG}ip" type ipip remote 192.0.2.1 2>/dev/null; then
  ip -n "$RS" link del "${TAG}ip"; echo "skip: this kernel has ipip"
else
  run -c "$T/tun.json"
  expect_eq "$RC:$ERR" "1:lvsnft: rs-setup: the ipip kernel module is missing (needed for tun services): cannot create ipip device lvsnft-probe: Operation not supported (Unknown device type)" "missing ipip module"
  expect_eq "$(addrs)$(sysctls)" "$ADDRS0$SYS0" "nothing changed without ipip"
fi

# Permission failure: an unprivileged user inside the namespace.
mkdir -m 777 "$T/nobody"
OUT=$(in_rs setpriv --reuid=65534 --regid=65534 --clear-groups \
      "$LVSNFT" rs-setup -c "$T/dr.json" --state "$T/nobody/s.json" 2>"$T/err"); RC=$?
expect_eq "$RC:$(cat "$T/err")" "1:lvsnft: rs-setup: cannot set net.ipv4.conf.all.arp_ignore = 1: Permission denied; rolled back 0 changes made in this run" "permission failure"
[ -e "$T/nobody/s.json" ] && fail "state left after permission failure" || pass "no state after permission failure"

# Kernel error in the middle: e0/arp_announce read-only (bind mount in a
# private mount namespace) after three sysctls were written.
OUT=$(in_rs unshare -m sh -c '
  f=/proc/sys/net/ipv4/conf/e0/arp_announce
  mount --bind $f $f && mount -o remount,bind,ro $f && exec "$@"' sh \
  "$LVSNFT" rs-setup -c "$T/dr.json" --state "$T/state.json" 2>"$T/err"); RC=$?
expect_eq "$RC:$(cat "$T/err")" "1:lvsnft: rs-setup: cannot set net.ipv4.conf.e0.arp_announce = 2: Read-only file system; rolled back 3 changes made in this run" "mid-run kernel error"
expect_eq "$(addrs)" "$ADDRS0" "rollback: addresses as before"
expect_eq "$(sysctls)" "$SYS0" "rollback: sysctls as before"
[ -e "$T/state.json" ] && fail "state left after rollback" || pass "state restored (none)"

# --- NAT: default route check ---
cat >"$T/nat.json" <<'EOF'
{ "version": 1, "director": { "interface": "eth0" },
  "services": [ { "name": "api", "vip": "192.168.10.100", "ports": [80], "mode": "nat",
      "real_servers": [ { "address": "192.168.1.10", "port": 8080 } ] } ] }
EOF
run -c "$T/nat.json" --director 192.168.1.2
expect_eq "$RC" 0 "nat exit code"
expect_eq "$ERR" "warning: nat service api: the IPv4 default route goes via 192.168.1.1, not via the director (192.168.1.2, from --director): replies would bypass the director and be lost" "nat wrong gateway warning"
expect_in "$OUT" "no changes: the host is already set up" "nat needs no change"
ip -n "$RS" route replace default via 192.168.1.2
run -c "$T/nat.json" --director 192.168.1.2 --check
expect_eq "$RC:$ERR" "0:" "nat route via director: no warning"
expect_in "$OUT" "note: nat service api: no VIP needed; the IPv4 default route goes via the director (192.168.1.2)" "nat ok note"

# --- --state-dir (the state file is rs-setup@NETNS.json in it), --output json ---
rsj() {  # rs-setup with --state-dir; sets OUT, RC
  OUT=$("$LVSNFT" rs-setup --netns "$RS" --state-dir "$T/sd" "$@" 2>"$T/err"); RC=$?
}
mkdir "$T/sd"
rsj -c "$T/dr.json" --output json
expect_eq "$RC" 0 "--state-dir setup exit code"
[ -s "$T/sd/rs-setup@$RS.json" ] && pass "state file in --state-dir" ||
  fail "no $T/sd/rs-setup@$RS.json"
expect_eq "$(python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["action"], j["exit_code"], j["lines"][-1])' <<<"$OUT")" \
  "setup 0 6 changes applied" "--output json: action, exit code, summary line"
# Structured: every added address is on its device (ip -j), every sysctl
# change holds its value now (sysctl), and the roles name the config's.
python3 - "$RS" "$OUT" <<'PY' && pass "--output json: structured changes match the host" || fail "--output json: structured changes do not match the host: $OUT"
import json, subprocess, sys
ns, j = sys.argv[1], json.loads(sys.argv[2])
def ip(*a):
    return json.loads(subprocess.run(["ip", "-n", ns, "-j", *a], check=True,
                                     capture_output=True, text=True).stdout)
ch = j["changes"]
assert len(ch) == 6, ch
assert j["roles"] and all(r["service"] and r["vip"] and r["real_server"] for r in j["roles"]), j["roles"]
for c in ch:
    if c["op"] == "add_address":
        a, p = c["address"].split("/")
        have = [(i["local"], i["prefixlen"]) for l in ip("addr", "show", "dev", c["device"]) for i in l["addr_info"]]
        assert (a, int(p)) in have, (c, have)
    elif c["op"] == "set_sysctl":
        v = subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-n", c["path"].replace("/", ".")],
                           check=True, capture_output=True, text=True).stdout.strip()
        assert v == c["value"] and "was" in c, (c, v)
    else:
        assert c["op"] in ("link_up", "load_ipip", "create_tunl0"), c
assert j["summary"] == "6 changes applied", j["summary"]
PY
in_rs sysctl -qw net.ipv4.conf.all.arp_ignore=0
rsj -c "$T/dr.json" --check --output json
expect_eq "$(python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["drift"])' <<<"$OUT")" \
  "[{'op': 'set_sysctl', 'path': 'net/ipv4/conf/all/arp_ignore', 'value': '1', 'was': '0', 'text': 'net.ipv4.conf.all.arp_ignore is 0, want 1'}]" \
  "--output json: drift as objects"
expect_eq "$RC" 2 "--output json --check exit code on drift"
expect_eq "$(python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["action"], j["exit_code"], [l for l in j["lines"] if l.startswith("drift:")])' <<<"$OUT")" \
  "check 2 ['drift: net.ipv4.conf.all.arp_ignore is 0, want 1']" "--output json lists the drift"
rsj --undo
expect_eq "$RC" 0 "--state-dir undo exit code"
expect_eq "$(addrs)" "$ADDRS0" "--state-dir undo: addresses as before"
[ -e "$T/sd/rs-setup@$RS.json" ] && fail "state left in --state-dir" || pass "--state-dir state removed"

echo "rs_setup kernel test: $FAILS failure(s)"
[ "$FAILS" = 0 ]
