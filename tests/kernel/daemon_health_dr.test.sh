#!/usr/bin/env bash
# Health checks of DR real servers in a running daemon (DR topology, real
# servers prepared by `lvsnft rs-setup`, listeners on VIP and RIP).
# - dns (udp check, a reply needed): flows pinned to rs2; rs2's listener killed -> DOWN ->
#   the flows4 elements carrying rs2's target id are gone (`nft -j list
#   set`); rs2 back UP -> the flows that moved to rs1/rs3 stay there.
# - web (tcp check): passes only while the server answers: rs2's listener
#   killed -> DOWN, no new connection reaches it. What is not proven: the
#   probe goes to RIP:port, not via the VIP, so rs3 without the VIP on lo
#   (rs-setup undone by hand) still passes (docs/health-checks.md).
#   daemon_health_dr.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/daemon.sh"
daemon_need jq
daemon_init lvhd dir
topo_create dr "$P" || exit 1

vip=192.168.1.100
rs() { jq -n --arg a "$1" '{address: $a}'; }
servers="[$(rs 192.168.1.10), $(rs 192.168.1.11), $(rs 192.168.1.12)]"
jq -n --arg vip $vip --argjson s "$servers" '
  def svc(n; proto; p; hc): {name: n, vip: $vip, protocol: proto,
    ports: [p], mode: "dr", scheduler: "mh", real_servers: $s,
    health_check: ({interval: 0.2, fall: 2, rise: 2} + hc)};
  {version: 1, director: {interface: "eth0", flow_timeout: 600}, services: [
    svc("dns"; "udp"; 53; {type: "udp", expect: "."}),
    svc("web"; "tcp"; 80; {type: "tcp"})]}' >"$cfg"

for i in 1 2 3; do
  "$lvsnft" rs-setup -c "$cfg" --netns "$P-rs$i" --self "192.168.1.1$((i - 1))" \
    --state "$work/rs$i.json" >>"$work/rs-setup.log" 2>&1 ||
    { cat "$work/rs-setup.log"; exit 1; }
done
serve() {  # serve HOST PROTO PORT: listener on the VIP and the RIP
  local rip=192.168.1.1$((${1#rs} - 1))
  topo_serve "$P" "$1" "$1" "--$2" "$vip:$3,$rip:$3"
}
declare -A pid
for h in rs1 rs2 rs3; do
  serve $h udp 53 && pid[$h.udp]=$TOPO_PID || exit 1
  serve $h tcp 80 && pid[$h.tcp]=$TOPO_PID || exit 1
done

topo_spawn "$P" dir "$lvsnft" daemon -c "$cfg" --netns "$NS" --state-dir "$state"
dlog=$TOPO_LOG
wait_for() { topo_wait_for "$@"; }
in_chain() {  # in_chain SERVICE ADDR: ADDR's rule is in the service chain
  ip netns exec "$NS" nft -j list chain netdev lvsnft "svc_$1" |
    grep -q "\"rs_${2//./_}_eth0\""
}
tid_of() {  # tid_of SERVICE ADDR: the target id the service marks ADDR with
  ip netns exec "$NS" nft -j list chain netdev lvsnft "svc_$1" | jq -r \
    --arg t "rs_${2//./_}_eth0" '.nftables[].rule? | select(.) |
      select(.expr[-1].goto.target == $t) | .expr[] | .mangle? |
      select(.) | .value' | head -n 1
}
flows_of() {  # flows_of TID: flows4 elements whose mark part is TID
  ip netns exec "$NS" nft -j list set netdev lvsnft flows4 | jq --argjson t "$1" \
    '[.. | .concat? | select(.) | select(.[-1] == $t)] | length'
}
who() {  # who SPORT: the server answering one datagram from SPORT
  topo_exec "$P" client "$TOPO_ECHO" client --udp $vip:53 --count 1 \
    --source-ports "$1-$1" --timeout-ms 1000 | sed -n 's/.*"rs":{"\([^"]*\)".*/\1/p'
}
topo_check "daemon ready" wait_for 10 grep -q '^<5>ready' "$dlog"
topo_check "dns: rs2 in svc_dns" wait_for 5 in_chain dns 192.168.1.11

# --- dns: rs2's per-flow entries go with it ---------------------------------
tid2=$(tid_of dns 192.168.1.11)
topo_check "rs2's target id read from svc_dns ($tid2)" test -n "$tid2"
ports=()
for sp in $(seq 41000 41029); do
  [ "$(who "$sp")" = rs2 ] && ports+=("$sp")
done
topo_check "some of 30 source ports pinned to rs2 (${#ports[@]})" \
  test ${#ports[@]} -gt 0
n=$(flows_of "$tid2")
topo_check "flows4 holds rs2's flows ($n >= ${#ports[@]})" test "$n" -ge ${#ports[@]}
topo_kill "$P" "${pid[rs2.udp]}"
topo_check "rs2's listener killed: out of svc_dns within 3 s" \
  wait_for 3 topo_not in_chain dns 192.168.1.11
topo_check "log: dns 192.168.1.11 DOWN" \
  grep -q '^<5>dns 192.168.1.11 DOWN after 2 failures' "$dlog"
no_flows() { [ "$(flows_of "$tid2")" = 0 ]; }
topo_check "flows4: no element with rs2's target id left" wait_for 2 no_flows
topo_check "log: dns 192.168.1.11: N flow entries deleted (N >= ${#ports[@]})" sh -c \
  "grep '^<6>dns 192.168.1.11: [0-9]* flow entries deleted\$' '$dlog' |
   awk '{ exit !(\$3 >= ${#ports[@]}) }'"
# The deletion is the daemon's own write: no drift-repair sync after it.
after_flush() { sed -n '/^<6>dns 192.168.1.11: [0-9]* flow entries deleted$/,$p' "$dlog"; }
topo_check "log: no sync (kernel event) after the deletion" \
  sh -c "sleep 0.5; ! { $(declare -f after_flush); dlog='$dlog'; after_flush; } | grep 'sync (kernel event)'"
moved() {
  local sp w
  for sp in "${ports[@]}"; do
    w=$(who "$sp")
    [ -n "$w" ] && [ "$w" != rs2 ] || {
      echo "port $sp: '$w'"
      topo_exec "$P" client "$TOPO_ECHO" client --udp $vip:53 --count 1 \
        --source-ports "$sp-$sp" --timeout-ms 1000
      return 1
    }
  done
}
topo_check "rs2's flows answered by rs1/rs3 now" moved
serve rs2 udp 53 || exit 1
topo_check "rs2's listener back: in svc_dns again within 3 s" \
  wait_for 3 in_chain dns 192.168.1.11
topo_check "rs2 back: the flows that moved stay on rs1/rs3" moved

# --- web: a DR check passes only while the server answers -------------------
topo_check "web: rs2 in svc_web" in_chain web 192.168.1.11
topo_kill "$P" "${pid[rs2.tcp]}"
topo_check "web: rs2's tcp listener killed: out of svc_web within 3 s" \
  wait_for 3 topo_not in_chain web 192.168.1.11
topo_check "log: web 192.168.1.11 DOWN after 2 failures: connection refused" grep -q \
  '^<5>web 192.168.1.11 DOWN after 2 failures: connection refused$' "$dlog"
out=$(topo_exec "$P" client "$TOPO_ECHO" client --tcp $vip:80 --count 30 \
  --timeout-ms 2000)
topo_check "web: 30 new connections all answered" test "$(topo_json "$out" ok)" = 30
topo_check "web: none reaches rs2" topo_not topo_json "$out" rs.rs2
# Not proven by the check: the VIP on the server. Without it, traffic via
# the VIP is not accepted by rs3, yet the probe to RIP:80 still succeeds.
ip -n "$P-rs3" addr del $vip/32 dev lo
sleep 1
topo_check "web: rs3 without the VIP on lo stays in (the probe goes to the RIP)" \
  in_chain web 192.168.1.12
topo_check "log: no DOWN for rs3" topo_not grep -q 'web 192.168.1.12 DOWN' "$dlog"

[ "${TOPO_FAILS:-0}" -ne 0 ] && sed 's/^/  log: /' "$dlog"
topo_summary daemon_health_dr
