#!/bin/bash
# Runs inside the VM (tests/vm/vmrun.sh, from smoke.test.sh): the kernel is
# Debian 12's 6.1, nft/ip/ipip/IPVS work, lvsnft_echo serves TCP across a
# veth pair between two namespaces, and tests/lib/topo.sh works in the VM.
# Exits 3 when every check passed (so the host side also sees that the
# harness hands a non-zero status through), 1 otherwise.
. /lab/topo.sh
TOPO_ECHO=/lab/lvsnft_echo
topo_trap
fails=0
check() {
  local desc=$1
  shift
  if "$@" >/tmp/check.out 2>&1; then
    echo "ok   $desc"
  else
    echo "FAIL $desc"
    sed 's/^/     /' /tmp/check.out
    fails=$((fails + 1))
  fi
}

kernel_61() { uname -r | grep -q '^6\.1\.'; }
nft_tables() {
  nft -f - <<'NFT' && nft list ruleset >/dev/null && nft -j list ruleset >/dev/null
table inet smoke {
  chain pre { type nat hook prerouting priority dstnat; ip daddr 10.9.9.9 tcp dport 80 dnat ip to numgen inc mod 2 map { 0 : 10.0.0.1, 1 : 10.0.0.2 }; }
  chain post { type nat hook postrouting priority srcnat; ct mark 0x1 masquerade; }
}
table netdev smokedev {
  chain in { type filter hook ingress device "lo" priority 0; ip daddr 10.9.9.9 meta mark set jhash ip saddr mod 2 counter; }
}
NFT
}
ipip_link() {
  ip link add smoketun type ipip local 10.0.0.1 remote 10.0.0.2 &&
    ip -d link show smoketun | grep -q 'ipip ' && ip link del smoketun
}
ipvs_service() { ipvsadm -A -t 10.9.9.9:80 -s mh && ipvsadm -Ln | grep -q 10.9.9.9:80; }

# Two namespaces joined by one veth pair, lvsnft_echo across it.
veth_echo() {
  local p=lvlb$$v out
  ip netns add $p-a && ip netns add $p-b &&
    ip -n $p-a link add eth0 type veth peer name eth0 netns $p-b &&
    ip -n $p-a addr add 10.7.0.1/24 dev eth0 && ip -n $p-b addr add 10.7.0.2/24 dev eth0 &&
    ip -n $p-a link set eth0 up && ip -n $p-b link set eth0 up || return 1
  ip netns exec $p-b $TOPO_ECHO serve --name b --tcp 10.7.0.2:80 --pidfile /tmp/b.pid &
  local pid=$!
  topo_wait_file /tmp/b.pid 20
  out=$(ip netns exec $p-a $TOPO_ECHO client --tcp 10.7.0.2:80 --count 3 --timeout-ms 5000)
  echo "$out"
  kill $pid
  wait $pid
  ip netns del $p-a
  ip netns del $p-b
  [ "$(topo_json "$out" rs.b)" = 3 ] && [ "$(topo_json "$out" seen.10.7.0.1)" = 3 ]
}

# The DR topology of topo.sh, TCP and UDP from the client to rs2.
topo_dr() {
  local p out
  p=$(topo_prefix lvlb)
  topo_create dr "$p" && topo_serve "$p" rs2 rs2 --tcp 192.168.1.11:80 \
    --udp 192.168.1.11:53 || return 1
  out=$(topo_exec "$p" client $TOPO_ECHO client --tcp 192.168.1.11:80 --count 4 --parallel 2)
  echo "$out"
  [ "$(topo_json "$out" rs.rs2)" = 4 ] || return 1
  out=$(topo_exec "$p" client $TOPO_ECHO client --udp 192.168.1.11:53 --count 4)
  echo "$out"
  [ "$(topo_json "$out" seen.192.168.1.13)" = 4 ] || return 1
  topo_destroy "$p"
  [ -z "$(topo_left "$p")" ]
}

check "kernel is 6.1.x ($(uname -r))" kernel_61
check "nft loads nat + netdev tables and lists them (text and JSON)" nft_tables
check "an ipip link can be created" ipip_link
check "IPVS answers ipvsadm" ipvs_service
check "lvsnft_echo serves TCP across a veth pair" veth_echo
check "topo.sh builds DR in the VM; lvsnft_echo TCP+UDP client->rs2" topo_dr
echo "smoke: $fails failure(s)"
[ $fails -eq 0 ] && exit 3
exit 1
