#!/bin/bash
# Runs inside the VM (tests/vm/vmrun.sh, from compat61.test.sh): lvsnft on
# Debian 12's Linux 6.1 (the host runs a much newer kernel).
#   A. NAT, FULLNAT, NAT6, DR and DR6 through `lvsnft apply` on the
#      reference topologies (tests/lib/topo.sh) with TCP and UDP services:
#      every request answered; every real server used (exact wrr/rr splits
#      where the scheduler is deterministic); the NAT server sees the
#      client, the FULLNAT server the director's local address; DR replies
#      (TCP, UDP) come from the VIP and the servers' MACs, never through the
#      director (probe counters); real servers set up by `lvsnft rs-setup`.
#      After each apply `nft list ruleset` and `nft -j list ruleset` exit 0
#      and `lvsnft diff` is in sync; destroy leaves nothing. The first apply
#      has the kernel autoload the NAT expression modules mid-transaction.
#   B. Every example config (examples/*.json) applied by lvsnft equals its
#      golden ruleset (tests/golden/NAME.nft) loaded with `nft -f` (listings
#      identical); the golden is accepted by `nft -c -f`, lists in text and
#      JSON, and the JSON golden loads with `nft -j -f` and lists the same
#      (table/chain/set comments aside: nft 1.0.6's JSON parser drops them).
#      TUN goldens get real ipip devices (the host tier uses veth stand-ins).
# Prints "compat61: N failure(s)"; exits 0 only when every check passed.
#   tests/vm/vmrun.sh tests/vm/compat61.vm.sh build/lvsnft build/lvsnft_echo \
#     tests/golden examples
. /lab/vm_lib.sh  # topo.sh, check, fig, brief, unloaded, loaded
G=/lab/golden
E=/lab/examples
CLIENT=192.168.10.13
W=/tmp/lvvm-work
mkdir -p "$W"
topo_trap

# --- helpers --------------------------------------------------------------

# rs_list PORT_FIELD WEIGHTS...: the real_servers array for 192.168.1.10-12
# (RS_BASE=2001:db8:1::1: 2001:db8:1::10-12).
rs_list() {
  local port=$1 i=0 w out=""
  shift
  for w in "$@"; do
    [ -n "$out" ] && out+=", "
    out+="{ \"address\": \"${RS_BASE:-192.168.1.1}$i\"$port, \"weight\": $w }"
    i=$((i + 1))
  done
  echo "[ $out ]"
}
# cfg FILE MODE VIP DIRECTOR_EXTRA TCP_SCHED TCP_RS UDP_SCHED UDP_RS:
# service web (tcp/80) and dns (udp/53).
cfg() {
  cat >"$1" <<EOF
{ "version": 1, "director": { "interface": "eth0" $4 },
  "services": [
    { "name": "web", "vip": "$3", "protocol": "tcp", "ports": [80], "mode": "$2",
      "scheduler": "$5", "real_servers": $6 },
    { "name": "dns", "vip": "$3", "protocol": "udp", "ports": [53], "mode": "$2",
      "scheduler": "$7", "real_servers": $8 } ] }
EOF
}
eq() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }
gt0() { [ "${1:-0}" -gt 0 ] || { echo "got '$1', want > 0"; return 1; }; }
json() { topo_json "$OUT" "$1"; }
mac() { ip netns exec "$P-$1" cat "/sys/class/net/$2/address"; }
lv() { "$L" "$@" --netns "$P-dir" --state-dir "$W/state.$P"; }
lists_ok() {  # lists_ok NS
  ip netns exec "$1" nft list ruleset >/dev/null &&
    ip netns exec "$1" nft -j list ruleset >/dev/null
}
applied() {  # applied CFG: apply, listings, diff in sync
  local out
  out=$(lv apply -c "$1") || { echo "$out"; return 1; }
  fig "${out%%$'\n'*}"
  lists_ok "$P-dir" && lv diff -c "$1" && lv status >/dev/null
}
# traffic PROTO VIP:PORT COUNT SEEN LOCAL SPLIT: COUNT requests all
# answered, all seen from SEEN, all answered on LOCAL ("-": not checked);
# SPLIT is "n1 n2 n3" requests per real server, or "any" (each > 0).
traffic() {
  local n i=1 want split=$6
  # 5 s per connect / reply (the client's default is 2 s): the guest is
  # one emulated vCPU, which a loaded host can stall for seconds.
  OUT=$(topo_exec "$P" client "$TOPO_ECHO" client "--$1" "$2" --count "$3" --parallel 3 \
    --timeout-ms 5000)
  echo "$OUT"
  fig "$(brief)"
  eq "$(json ok)" "$3" && eq "$(json "seen.$4")" "$3" || return 1
  [ "$5" = - ] || eq "$(json "local.$5")" "$3" || return 1
  [ "$split" = any ] && split="any any any"
  for want in $split; do
    n=$(json "rs.rs$i")
    if [ "$want" = any ]; then gt0 "$n"; else eq "${n:-0}" "$want"; fi || return 1
    i=$((i + 1))
  done
}
serve_all() {  # serve_all TCP_ADDR_PATTERN UDP_ADDR_PATTERN (N = 0..2)
  local i
  for i in 0 1 2; do
    topo_serve "$P" "rs$((i + 1))" "rs$((i + 1))" --tcp "${1//N/$i}" --udp "${2//N/$i}" ||
      return 1
  done
}
destroyed() {
  lv destroy && ! ip netns exec "$P-dir" nft list tables | grep -q lvsnft
}

# --- A. NAT, FULLNAT, DR with traffic -------------------------------------

VIP=192.168.10.100
P=$(topo_prefix lvvm)n
cfg "$W/nat.json" nat $VIP "" wrr "$(rs_list ', "port": 8080' 3 1 1)" \
  rr "$(rs_list "" 1 1 1)"
topo_create nat "$P" && serve_all 192.168.1.1N:8080 192.168.1.1N:53 || exit 1
check "nft_numgen nft_nat nft_chain_nat nft_ct unloaded before the first apply" unloaded nft_numgen nft_nat nft_chain_nat nft_ct
check "nat: apply, nft list/-j list exit 0, diff in sync, status" applied "$W/nat.json"
check "the transaction autoloaded nft_numgen nft_nat nft_chain_nat nft_ct" loaded nft_numgen nft_nat nft_chain_nat nft_ct
check "nat: TCP 80->8080 wrr 3:1:1, 30 conns split 18/6/6, RS see the client" \
  traffic tcp $VIP:80 30 $CLIENT - "18 6 6"
check "nat: UDP rr, 30 datagrams split 10/10/10, RS see the client" \
  traffic udp $VIP:53 30 $CLIENT - "10 10 10"
check "nat: destroy leaves no lvsnft table" destroyed
topo_destroy "$P"

P=$(topo_prefix lvvm)f
cfg "$W/fullnat.json" fullnat $VIP ', "local_addresses": ["192.168.1.100"]' \
  wrr "$(rs_list ', "port": 80' 1 1 1)" random "$(rs_list "" 1 1 1)"
topo_create fullnat "$P" && serve_all 192.168.1.1N:80 192.168.1.1N:53 || exit 1
check "fullnat: apply, nft list/-j list exit 0, diff in sync, status" applied "$W/fullnat.json"
check "fullnat: TCP wrr 1:1:1, 30 conns split 10/10/10, RS see 192.168.1.100" \
  traffic tcp $VIP:80 30 192.168.1.100 - "10 10 10"
check "fullnat: UDP random, 60 datagrams on all 3 RS, RS see 192.168.1.100" \
  traffic udp $VIP:53 60 192.168.1.100 - any
check "fullnat: destroy leaves no lvsnft table" destroyed
topo_destroy "$P"

# IPv6 NAT: the nat6 topology.
P=$(topo_prefix lvvm)n6
VIP=2001:db8:10::100
cfg "$W/nat6.json" nat $VIP "" rr "$(RS_BASE=2001:db8:1::1 rs_list "" 1 1 1)" \
  rr "$(RS_BASE=2001:db8:1::1 rs_list "" 1 1 1)"
topo_create nat6 "$P" && serve_all "[2001:db8:1::1N]:80" "[2001:db8:1::1N]:53" || exit 1
check "nat6: apply, nft list/-j list exit 0, diff in sync, status" applied "$W/nat6.json"
check "nat6: TCP rr, 30 conns split 10/10/10, RS see the client" \
  traffic tcp "[$VIP]:80" 30 2001:db8:10::13 - "10 10 10"
check "nat6: UDP rr, 30 datagrams split 10/10/10, RS see the client" \
  traffic udp "[$VIP]:53" 30 2001:db8:10::13 - "10 10 10"
check "nat6: destroy leaves no lvsnft table" destroyed
topo_destroy "$P"

# DR (IPv4 and IPv6): the servers get the VIP on lo (lvsnft rs-setup);
# probe counters in the client (replies by source MAC) and the director
# (replies received). AF is ip or ip6.
dr_probes() {
  ip netns exec "$P-client" nft -f - <<NFT || return 1
table netdev lvvmprobe {
  counter rep {}
  counter rep_rs {}
  chain in { type filter hook ingress device "eth0" priority 0;
    meta l4proto { tcp, udp } $AF saddr $VIP counter name "rep"
    meta l4proto { tcp, udp } $AF saddr $VIP ether saddr { $(mac rs1 eth0), $(mac rs2 eth0), $(mac rs3 eth0) } counter name "rep_rs"
  }
}
NFT
  ip netns exec "$P-dir" nft -f - <<NFT
table netdev lvvmprobe {
  counter rep {}
  chain in { type filter hook ingress device "eth0" priority -1000;
    meta pkttype host meta l4proto { tcp, udp } $AF saddr $VIP counter name "rep"
  }
}
NFT
}
dr_rs_setup() {  # dr_rs_setup CONFIG
  local i
  for i in 0 1 2; do
    "$L" rs-setup -c "$1" --netns "$P-rs$((i + 1))" --self "$RS_BASE$i" \
      --state "$W/$P.rs$i.json" >/dev/null || return 1
  done
}
probe() { ip netns exec "$P-$1" nft list counter netdev lvvmprobe "$2" | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
dr_replies() {
  local rep rs d
  rep=$(probe client rep) rs=$(probe client rep_rs) d=$(probe dir rep)
  fig "client got $rep packets from the VIP, $rs of them from the servers' MACs;" \
    "the director received $d from the VIP"
  [ "$rep" -ge 90 ] && eq "$rs" "$rep" && eq "$d" 0
}
# dr_run TOPOLOGY VIP CLIENT RS_BASE AF TCP_TARGET UDP_TARGET
dr_run() {
  local t=$1 tcp=$6 udp=$7
  VIP=$2 RS_BASE=$4 AF=$5 P=$(topo_prefix lvvm)$1
  cfg "$W/$t.json" dr "$VIP" "" mh "$(rs_list "" 1 1 1)" mh "$(rs_list "" 1 1 1)"
  topo_create "$t" "$P" || exit 1
  check "$t: lvsnft rs-setup on the three servers (VIP on lo, arp sysctls)" dr_rs_setup "$W/$t.json"
  serve_all "$tcp" "$udp" || exit 1
  check "$t: probe tables in the client and the director" dr_probes
  check "$t: apply, nft list/-j list exit 0, diff in sync, status" applied "$W/$t.json"
  check "$t: TCP mh, 45 conns answered by the VIP on all 3 RS, RS see the client" \
    traffic tcp "$tcp" 45 "$3" "$tcp" any
  check "$t: UDP mh, 45 datagrams answered by the VIP on all 3 RS" \
    traffic udp "$udp" 45 "$3" "$udp" any
  check "$t: replies carry the VIP, come from the servers, bypass the director" dr_replies
  check "$t: destroy leaves no lvsnft table" destroyed
  topo_destroy "$P"
  RS_BASE=
}
dr_run dr 192.168.1.100 192.168.1.13 192.168.1.1 ip 192.168.1.100:80 192.168.1.100:53
dr_run dr6 2001:db8:1::100 2001:db8:1::13 2001:db8:1::1 ip6 "[2001:db8:1::100]:80" \
  "[2001:db8:1::100]:53"

# --- B. examples applied == goldens loaded; goldens on 6.1 ----------------

# bare_ns NS GOLDEN: lo, eth0 (veth) with the examples' FULLNAT local
# addresses (apply refuses one on no interface) and the golden's ipip
# devices.
bare_ns() {
  local dev remote
  ip netns add "$1" && ip -n "$1" link set lo up &&
    ip -n "$1" link add eth0 type veth peer name eth0p && ip -n "$1" link set eth0 up &&
    ip -n "$1" addr add 192.168.1.100/24 dev eth0 &&
    ip -n "$1" addr add 2001:db8:1::100/64 dev eth0 nodad ||
    return 1
  # (no process substitution: the VM has no /dev/fd)
  sed -n 's/^#   ipip device \([^ ]*\) remote \([^ ]*\) .*/\1 \2/p' "$2" >"$W/devs"
  while read -r dev remote; do
    ip -n "$1" link add "$dev" type ipip remote "$remote" &&
      ip -n "$1" link set "$dev" up || return 1
  done <"$W/devs"
}
# same NS1 FILTER1 NS2 FILTER2: the two filtered listings are identical.
same() {
  ip netns exec "$1" nft list ruleset | $2 >"$W/l1" &&
    ip netns exec "$3" nft list ruleset | $4 >"$W/l2" || return 1
  diff "$W/l1" "$W/l2" >"$W/ldiff" || { head -20 "$W/ldiff"; return 1; }
}
nocomments() { grep -v -E '^[[:space:]]*comment "[^"]*"$'; }
golden() {  # golden NAME
  local a=$P-a b=$P-b c=$P-c n=$1
  ip netns del "$a" 2>/dev/null
  ip netns del "$b" 2>/dev/null
  ip netns del "$c" 2>/dev/null
  bare_ns "$a" /dev/null && bare_ns "$b" "$G/$n.nft" && bare_ns "$c" "$G/$n.nft" || return 1
  "$L" apply -c "$E/$n.json" --netns "$a" --state-dir "$W/gs.$n" >/dev/null &&
    lists_ok "$a" && "$L" diff -c "$E/$n.json" --netns "$a" --state-dir "$W/gs.$n" &&
    ip netns exec "$b" nft -c -f "$G/$n.nft" && ip netns exec "$b" nft -f "$G/$n.nft" &&
    lists_ok "$b" || return 1
  same "$a" cat "$b" cat || return 1
  fig "lvsnft apply and nft -f list the same $(wc -l <"$W/l1") lines"
  ip netns exec "$c" nft -j -f "$G/$n.json" && lists_ok "$c" || return 1
  same "$b" nocomments "$c" nocomments || return 1
  "$L" destroy --netns "$a" --state-dir "$W/gs.$n" >/dev/null &&
    ! ip -n "$a" -o link | grep -q lvt- || return 1
  ip netns del "$a" && ip netns del "$b" && ip netns del "$c"
}
P=$(topo_prefix lvvm)g
TOPO_PREFIXES+=("$P")  # the trap removes $P-* namespaces
for f in "$G"/*.nft; do
  n=$(basename "$f" .nft)
  check "golden $n: lvsnft apply == nft -f; nft -c/-f/-j -f, listings ok on 6.1" golden "$n"
done
topo_summary compat61
