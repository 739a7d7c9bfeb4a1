#!/usr/bin/env bash
# Health checks of IPv6 real servers in a running daemon (nat6 topology):
# a tcp check and an http check, each against listeners on 2001:db8:1::1N.
# rs2's listener killed -> DOWN (logged, out of `nft -j list ruleset`, no
# new connection via the IPv6 VIP reaches it); restarted -> UP again.
#   daemon_health_v6.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/daemon.sh"
daemon_need jq
daemon_init lvh6 dir
topo_create nat6 "$P" || exit 1

vip=2001:db8:10::100
# rs2 has a second address, 2001:db8:1::21, for api6: each of rs2's
# addresses is in the ruleset exactly while its service has it.
ip -n "$P-rs2" addr add 2001:db8:1::21/64 dev eth0 nodad
rs() { jq -n --arg a "2001:db8:1::$1" --argjson p "$2" '{address: $a, port: $p}'; }
jq -n --arg vip $vip \
  --argjson web "[$(rs 10 80), $(rs 11 80), $(rs 12 80)]" \
  --argjson api "[$(rs 10 8080), $(rs 21 8080), $(rs 12 8080)]" '
  def svc(n; p; s; hc): {name: n, vip: $vip, protocol: "tcp", ports: [p],
    mode: "nat", scheduler: "rr", real_servers: s,
    health_check: ({interval: 0.2, fall: 2, rise: 2} + hc)};
  {version: 1, director: {interface: "eth0"}, services: [
    svc("web6"; 80; $web; {type: "tcp"}),
    svc("api6"; 8080; $api; {type: "http", path: "/health"})]}' >"$cfg"

http_server() {  # http_server HOST ADDR: 200 on /health, 404 elsewhere
  topo_spawn "$P" "$1" python3 -c '
import http.server, socket, sys
class S(http.server.HTTPServer):
    address_family = socket.AF_INET6
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
        self.wfile.write(sys.argv[2].encode() + b"\n")
    def log_message(self, *a): pass
S((sys.argv[1], 8080), H).serve_forever()' "$2" "$1"
  http_pid=$TOPO_PID
  listening() { ip netns exec "$P-$1" ss -Hltn "( sport = :8080 )" | grep -q .; }
  topo_wait_for 10 listening "$1" || { echo "http server in $1 did not start"; exit 1; }
}
declare -A pid
for i in 1 2 3; do
  topo_serve "$P" rs$i rs$i --tcp "[2001:db8:1::1$((i - 1))]:80" &&
    pid[rs$i]=$TOPO_PID || exit 1
done
for h in rs1:10 rs2:21 rs3:12; do
  http_server "${h%:*}" "2001:db8:1::${h#*:}" && pid[${h%:*}.http]=$http_pid
done

topo_spawn "$P" dir "$lvsnft" daemon -c "$cfg" --netns "$NS" --state-dir "$state"
dlog=$TOPO_LOG
wait_for() { topo_wait_for "$@"; }
in_ruleset() { ip netns exec "$NS" nft -j list ruleset | grep -q "\"$1\""; }
logged() {  # logged PATTERN: a daemon log line since the last `mark_log`
  tail -n +$((from + 1)) "$dlog" | grep -q "$1"
}
mark_log() { from=$(wc -l <"$dlog"); }
from=0
topo_check "daemon ready" wait_for 10 grep -q '^<5>ready' "$dlog"
up() { ip netns exec "$NS" nft -j list ruleset | grep -q "\"$1\""; }
all_up() { up 2001:db8:1::10 && up 2001:db8:1::11 && up 2001:db8:1::12 && up 2001:db8:1::21; }
topo_check "all six servers in the ruleset" wait_for 5 all_up
sleep 0.5
topo_check "all six up for 0.5 s" all_up

# --- tcp ----------------------------------------------------------------
mark_log
topo_kill "$P" "${pid[rs2]}"
topo_check "tcp: rs2 killed -> [2001:db8:1::11]:80 DOWN within 3 s" wait_for 3 \
  logged '^<5>web6 \[2001:db8:1::11\]:80 DOWN after 2 failures: connection refused$'
topo_check "tcp: 2001:db8:1::11 out of the ruleset" wait_for 2 topo_not up 2001:db8:1::11
out=$(topo_exec "$P" client "$TOPO_ECHO" client --tcp "[$vip]:80" --count 30 \
  --timeout-ms 2000)
topo_check "tcp: 30 connections via the IPv6 VIP all answered" \
  test "$(topo_json "$out" ok)" = 30
topo_check "tcp: none reaches rs2" topo_not topo_json "$out" rs.rs2
mark_log
topo_serve "$P" rs2 rs2 --tcp "[2001:db8:1::11]:80" || exit 1
topo_check "tcp: restarted -> UP within 3 s" wait_for 3 \
  logged '^<5>web6 \[2001:db8:1::11\]:80 UP after 2 successes$'
topo_check "tcp: back in the ruleset" wait_for 2 up 2001:db8:1::11
out=$(topo_exec "$P" client "$TOPO_ECHO" client --tcp "[$vip]:80" --count 30 \
  --timeout-ms 2000)
topo_check "tcp: rs2 answers again" topo_json "$out" rs.rs2

# --- http ---------------------------------------------------------------
codes() {  # who answers 9 GETs via the VIP
  for _ in 1 2 3 4 5 6 7 8 9; do
    topo_exec "$P" client curl -s --max-time 2 "http://[$vip]:8080/x"
  done | sort | uniq -c | awk '{print $2}' | tr '\n' ' '
}
mark_log
topo_kill "$P" "${pid[rs2.http]}"
topo_check "http: rs2 killed -> [2001:db8:1::21]:8080 DOWN within 3 s" wait_for 3 \
  logged '^<5>api6 \[2001:db8:1::21\]:8080 DOWN after 2 failures'
topo_check "http: 2001:db8:1::21 out of the ruleset" wait_for 2 topo_not up 2001:db8:1::21
topo_check "http: web6's 2001:db8:1::11 stays" up 2001:db8:1::11
topo_check "http: only rs1 and rs3 answer via the VIP" test "$(codes)" = "rs1 rs3 "
mark_log
http_server rs2 2001:db8:1::21
topo_check "http: restarted -> UP within 3 s" wait_for 3 \
  logged '^<5>api6 \[2001:db8:1::21\]:8080 UP after 2 successes$'
rs2_answers() { codes | grep -q rs2; }
topo_check "http: rs2 answers again" wait_for 2 rs2_answers

[ "${TOPO_FAILS:-0}" -ne 0 ] && sed 's/^/  log: /'
topo_summary daemon_health_v6
