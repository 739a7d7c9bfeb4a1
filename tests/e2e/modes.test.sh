#!/usr/bin/env bash
# Every mode on the host kernel, with real TCP and UDP traffic: NAT, FULLNAT
# and DR, each for IPv4 and IPv6 (dual-stack topologies nat6, fullnat6,
# dr6). The director is set up only by `lvsnft apply`, DR real servers only
# by `lvsnft rs-setup`; real servers run lvsnft_echo.
#
# Per mode and family, with weights 3:1:1 (60/20/20 %):
#   - every request is answered (TCP connections and UDP datagrams);
#   - the split matches the weights within ±5 percentage points, every
#     server gets traffic. NAT/FULLNAT (wrr): 600 TCP connections, 300 UDP
#     datagrams. DR (Maglev over source address and port): 1500 TCP
#     connections and 1500 datagrams, so the figure is reproducible (a
#     binomial ±5 pp at n=1500 is > 4 σ). Every connection/datagram of a
#     run has its own fixed source port: a reused port would hit an
#     existing conntrack entry (UDP) instead of being scheduled anew;
#   - NAT: the server sees the client address; FULLNAT: the director's
#     local address (and the servers have no route back to the client);
#   - port mapping (NAT, FULLNAT): TCP VIP:80 is served on RS:8080 (the
#     servers do not listen on 80 at all); UDP 8053 without mapping;
#   - DR: the reply line names the VIP as the server's local address, and
#     the replies bypass the director. Oracle: an ingress counter in the
#     director (priority -1000, before lvsnft's -500 chain) counts TCP/UDP
#     packets *from* the VIP: it must stay 0, while the client's own input
#     counter of packets from the VIP counts at least one per answer, and
#     the director's counter of packets *to* the VIP equals the sum of
#     lvsnft's forwarding-rule counters (every request crossed it once);
#   - `lvsnft status --output json` counts per server equal the servers'.
#   modes.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"
W="rs1:3 rs2:1 rs3:1"
SERVE="--tcp RSIP:8080,[RSIP6]:8080 --udp RSIP:8053,[RSIP6]:8053"
SERVE_DR="--tcp 192.168.1.100:80,[2001:db8:1::100]:80 --udp 192.168.1.100:8053,[2001:db8:1::100]:8053"

# services MODE VIP VIP6 RSPORT: web (tcp 80 -> RSPORT) and dns (udp 8053),
# IPv4 and IPv6, weights 3:1:1 on rs1..rs3.
services() {
  local mode=$1 vip=$2 vip6=$3 rp=$4 sched=wrr
  [ "$mode" = dr ] && sched=mh
  e2e_svc web "$mode" tcp "$vip" 80 "$rp" $sched 192.168.1.10=3 192.168.1.11=1 192.168.1.12=1
  e2e_svc dns "$mode" udp "$vip" 8053 - $sched 192.168.1.10=3 192.168.1.11=1 192.168.1.12=1
  e2e_svc web6 "$mode" tcp "$vip6" 80 "$rp" $sched 2001:db8:1::10=3 2001:db8:1::11=1 2001:db8:1::12=1
  e2e_svc dns6 "$mode" udp "$vip6" 8053 - $sched 2001:db8:1::10=3 2001:db8:1::11=1 2001:db8:1::12=1
}

# traffic P MODE SERVICE SEEN LOCAL_RE CLIENT_ARGS...: one client run and
# its assertions (count = --count).
traffic() {
  local p=$1 mode=$2 svc=$3 seen=$4 local_re=$5 out n
  shift 5
  n=$(sed -n 's/.*--count \([0-9]*\).*/\1/p' <<<"$*")
  out=$(e2e_client "$p" "$@")
  local d="$mode $svc ($n x ${*:1:2})"
  e2e_check "$d: every request answered" e2e_all_ok "$out" "$n"
  e2e_check "$d: split 3:1:1 within ±5 pp" e2e_split "$out" "$W" 5 &&
    e2e_info "$(e2e_split "$out" "$W" 5)"
  e2e_check "$d: servers saw $seen as client" e2e_seen_all "$out" "$seen" "$n"
  e2e_check "$d: answered on $local_re" e2e_local_all "$out" "$local_re" "$n"
  e2e_check "$d: lvsnft status counts = servers' counts" \
    e2e_status_matches "$p" "$svc" "$out"
}

# --- NAT and FULLNAT ------------------------------------------------------
for mode in nat fullnat; do
  e2e_check "$mode: ${mode}6 topology" e2e_topo "${mode}6" || continue
  dir='{"interface": "eth0"}' c4=192.168.10.13 c6=2001:db8:10::13
  if [ $mode = fullnat ]; then
    dir='{"interface": "eth0", "local_addresses": ["192.168.1.100", "2001:db8:1::100"]}'
    c4=192.168.1.100 c6=2001:db8:1::100
  fi
  mapfile -t svcs < <(services $mode 192.168.10.100 2001:db8:10::100 8080)
  e2e_cfg "$E2E_WORK/$mode.json" "$dir" "${svcs[@]}"
  e2e_check "$mode: lvsnft apply, servers up" \
    e2e_up "$P" $mode "$E2E_WORK/$mode.json" "$SERVE" || continue
  traffic "$P" $mode web $c4 '^192\.168\.1\.1[0-2]:8080$' --tcp 192.168.10.100:80 --count 600 --parallel 4 --source-ports 20000-20599
  traffic "$P" $mode dns $c4 '^192\.168\.1\.1[0-2]:8053$' --udp 192.168.10.100:8053 --count 300 --parallel 4 --source-ports 22000-22299
  traffic "$P" $mode web6 $c6 '^\[2001:db8:1::1[0-2]\]:8080$' --tcp '[2001:db8:10::100]:80' --count 600 --parallel 4 --source-ports 20000-20599
  traffic "$P" $mode dns6 $c6 '^\[2001:db8:1::1[0-2]\]:8053$' --udp '[2001:db8:10::100]:8053' --count 300 --parallel 4 --source-ports 22000-22299
  topo_destroy "$P"
done

# --- DR -------------------------------------------------------------------
# watch P: the return-path oracles (director ingress, client input).
watch() {
  local m='meta l4proto { tcp, udp }'
  e2e_nft "$1" dir <<NFT &&
table netdev e2e_watch {
  counter replies { }
  counter requests { }
  chain in {
    type filter hook ingress device "eth0" priority -1000; policy accept;
    ip saddr 192.168.1.100 $m counter name "replies"
    ip6 saddr 2001:db8:1::100 $m counter name "replies"
    ip daddr 192.168.1.100 $m counter name "requests"
    ip6 daddr 2001:db8:1::100 $m counter name "requests"
  }
}
NFT
    e2e_nft "$1" client <<NFT
table inet e2e_watch {
  counter from_vip { }
  chain in {
    type filter hook input priority -300; policy accept;
    ip saddr 192.168.1.100 $m counter name "from_vip"
    ip6 saddr 2001:db8:1::100 $m counter name "from_vip"
  }
}
NFT
}

# bypass P ANSWERS: the replies did not cross the director.
bypass() {
  local back to fwd got
  back=$(e2e_counter "$1" dir netdev e2e_watch replies)
  to=$(e2e_counter "$1" dir netdev e2e_watch requests)
  fwd=$(e2e_forwarded "$1" dir)
  got=$(e2e_counter "$1" client inet e2e_watch from_vip)
  echo "director: $back packets from the VIP, $to to the VIP, lvsnft forwarded $fwd; client: $got packets from the VIP for $2 answers"
  [ "$back" = 0 ] && [ "$to" -gt 0 ] && [ "$to" = "$fwd" ] && [ "$got" -ge "$2" ]
}

e2e_check "dr: dr6 topology" e2e_topo dr6 || exit 1
mapfile -t svcs < <(services dr 192.168.1.100 2001:db8:1::100 -)
e2e_cfg "$E2E_WORK/dr.json" '{"interface": "eth0"}' "${svcs[@]}"
setup_dr() {
  e2e_apply "$P" dir "$E2E_WORK/dr.json" &&
    e2e_rs_setup "$P" "$E2E_WORK/dr.json" "rs1=192.168.1.10 2001:db8:1::10" \
      "rs2=192.168.1.11 2001:db8:1::11" "rs3=192.168.1.12 2001:db8:1::12" &&
    e2e_serve "$P" "$SERVE_DR" && watch "$P"
}
e2e_check "dr: lvsnft apply, lvsnft rs-setup on rs1..rs3 (IPv4 + IPv6), servers up, oracles" \
  setup_dr || exit 1
traffic "$P" dr web 192.168.1.13 '^192\.168\.1\.100:80$' --tcp 192.168.1.100:80 --count 1500 --parallel 4 --source-ports 20000-21499
traffic "$P" dr dns 192.168.1.13 '^192\.168\.1\.100:8053$' --udp 192.168.1.100:8053 --count 1500 --parallel 4 --source-ports 22000-23499
traffic "$P" dr web6 2001:db8:1::13 '^\[2001:db8:1::100\]:80$' --tcp '[2001:db8:1::100]:80' --count 1500 --parallel 4 --source-ports 20000-21499
traffic "$P" dr dns6 2001:db8:1::13 '^\[2001:db8:1::100\]:8053$' --udp '[2001:db8:1::100]:8053' --count 1500 --parallel 4 --source-ports 22000-23499
e2e_check "dr: replies bypass the director (IPv4 and IPv6)" bypass "$P" 6000 &&
  e2e_info "$(bypass "$P" 6000)"
e2e_done modes
