#!/bin/sh
# VM test (Debian 12 kernel 6.1, which has the ipip module): `lvsnft
# rs-setup` for a TUN real server. Runs as root under sh/bash inside the
# VM; expects the lvsnft binary at /lab/lvsnft (its shared libraries in the
# image); writes its own config. Checks: ipip autoloaded, tunl0 up with
# the VIP /32, rp_filter 0 on all and tunl0, arp settings, --check / drift
# / idempotence, undo; a real tunnelled ping from a director namespace
# works only while set up; and a namespace without a fallback tunl0 gets
# one created and deleted again. Prints "rs_setup_tun VM test: N
# failure(s)" and exits non-zero on failure.
#   tests/vm/vmrun.sh tests/vm/rs_setup_tun.vm.sh build/lvsnft
ip() { /usr/sbin/ip "$@"; }
L=/lab/lvsnft
TAG=lvhs$$
RS=${TAG}rs
D=${TAG}d
RS2=${TAG}r2
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
eq() { if [ "$1" = "$2" ]; then ok "$3"; else fail "$3: got '$1', want '$2'"; fi; }
has() { case "$1" in *"$2"*) ok "$3" ;; *) fail "$3: '$2' not in: $1" ;; esac; }
conf() { ip netns exec "$1" cat "/proc/sys/net/ipv4/conf/$2" 2>/dev/null || echo none; }
sysctls() {
  for p in all/arp_ignore all/arp_announce e0/arp_ignore e0/arp_announce \
           all/rp_filter tunl0/rp_filter; do echo "$p=$(conf "$1" $p)"; done
}
addrs() { ip -n "$1" -o addr show | awk '{print $2, $4}' | sort; }
run() {  # NETNS ARGS...: sets OUT and RC
  ns=$1; shift
  OUT=$("$L" rs-setup --netns "$ns" "$@" 2>&1); RC=$?
  echo "$OUT" | sed 's/^/    | /'
}
tunping() { ip netns exec "$D" ping -c 1 -W 2 202.10.1.101 >/dev/null 2>&1; }
cleanup() { for n in "$RS" "$D" "$RS2"; do ip netns del "$n" 2>/dev/null; done; }
trap cleanup EXIT

# The kernel's module autoloader runs /sbin/modprobe; busybox has it in /bin.
[ -x /sbin/modprobe ] || echo /bin/modprobe >/proc/sys/kernel/modprobe
modprobe veth

cat >/tmp/tun.json <<'EOF'
{ "version": 1, "director": { "interface": "eth0" },
  "services": [ { "name": "web", "vip": "202.10.1.101", "protocol": "tcp",
      "ports": [80], "mode": "tun", "scheduler": "mh",
      "real_servers": [ { "address": "192.168.1.10" } ] } ] }
EOF

# RS (e0 192.168.1.10/24) <-> director namespace D (e0 192.168.1.2/24)
ip netns add "$RS"; ip netns add "$D"
ip -n "$RS" link add e0 type veth peer name e0 netns "$D"
for n in "$RS" "$D"; do ip -n "$n" link set lo up; ip -n "$n" link set e0 up; done
ip -n "$RS" addr add 192.168.1.10/24 dev e0
ip -n "$D" addr add 192.168.1.2/24 dev e0
ip netns exec "$RS" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter'

# A harness may preload ipip: unload it so that rs-setup has to load it.
grep -q '^ipip ' /proc/modules && rmmod ipip
grep -q '^ipip ' /proc/modules && fail "ipip still loaded" || ok "ipip not loaded yet"
ADDRS0=$(addrs "$RS")
SYS0=$(sysctls "$RS")

run "$RS" -c /tmp/tun.json
eq "$RC" 0 "setup exit code"
has "$OUT" "load the ipip module" "setup loads ipip"
has "$OUT" "note: tun: the director adds a 20-byte outer IPv4 header" "MTU note"
grep -q '^ipip ' /proc/modules && ok "ipip loaded" || fail "ipip not loaded"
has "$(ip -n "$RS" -o link show tunl0)" ",UP" "tunl0 up"
has "$(ip -n "$RS" -o addr show dev tunl0)" "inet 202.10.1.101/32" "VIP /32 on tunl0"
eq "$(conf "$RS" all/rp_filter) $(conf "$RS" tunl0/rp_filter)" "0 0" "rp_filter 0 on all and tunl0"
eq "$(conf "$RS" all/arp_ignore) $(conf "$RS" e0/arp_announce)" "1 2" "arp settings"
[ -s "/var/lib/lvsnft/rs-setup@$RS.json" ] && ok "state in /var/lib/lvsnft" || fail "no state file"

# A director-side ipip device: tunnelled ping to the VIP must be answered.
ip -n "$D" link add t-rs type ipip local 192.168.1.2 remote 192.168.1.10
ip -n "$D" link set t-rs up
ip -n "$D" route add 202.10.1.101/32 dev t-rs
ip netns exec "$D" sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
tunping && ok "tunnelled ping answered" || fail "tunnelled ping not answered"
# Strict reverse-path filtering (max of all and tunl0) drops the
# decapsulated packets: the reason for rp_filter=0.
ip netns exec "$RS" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter'
tunping && fail "answered with rp_filter=1" || ok "rp_filter=1 drops tunnelled packets"
run "$RS" -c /tmp/tun.json --check
has "$OUT" "drift: net.ipv4.conf.all.rp_filter is 1, want 0" "drift names all.rp_filter"
run "$RS" -c /tmp/tun.json
tunping && ok "re-run: tunnelled ping answered again" || fail "still no answer"

run "$RS" -c /tmp/tun.json --check
eq "$RC" 0 "check in sync"
run "$RS" -c /tmp/tun.json
has "$OUT" "no changes: the host is already set up" "second run: zero changes"

ip netns exec "$RS" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/tunl0/rp_filter'
ip -n "$RS" link set tunl0 down
run "$RS" -c /tmp/tun.json --check
eq "$RC" 2 "check after drift"
has "$OUT" "drift: net.ipv4.conf.tunl0.rp_filter is 1, want 0" "drift names rp_filter"
has "$OUT" "drift: tunl0 is not up" "drift names tunl0"
run "$RS" -c /tmp/tun.json
eq "$RC" 0 "re-run fixes drift"
run "$RS" -c /tmp/tun.json --check
eq "$RC" 0 "in sync again"

run "$RS" --undo
eq "$RC" 0 "undo exit code"
has "$(ip -n "$RS" -o link show tunl0)" "state DOWN" "tunl0 down after undo"
eq "$(ip -n "$RS" -o addr show dev tunl0)" "" "no address on tunl0 after undo"
# tunl0 did not exist before: its rp_filter returns to what it inherited.
eq "$(sysctls "$RS" | grep -v tunl0)" "$(echo "$SYS0" | grep -v tunl0)" "undo: sysctls as before"
eq "$(addrs "$RS")" "$ADDRS0" "undo: addresses as before"
[ -e "/var/lib/lvsnft/rs-setup@$RS.json" ] && fail "state left" || ok "state removed"
tunping && fail "tunnelled ping answered after undo" || ok "no answer after undo"

# A namespace without fallback tunnels: rs-setup creates tunl0 itself.
echo 1 >/proc/sys/net/core/fb_tunnels_only_for_init_net
ip netns add "$RS2"
ip -n "$RS2" link set lo up
ip -n "$RS2" link add e0 type veth peer name e1
ip -n "$RS2" addr add 192.168.1.10/24 dev e0; ip -n "$RS2" link set e0 up
ip -n "$RS2" link show tunl0 >/dev/null 2>&1 && fail "tunl0 exists in $RS2" || ok "no tunl0 in $RS2"
run "$RS2" -c /tmp/tun.json --state /tmp/r2.json
eq "$RC" 0 "setup without fallback tunnel"
has "$OUT" "create ipip device tunl0 (local any, remote any)" "tunl0 created"
has "$(ip -n "$RS2" -o addr show dev tunl0)" "inet 202.10.1.101/32" "VIP on created tunl0"
run "$RS2" -c /tmp/tun.json --state /tmp/r2.json --check
eq "$RC" 0 "created tunl0 in sync"
run "$RS2" --undo --state /tmp/r2.json
eq "$RC" 0 "undo created tunl0"
ip -n "$RS2" link show tunl0 >/dev/null 2>&1 && fail "tunl0 left in $RS2" || ok "tunl0 deleted"
echo 0 >/proc/sys/net/core/fb_tunnels_only_for_init_net

echo "rs_setup_tun VM test: $FAILS failure(s)"
[ "$FAILS" = 0 ]
