#!/bin/bash
# Runs inside the VM (tests/vm/vmrun.sh, from tun_e2e.test.sh): TUN mode end
# to end on Linux 6.1, which has ipip (the host kernel does not).
#   A. tun topology (tests/lib/topo.sh); real servers set up by `lvsnft
#      rs-setup`, the director by `lvsnft apply` (per-RS ipip devices, netdev
#      ingress fwd rules); TCP and UDP through the VIP reach every server.
#   B. Replies bypass the director. Oracle: probe counters (a foreign nft
#      table in the client and the director) and the real servers' tunl0
#      counters. Every request the client sends is seen once by the
#      director's eth0, counted once by lvsnft's per-server chains and
#      decapsulated once by that server's tunl0; every reply reaches the
#      client from the router's MAC with the VIP as source; the director
#      receives no packet from the VIP on any interface.
#   C. Drain of one server: its long-lived connections keep working, new
#      TCP and UDP flows go to the other; undrain brings it back.
#   D. `lvsnft destroy` removes the ipip devices it created, the VIP and
#      the table; a second destroy has nothing to do.
#   E. Fault injection (the test binary lvsnft-test: --test-fault batch:
#      the transaction fails on its last message; after-tunnels: apply
#      fails right after creating the ipip devices), N times each, on a live ruleset and from nothing:
#      `nft list ruleset`, `nft -j list ruleset`, `ip -j link` and `ip -j
#      addr` byte-identical to before; `ip monitor` proves the devices were
#      really created and deleted each time.
# Prints "tun_e2e: N failure(s)"; exits 0 only when every check passed.
#   tests/vm/vmrun.sh tests/vm/tun_e2e.vm.sh build/lvsnft build/lvsnft-test \
#     build/lvsnft_echo
. /lab/vm_lib.sh  # topo.sh, vm_begin, in_ns, client, check, fig, ...
LT=/lab/lvsnft-test
FAULT_RUNS=${FAULT_RUNS:-20}
VIP=202.10.1.101
CLIENT=202.10.1.10
vm_begin lvvm

# --- helpers --------------------------------------------------------------

# tun_cfg FILE RS1_STATE EXTRA_RS MH_TABLE_SIZE: web (tcp/80) and dns
# (udp/53) on the VIP, mode tun, real servers rs1 (in RS1_STATE), rs2 and
# maybe one more.
tun_cfg() {
  local rs="{ \"address\": \"192.168.1.10\", \"state\": \"$2\" },
        { \"address\": \"192.168.1.11\" }"
  [ -n "$3" ] && rs+=", { \"address\": \"$3\" }"
  cat >"$1" <<EOF
{ "version": 1, "director": { "interface": "eth0" },
  "services": [
    { "name": "web", "vip": "$VIP", "protocol": "tcp", "ports": [80],
      "mode": "tun", "mh_table_size": $4, "real_servers": [ $rs ] },
    { "name": "dns", "vip": "$VIP", "protocol": "udp", "ports": [53],
      "mode": "tun", "mh_table_size": $4, "real_servers": [ $rs ] } ] }
EOF
}
tun_cfg "$W/base.json" up "" 4093  # the default size
tun_cfg "$W/drain.json" drain "" 4093
# Fault runs list the ruleset twice per run: smaller Maglev tables keep a
# listing well under a second under emulation (4093 slots take ~2 s).
tun_cfg "$W/small.json" up "" 251
tun_cfg "$W/plus.json" up 192.168.1.12 251

lv() { "$L" "$@" --netns "$P-dir" --state-dir "$ST"; }
# eq GOT WANT: prints both when they differ.
eq() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }
gt0() { [ "${1:-0}" -gt 0 ] || { echo "got '$1', want > 0"; return 1; }; }
# counter HOST FAMILY NAME: packets of the named probe counter.
counter() {
  in_ns "$1" nft list counter "$2" lvvmprobe "$3" |
    sed -n 's/.*packets \([0-9]*\).*/\1/p'
}
# chain_packets HOST CHAIN: sum of the rule counters of an lvsnft chain.
chain_packets() {
  in_ns "$1" nft list chain netdev lvsnft "$2" |
    awk '{for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1)} END {print s + 0}'
}
rs_chain() { echo "rs_192_168_1_$1_lvt_c0a801$2"; }
tunl0_rx() { in_ns "$1" cat /sys/class/net/tunl0/statistics/rx_packets; }
mac() { in_ns "$1" cat "/sys/class/net/$2/address"; }
lists_ok() { in_ns dir nft list ruleset >/dev/null && in_ns dir nft -j list ruleset >/dev/null; }
json() { topo_json "$OUT" "$1"; }

# --- A. set up, apply, traffic --------------------------------------------

probes() {
  in_ns dir nft -f - <<EOF || return 1
table netdev lvvmprobe {
  counter req {}
  counter rep0 {}
  counter rep1 {}
  chain in0 { type filter hook ingress device "eth0" priority -1000;
    ip daddr $VIP counter name "req"
    meta pkttype host ip saddr $VIP counter name "rep0"
  }
  chain in1 { type filter hook ingress device "eth1" priority -1000;
    meta pkttype host ip saddr $VIP counter name "rep1"
  }
}
EOF
  in_ns client nft -f - <<EOF
table inet lvvmprobe {
  counter req {}
  chain out { type filter hook output priority 0; ip daddr $VIP counter name "req"; }
}
table netdev lvvmprobe {
  counter rep {}
  counter rep_router {}
  counter rep_dir {}
  chain in { type filter hook ingress device "eth0" priority 0;
    ip saddr $VIP counter name "rep"
    ip saddr $VIP ether saddr $(mac router eth0) counter name "rep_router"
    ip saddr $VIP ether saddr $(mac dir eth0) counter name "rep_dir"
  }
}
EOF
}

rs_setup() {  # rs_setup HOST ADDR
  "$L" rs-setup -c "$W/base.json" --netns "$P-$1" --self "$2" --state "$W/$1.rs.json" &&
    "$L" rs-setup -c "$W/base.json" --netns "$P-$1" --self "$2" --state "$W/$1.rs.json" --check &&
    ip -n "$P-$1" -o addr show dev tunl0 | grep -q "inet $VIP/32" &&
    eq "$(in_ns "$1" cat /proc/sys/net/ipv4/conf/tunl0/rp_filter)" 0
}

# The ipip device for 192.168.1.1$1 exists, is ipip, up, towards the RS.
tun_dev() {
  local o
  o=$(ip -n "$P-dir" -d -o link show "lvt-c0a801$2") || return 1
  echo "$o"
  grep -q "ipip remote 192.168.1.$1 " <<<"$o" && grep -q ",UP" <<<"$o"
}

fwd_rules() {
  local t
  t=$(in_ns dir nft list table netdev lvsnft) || return 1
  grep -q 'type filter hook ingress device "eth0"' <<<"$t" &&
    eq "$(grep -c 'fwd ip to 192.168.1.10 device "lvt-c0a8010a"' <<<"$t")" 2 &&
    eq "$(grep -c 'fwd ip to 192.168.1.11 device "lvt-c0a8010b"' <<<"$t")" 2
}

traffic() {  # traffic PROTO PORT COUNT: all ok, every RS, VIP answered
  OUT=$(client --"$1" "$VIP:$2" --count "$3" --parallel 4 --timeout-ms 5000) || { echo "$OUT"; return 1; }
  echo "$OUT"
  fig "$(brief)"
  eq "$(json ok)" "$3" && eq "$(json "local.$VIP:$2")" "$3" &&
    eq "$(json "seen.$CLIENT")" "$3" && gt0 "$(json rs.rs1)" && gt0 "$(json rs.rs2)"
}

topo_create tun "$P" || exit 1
check "probe tables in the client and the director" probes
check "rs-setup rs1 (tunl0 + VIP, rp_filter 0), --check in sync" rs_setup rs1 192.168.1.10
check "rs-setup rs2" rs_setup rs2 192.168.1.11
topo_serve "$P" rs1 rs1 --hold --tcp "$VIP:80" --udp "$VIP:53" || exit 1
topo_serve "$P" rs2 rs2 --hold --tcp "$VIP:80" --udp "$VIP:53" || exit 1
check "nft_fwd_netdev nft_hash unloaded before the first apply" unloaded nft_fwd_netdev nft_hash
check "lvsnft apply (tun, 2 services, 2 real servers)" lv apply -c "$W/base.json"
check "the transaction autoloaded nft_fwd_netdev nft_hash" loaded nft_fwd_netdev nft_hash
check "ipip device lvt-c0a8010a -> 192.168.1.10, up" tun_dev 10 0a
check "ipip device lvt-c0a8010b -> 192.168.1.11, up" tun_dev 11 0b
check "netdev ingress on eth0 with fwd into both devices" fwd_rules
vip_on_eth0() { ip -n "$P-dir" -o addr show dev eth0 | grep -q "inet $VIP/32"; }
check "VIP $VIP/32 on the director's eth0" vip_on_eth0
check "nft list ruleset / nft -j list ruleset exit 0" lists_ok
check "lvsnft diff: in sync after apply" lv diff -c "$W/base.json"
check "TCP: 40 connections, all answered by the VIP, both servers" traffic tcp 80 40
check "UDP: 40 datagrams, all answered by the VIP, both servers" traffic udp 53 40

# --- B. the reply path bypasses the director ------------------------------

requests_path() {
  local creq dreq f1 f2 r1 r2
  sleep 1  # the last FIN/ACKs
  creq=$(counter client inet req) dreq=$(counter dir netdev req)
  f1=$(chain_packets dir "$(rs_chain 10 0a)") f2=$(chain_packets dir "$(rs_chain 11 0b)")
  r1=$(tunl0_rx rs1) r2=$(tunl0_rx rs2)
  fig "client sent $creq; director eth0 saw $dreq; lvsnft forwarded $f1 + $f2;" \
    "tunl0 decapsulated rs1 $r1, rs2 $r2"
  gt0 "$creq" && eq "$dreq" "$creq" && eq $((f1 + f2)) "$creq" && eq "$r1" "$f1" &&
    eq "$r2" "$f2"
}
replies_path() {
  local rep rr rd d0 d1
  rep=$(counter client netdev rep) rr=$(counter client netdev rep_router)
  rd=$(counter client netdev rep_dir)
  d0=$(counter dir netdev rep0) d1=$(counter dir netdev rep1)
  fig "client got $rep from the VIP ($rr via the router's MAC, $rd via the" \
    "director's); director received from the VIP: eth0 $d0, eth1 $d1"
  # at least one reply per request (SYN-ACK + data + FIN for TCP)
  [ "$rep" -ge 80 ] && eq "$rr" "$rep" && eq "$rd" 0 && eq "$d0" 0 && eq "$d1" 0
}
check "requests: client = director eth0 = lvsnft fwd counters = RS tunl0" requests_path
check "replies: from the VIP via the router; the director sees none" replies_path

# --- C. drain ------------------------------------------------------------

long_open() {  # waits until the 16 long flows are in the director's flow set
  local n=0 _
  for _ in $(seq 100); do
    n=$(in_ns dir nft list set netdev lvsnft flows4 | grep -c ' \. 420[01][0-9] \. 80 \. ')
    [ "$n" -ge 16 ] && return 0
    sleep 0.1
  done
  echo "only $n of 16 long flows in flows4"
  return 1
}
drain() {
  LONG_LOG=$W/long.json
  client --tcp "$VIP:80" --long 16 --duration 10 --interval-ms 200 \
    --source-ports 42000-42015 >"$LONG_LOG" 2>&1 &
  LONG_PID=$!
  topo_track "$P" "$LONG_PID"
  long_open && RX1=$(tunl0_rx rs1) && lv apply -c "$W/drain.json" &&
    lv diff -c "$W/drain.json" && lv status | grep -E '192\.168\.1\.10 .* drain'
}
new_after_drain() {
  OUT=$(client --tcp "$VIP:80" --count 30 --parallel 4 --timeout-ms 5000)
  echo "$OUT"
  fig "$(brief)"
  eq "$(json ok)" 30 && eq "$(json rs.rs2)" 30 || return 1
  OUT=$(client --udp "$VIP:53" --count 20 --parallel 4 --timeout-ms 5000)
  echo "$OUT"
  fig "$(brief)"
  eq "$(json ok)" 20 && eq "$(json rs.rs2)" 20
}
long_survived() {
  wait "$LONG_PID"
  OUT=$(grep '^{' "$LONG_LOG")
  echo "$OUT"
  fig "$(brief)"
  local rx
  rx=$(tunl0_rx rs1)
  fig "rs1 tunl0 rx: $RX1 at the drain, $rx at the end"
  eq "$(json opened)" 16 && eq "$(json broken)" 0 && eq "$(json alive)" 16 &&
    gt0 "$(json rs.rs1)" && gt0 "$(json rs.rs2)" && [ "$rx" -gt "$RX1" ]
}
check "drain rs1 while 16 long connections are open (apply, diff, status)" drain
check "drained: 30 new TCP + 20 new UDP flows all go to rs2" new_after_drain
check "drained: long connections on rs1 and rs2 all kept working" long_survived
check "undrain (apply the first config again)" lv apply -c "$W/base.json"
check "undrained: new TCP flows reach both servers again" traffic tcp 80 30

# --- D. destroy ----------------------------------------------------------

destroyed() {
  local links
  links=$(ip -n "$P-dir" -j link)
  ! grep -q '"lvt-' <<<"$links" || { echo "$links"; return 1; }
  ! in_ns dir nft list tables | grep -q 'netdev lvsnft$' &&
    in_ns dir nft list tables | grep -q 'netdev lvvmprobe' &&
    ! vip_on_eth0
}
destroy_again() { lv destroy | grep -q 'nothing to remove'; }
rs_undo() {
  "$L" rs-setup --undo --netns "$P-rs1" --state "$W/rs1.rs.json" &&
    "$L" rs-setup --undo --netns "$P-rs2" --state "$W/rs2.rs.json"
}
check "lvsnft destroy" lv destroy
check "destroy: ipip devices, VIP and table gone, probe table kept" destroyed
check "destroy again: nothing to remove" destroy_again
check "destroyed: the VIP no longer answers" topo_not client --tcp "$VIP:80" --timeout-ms 1000
check "rs-setup --undo on rs1 and rs2" rs_undo

# --- E. fault injection --------------------------------------------------

snapshot() {
  in_ns dir nft list ruleset
  echo ---
  in_ns dir nft -j list ruleset
  echo ---
  ip -n "$P-dir" -j link
  echo ---
  ip -n "$P-dir" -j addr
}
# faults FAULT CONFIG WANT_ERROR: FAULT_RUNS failed applies, each leaving
# the snapshot byte-identical; WANT_ERROR is the exact stderr.
faults() {
  local before i bad=0 rc err
  before=$(snapshot)
  for i in $(seq "$FAULT_RUNS"); do
    err=$("$LT" --test-fault "$1" apply -c "$2" --netns "$P-dir" --state-dir "$ST" 2>&1 >/dev/null)
    rc=$?
    [ $rc = 1 ] || { echo "run $i: exit $rc"; bad=$((bad + 1)); }
    [ "$err" = "$3" ] || { echo "run $i: stderr: $err"; bad=$((bad + 1)); }
    [ "$before" = "$(snapshot)" ] || { echo "run $i: state changed"; bad=$((bad + 1)); }
  done
  fig "$FAULT_RUNS runs, $bad problems"
  [ $bad = 0 ]
}
monitor_start() {
  ip -n "$P-dir" monitor link >"$W/monitor" 2>&1 &
  MON=$!
  sleep 0.3
}
# monitor_count DEV: prints "created deleted" for the device since the start.
monitor_count() {
  sleep 0.3
  kill "$MON"
  wait "$MON" 2>/dev/null
  echo "$(grep -cE "^[0-9]+: $1[@:]" "$W/monitor") $(grep -cE "^Deleted [0-9]+: $1[@:]" "$W/monitor")"
}
err_batch='lvsnft: apply: the kernel rejected the transaction; nothing was changed
  delete chain netdev lvsnft lvsnft-fault-injection: No such file or directory'
err_tunnels='lvsnft: apply: injected fault: after-tunnels'
check "fault setup: apply a config on a clean director" lv apply -c "$W/small.json"
monitor_start
check "fault batch x$FAULT_RUNS (adding rs3): ruleset, JSON, links, addrs identical" \
  faults batch "$W/plus.json" "$err_batch"
check "fault after-tunnels x$FAULT_RUNS (adding rs3): all identical" \
  faults after-tunnels "$W/plus.json" "$err_tunnels"
created_deleted() {
  local n
  n=$(monitor_count lvt-c0a8010c)
  fig "lvt-c0a8010c created/deleted (link events): $n"
  [ "${n% *}" -ge $((2 * FAULT_RUNS)) ] && eq "${n#* }" $((2 * FAULT_RUNS))
}
check "ip monitor: lvt-c0a8010c was created and deleted in every run" created_deleted
check "after the faults: diff still in sync with that config" lv diff -c "$W/small.json"
check "from nothing: destroy" lv destroy
FAULT_RUNS=$(((FAULT_RUNS + 3) / 4))
check "fault batch x$FAULT_RUNS from nothing: all identical" \
  faults batch "$W/plus.json" "$err_batch"
check "fault after-tunnels x$FAULT_RUNS from nothing: all identical" \
  faults after-tunnels "$W/plus.json" "$err_tunnels"
apply_after() { lv apply -c "$W/plus.json" >/dev/null && lv diff -c "$W/plus.json"; }
destroy_all() { lv destroy && ! ip -n "$P-dir" -o link | grep -q lvt-; }
check "after the faults from nothing: apply works, in sync" apply_after
check "and destroy removes all three devices" destroy_all
topo_summary tun_e2e
