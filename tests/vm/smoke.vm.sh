#!/bin/bash
# Runs inside the VM (tests/vm/vmrun.sh, from smoke.test.sh): the kernel is
# Debian 12's 6.1, nft/ip/ipip/IPVS work, lvsnft_echo serves TCP across a
# veth pair between two namespaces, tests/lib/topo.sh works in the VM and
# its TUN topology carries IP-in-IP traffic (hand-written reference rules).
# Exits 3 when every check passed (so the host side also sees that the
# harness hands a non-zero status through), 1 otherwise.
. /lab/topo.sh
TOPO_ECHO=/lab/lvsnft_echo
topo_trap
check() { topo_check "$@"; }

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

# TUN reference: the tun topology with a hand-written ruleset (netdev
# ingress fwd into per-RS ipip devices) and the RS state set by hand; the
# replies go back through the router, not the director.
tun_rs() {  # tun_rs P HOST: VIP on tunl0, rp_filter off, ARP sysctls
  topo_sysctl "$1" "$2" net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 \
    net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 &&
    ip -n "$1-$2" link set tunl0 up && ip -n "$1-$2" addr add 202.10.1.101/32 dev tunl0 &&
    topo_sysctl "$1" "$2" net.ipv4.conf.tunl0.rp_filter=0
}
topo_tun() {
  local p out
  p=$(topo_prefix lvlb)t
  topo_create tun "$p" && ip -n "$p-dir" addr add 202.10.1.101/32 dev eth0 &&
    tun_rs "$p" rs1 && tun_rs "$p" rs2 || return 1
  ip -n "$p-dir" link add t-rs1 type ipip local 192.168.1.100 remote 192.168.1.10 &&
    ip -n "$p-dir" link add t-rs2 type ipip local 192.168.1.100 remote 192.168.1.11 &&
    ip -n "$p-dir" link set t-rs1 up && ip -n "$p-dir" link set t-rs2 up || return 1
  topo_exec "$p" dir nft -f - <<'NFT' || return 1
table netdev ref {
  chain in {
    type filter hook ingress device "eth0" priority 0;
    ip daddr 202.10.1.101 jhash ip saddr . th sport mod 2 vmap { 0 : jump r1, 1 : jump r2 }
  }
  chain r1 { fwd ip to 192.168.1.10 device "t-rs1"; }
  chain r2 { fwd ip to 192.168.1.11 device "t-rs2"; }
}
NFT
  topo_serve "$p" rs1 rs1 --tcp 202.10.1.101:80 --udp 202.10.1.101:53 &&
    topo_serve "$p" rs2 rs2 --tcp 202.10.1.101:80 --udp 202.10.1.101:53 || return 1
  out=$(topo_exec "$p" client $TOPO_ECHO client --tcp 202.10.1.101:80 --count 20 --parallel 4)
  echo "$out"
  [ "$(topo_json "$out" local.202.10.1.101:80)" = 20 ] && [ "$(topo_json "$out" rs.rs1)" -gt 0 ] &&
    [ "$(topo_json "$out" rs.rs2)" -gt 0 ] || return 1
  out=$(topo_exec "$p" client $TOPO_ECHO client --udp 202.10.1.101:53 --count 10)
  echo "$out"
  [ "$(topo_json "$out" seen.202.10.1.10)" = 10 ] || return 1
  topo_destroy "$p"
}

check "kernel is 6.1.x ($(uname -r))" kernel_61
check "nft loads nat + netdev tables and lists them (text and JSON)" nft_tables
check "an ipip link can be created" ipip_link
check "IPVS answers ipvsadm" ipvs_service
check "lvsnft_echo serves TCP across a veth pair" veth_echo
check "topo.sh builds DR in the VM; lvsnft_echo TCP+UDP client->rs2" topo_dr
check "TUN reference: ipip to 2 RS, replies via the router (TCP+UDP)" topo_tun
topo_summary smoke && exit 3
exit 1
