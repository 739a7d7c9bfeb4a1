#!/bin/bash
# Reference check of the topologies in tests/lib/topo.sh: hand-written
# nftables rulesets (the constructs docs/LAYOUT.md uses for each mode, not
# lvsnft's output) must carry real traffic through each topology. When an
# lvsnft end-to-end test fails but this passes, the fault is not in the lab.
# TUN needs ipip, so its reference lives in tests/vm/smoke.vm.sh.
#   topo_reference.test.sh BUILD_DIR SOURCE_DIR      (root)
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "${2:-.}" && pwd)
. "$SRC/tests/lib/topo.sh"
TOPO_ECHO=$BUILD/lvsnft_echo
[ "$(id -u)" -eq 0 ] || { echo "FAIL: needs root (network namespaces)"; exit 1; }
[ -x "$TOPO_ECHO" ] || { echo "FAIL: $TOPO_ECHO not built"; exit 1; }
topo_trap

# "topology case target seen local": the client sends 30 TCP connections to
# target; every one must be answered, all three RS must take some, the RS
# must have seen `seen` as client and answered on `local` (- : not checked).
cases() {
  cat <<'T'
nat6 nat 192.168.10.100:80 192.168.10.13 -
nat6 nat6 [2001:db8:10::100]:80 2001:db8:10::13 -
fullnat fullnat 192.168.10.100:80 192.168.1.100 -
dr6 dr 192.168.1.100:8080 192.168.1.13 192.168.1.100:8080
dr6 dr6 [2001:db8:1::100]:8080 2001:db8:1::13 [2001:db8:1::100]:8080
dr-ecmp dr-ecmp 192.168.1.100:8080 192.168.10.13 192.168.1.100:8080
T
}

# serve P ADDR...: lvsnft_echo on rs1..rs3, the i-th address list each.
serve() {
  local p=$1 i=1
  shift
  for a in "$@"; do
    topo_serve "$p" "rs$i" "rs$i" --tcp "$a" || return 1
    i=$((i + 1))
  done
}

setup_nat6() {
  ip -n "$1-dir" addr add 192.168.10.100/24 dev eth0 &&
    ip -n "$1-dir" addr add 2001:db8:10::100/64 dev eth0 nodad &&
    serve "$1" 192.168.1.10:8080,[2001:db8:1::10]:8080 \
      192.168.1.11:8080,[2001:db8:1::11]:8080 \
      192.168.1.12:8080,[2001:db8:1::12]:8080 || return 1
  topo_exec "$1" dir nft -f - <<'NFT'
table inet ref {
  chain pre {
    type nat hook prerouting priority dstnat;
    ip daddr 192.168.10.100 tcp dport 80 dnat ip to numgen inc mod 3 map { 0 : 192.168.1.10, 1 : 192.168.1.11, 2 : 192.168.1.12 } : 8080
    ip6 daddr 2001:db8:10::100 tcp dport 80 dnat ip6 to numgen inc mod 3 map { 0 : 2001:db8:1::10, 1 : 2001:db8:1::11, 2 : 2001:db8:1::12 } : 8080
  }
}
NFT
}

setup_fullnat() {
  ip -n "$1-dir" addr add 192.168.10.100/24 dev eth0 &&
    serve "$1" 192.168.1.10:8080 192.168.1.11:8080 192.168.1.12:8080 || return 1
  topo_exec "$1" dir nft -f - <<'NFT'
table inet ref {
  chain pre {
    type nat hook prerouting priority dstnat;
    ip daddr 192.168.10.100 tcp dport 80 ct mark set 0x1 dnat ip to numgen inc mod 3 map { 0 : 192.168.1.10, 1 : 192.168.1.11, 2 : 192.168.1.12 } : 8080
  }
  chain post {
    type nat hook postrouting priority srcnat;
    ct mark 0x1 snat ip to 192.168.1.100
  }
}
NFT
}

# rs_vip P HOST...: the DR real-server state by hand (VIP on lo, ARP sysctls).
rs_vip() {
  local p=$1 h
  shift
  for h in "$@"; do
    topo_sysctl "$p" "$h" net.ipv4.conf.all.arp_ignore=1 \
      net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 \
      net.ipv4.conf.eth0.arp_announce=2 || return 1
    ip -n "$p-$h" addr add 192.168.1.100/32 dev lo || return 1
    ip -n "$p-$h" addr add 2001:db8:1::100/128 dev lo nodad || return 1
  done
}

# dr_rules P DIRECTOR: netdev ingress, flow hash, fwd to the RS MAC.
dr_rules() {
  topo_exec "$1" "$2" nft -f - <<'NFT'
table netdev ref {
  chain in {
    type filter hook ingress device "eth0" priority 0;
    ip daddr 192.168.1.100 tcp dport 8080 counter jhash ip saddr . tcp sport mod 3 vmap { 0 : jump r1, 1 : jump r2, 2 : jump r3 }
    ip6 daddr 2001:db8:1::100 tcp dport 8080 jhash ip6 saddr . tcp sport mod 3 vmap { 0 : jump s1, 1 : jump s2, 2 : jump s3 }
  }
  chain r1 { fwd ip to 192.168.1.10 device "eth0"; }
  chain r2 { fwd ip to 192.168.1.11 device "eth0"; }
  chain r3 { fwd ip to 192.168.1.12 device "eth0"; }
  chain s1 { fwd ip6 to 2001:db8:1::10 device "eth0"; }
  chain s2 { fwd ip6 to 2001:db8:1::11 device "eth0"; }
  chain s3 { fwd ip6 to 2001:db8:1::12 device "eth0"; }
}
NFT
}

setup_dr6() {
  ip -n "$1-dir" addr add 192.168.1.100/32 dev eth0 &&
    ip -n "$1-dir" addr add 2001:db8:1::100/128 dev eth0 nodad &&
    rs_vip "$1" rs1 rs2 rs3 && dr_rules "$1" dir || return 1
  local v="192.168.1.100:8080,[2001:db8:1::100]:8080"
  serve "$1" "$v" "$v" "$v"
}

setup_dr-ecmp() {
  rs_vip "$1" rs1 rs2 rs3 && dr_rules "$1" dir && dr_rules "$1" dir2 &&
    serve "$1" 192.168.1.100:8080 192.168.1.100:8080 192.168.1.100:8080
}

# expect OUT SEEN LOCAL: all 30 answered, spread over rs1..rs3, fields.
expect() {
  local n
  echo "$1"
  [ "$(topo_json "$1" ok)" = 30 ] && [ "$(topo_json "$1" "seen.$2")" = 30 ] || return 1
  [ "$3" = - ] || [ "$(topo_json "$1" "local.$3")" = 30 ] || return 1
  for n in rs1 rs2 rs3; do [ "$(topo_json "$1" "rs.$n")" -gt 0 ] || return 1; done
}

# both_directors P: ECMP sent flows to each director (rule counters).
both_directors() {
  local d
  for d in dir dir2; do
    topo_exec "$1" "$d" nft list chain netdev ref in | grep -q 'packets [1-9]' || return 1
  done
}

for topo in nat6 fullnat dr6 dr-ecmp; do
  p="$(topo_prefix lvlb)r"
  topo_check "$topo: topology and hand-written ruleset set up" \
    eval 'topo_create "$topo" "$p" && "setup_$topo" "$p"' || { topo_destroy "$p"; continue; }
  while read -r t name target seen local; do
    [ "$t" = "$topo" ] || continue
    out=$(topo_exec "$p" client "$TOPO_ECHO" client --tcp "$target" --count 30 --parallel 3)
    topo_check "$name: 30 connections to $target spread over 3 RS, seen $seen" \
      expect "$out" "$seen" "$local"
  done < <(cases)
  [ "$topo" = dr-ecmp ] && topo_check "dr-ecmp: the router used both directors" both_directors "$p"
  topo_destroy "$p"
done
topo_summary topo_reference
