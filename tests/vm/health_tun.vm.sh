#!/bin/bash
# Runs inside the VM (tests/vm/vmrun.sh, from health_tun.test.sh): health
# checks of TUN real servers on Linux 6.1.
#   tun topology (tests/lib/topo.sh), rs1 and rs2 prepared by `lvsnft
#   rs-setup` (tunl0 + VIP), a listener on the VIP and the RIP of each;
#   `lvsnft daemon` with service web (tun, tcp/80, mh, a tcp check of
#   RIP:80). 30 connections from fixed source ports fill the director's
#   per-flow set flows4; rs2's listener killed ->
#   - the daemon logs DOWN and rs2's rule leaves svc_web;
#   - no element of flows4 (`nft -j list set`) carries rs2's target id
#     (read from svc_web before the kill), while rs1's stay;
#   - the source ports that were pinned to rs2 are answered by rs1, and
#     new connections all reach rs1.
# Prints "health_tun: N failure(s)"; exits 0 only when every check passed.
#   tests/vm/vmrun.sh tests/vm/health_tun.vm.sh build/lvsnft build/lvsnft_echo
. /lab/vm_lib.sh  # topo.sh, vm_begin, in_ns, client, check, fig, brief
VIP=202.10.1.101
vm_begin lvht

cat >"$W/cfg.json" <<JSON
{ "version": 1, "director": { "interface": "eth0", "flow_timeout": 600 },
  "services": [
    { "name": "web", "vip": "$VIP", "protocol": "tcp", "ports": [80],
      "mode": "tun", "scheduler": "mh", "mh_table_size": 251,
      "health_check": { "type": "tcp", "interval": 1, "timeout": 0.8,
                        "fall": 2, "rise": 2 },
      "real_servers": [ { "address": "192.168.1.10" },
                        { "address": "192.168.1.11" } ] } ] }
JSON

json() { topo_json "$OUT" "$1"; }
# in_chain N: rs N's goto is in svc_web.
in_chain() { in_ns dir nft list chain netdev lvsnft svc_web | grep -q "goto rs_192_168_1_1$1_"; }
# tid_of N: rs N's target id (decimal), from its flows4 rule in svc_web.
tid_of() {
  local hex
  hex=$(in_ns dir nft list chain netdev lvsnft svc_web |
    sed -n "s/.*meta mark set \(0x[0-9a-f]*\) .*@flows4 goto rs_192_168_1_1$1_.*/\1/p")
  [ -n "$hex" ] && echo $((hex))
}
# flows_of TID: flows4 elements (nft -j) whose last field, the target, is TID.
flows_of() {
  in_ns dir nft -j list set netdev lvsnft flows4 |
    grep -o '"concat": *\[[^]]*\]' | grep -c "[, ]$1\]"
}
# who SPORT: the server answering one connection from source port SPORT.
who() {
  client --tcp "$VIP:80" --count 1 --source-ports "$1-$1" --timeout-ms 2000 |
    sed -n 's/.*"rs":{"\([^"]*\)".*/\1/p'
}

rs_setup() {  # rs_setup N: rs-setup of rs N, a listener on VIP and RIP
  local rip=192.168.1.1$(($1 - 1))
  "$L" rs-setup -c "$W/cfg.json" --netns "$P-rs$1" --self "$rip" \
    --state "$W/rs$1.json" || return 1
  topo_serve "$P" "rs$1" "rs$1" --tcp "$VIP:80,$rip:80"
}

topo_create tun "$P" || exit 1
check "rs-setup rs1, listener on VIP and RIP" rs_setup 1
check "rs-setup rs2, listener on VIP and RIP" rs_setup 2
RS2PID=$TOPO_PID
topo_spawn "$P" dir "$L" daemon -c "$W/cfg.json" --netns "$P-dir" --state-dir "$ST"
DLOG=$TOPO_LOG
check "daemon ready" topo_wait_for 60 grep -q '^<5>ready' "$DLOG"
both_in() { in_chain 0 && in_chain 1; }
check "both servers in svc_web" topo_wait_for 10 both_in

TID1=$(tid_of 0) TID2=$(tid_of 1)
check "target ids read from svc_web (rs1 $TID1, rs2 $TID2)" \
  test -n "$TID1" -a -n "$TID2"
PORTS=()
pin() {
  local sp w
  for sp in $(seq 42000 42029); do
    w=$(who "$sp")
    [ "$w" = rs2 ] && PORTS+=("$sp")
    [ -n "$w" ] || { echo "port $sp: no answer"; return 1; }
  done
  fig "${#PORTS[@]} of 30 source ports pinned to rs2;" \
    "flows4: rs1 $(flows_of "$TID1"), rs2 $(flows_of "$TID2")"
  [ ${#PORTS[@]} -gt 0 ] && [ "$(flows_of "$TID2")" -ge ${#PORTS[@]} ] &&
    [ "$(flows_of "$TID1")" -gt 0 ]
}
check "30 connections from fixed ports: flows4 holds both servers' flows" pin
N1=$(flows_of "$TID1")

topo_kill "$P" "$RS2PID"
check "rs2's listener killed: out of svc_web within 10 s" \
  topo_wait_for 10 topo_not in_chain 1
check "log: web 192.168.1.11 DOWN after 2 failures: connection refused" \
  grep -q '^<5>web 192.168.1.11 DOWN after 2 failures: connection refused$' "$DLOG"
no_flows() { [ "$(flows_of "$TID2")" = 0 ]; }
check "flows4 (nft -j): no element with rs2's target id left" \
  topo_wait_for 5 no_flows
check "flows4: rs1's $N1 elements stay" test "$(flows_of "$TID1")" -ge "$N1"
check "log: web 192.168.1.11: N flow entries deleted" \
  grep -q '^<6>web 192.168.1.11: [0-9]* flow entries deleted$' "$DLOG"
moved() {
  local sp w
  for sp in "${PORTS[@]}"; do
    w=$(who "$sp")
    [ "$w" = rs1 ] || { echo "port $sp: '$w'"; return 1; }
  done
}
check "the ports pinned to rs2 are answered by rs1 now" moved
new_to_rs1() {
  OUT=$(client --tcp "$VIP:80" --count 20 --parallel 4 --timeout-ms 2000)
  echo "$OUT"
  fig "$(brief)"
  [ "$(json ok)" = 20 ] && [ "$(json rs.rs1)" = 20 ]
}
check "20 new connections: all answered by rs1" new_to_rs1
topo_summary health_tun
