#!/usr/bin/env bash
# Health checks in a running daemon (NAT topology, real listeners in the
# real-server namespaces): a tcp-checked server whose listener dies leaves
# `nft -j list ruleset` within fall x interval + timeout (+ slack) and new
# connections never reach it; restarted, it comes back; both transitions
# are logged and counted. An http check takes out a server answering 500
# that a tcp check of the same listener keeps in; an exec check exiting 5
# gives weight 3. promtool accepts the metrics page.
#   daemon_health.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/daemon.sh"
daemon_need promtool jq
daemon_init lvdh dir
topo_create nat "$P" || exit 1

# web: tcp checks on .10-.12:80. api / apitcp: the same listeners on .10
# and .12:8080 under an http and a tcp check. dyn: exec exits 5. dns:
# udp checks (a dead listener answers ICMP port unreachable). Only web
# has 192.168.1.11, so it is absent from the ruleset exactly when web
# removed it.
vip=192.168.10.100
rs() { jq -n --arg a "$1" --argjson p "$2" '{address: $a, port: $p}'; }
jq -n --arg vip $vip \
  --argjson web "[$(rs 192.168.1.10 80), $(rs 192.168.1.11 80), $(rs 192.168.1.12 80)]" \
  --argjson api "[$(rs 192.168.1.10 8080), $(rs 192.168.1.12 8080)]" \
  --argjson dyn "[$(rs 192.168.1.10 80), $(rs 192.168.1.12 80)]" \
  --argjson dns "[$(rs 192.168.1.10 53), $(rs 192.168.1.12 53)]" '
  def svc(n; p; s; hc): {name: n, vip: $vip, protocol: "tcp", ports: [p],
    mode: "nat", scheduler: "wrr", real_servers: s, health_check: hc};
  def t: {interval: 0.2, fall: 2, rise: 2};
  {version: 1, director: {interface: "eth0"}, services: [
    svc("web"; 80; $web; t + {type: "tcp"}),
    svc("api"; 8080; $api; t + {type: "http", path: "/"}),
    svc("apitcp"; 8081; $api; t + {type: "tcp"}),
    svc("dyn"; 81; $dyn; t + {type: "exec",
                              command: ["/bin/sh", "-c", "exit 5"]}),
    svc("dns"; 53; $dns; t + {type: "udp"}) + {protocol: "udp"}]}' >"$cfg"

http_server() {  # http_server HOST ADDR STATUS: answers every GET with STATUS
  topo_spawn "$P" "$1" python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(int(sys.argv[2])); self.end_headers()
        self.wfile.write(b"hello\n")
    def log_message(self, *a): pass
http.server.HTTPServer((sys.argv[1], 8080), H).serve_forever()' "$2" "$3"
}
topo_serve "$P" rs1 rs1 --tcp 192.168.1.10:80
topo_serve "$P" rs3 rs3 --tcp 192.168.1.12:80
topo_serve "$P" rs2 rs2 --tcp 192.168.1.11:80
rs2_pid=$TOPO_PID
topo_serve "$P" rs1 rs1 --udp 192.168.1.10:53
topo_serve "$P" rs3 rs3 --udp 192.168.1.12:53
udp3_pid=$TOPO_PID
http_server rs1 192.168.1.10 500
http_server rs3 192.168.1.12 200

topo_spawn "$P" dir "$lvsnft" daemon -c "$cfg" --netns "$NS" \
  --state-dir "$state" --metrics-listen 127.0.0.1:$port
dlog=$TOPO_LOG
wait_for() { topo_wait_for "$@"; }
ctl() { "$lvsnft" ctl --control-socket "$sock" "$@"; }
metrics() { ip netns exec "$NS" curl -sf "http://127.0.0.1:$port/metrics"; }
metric() { metrics | awk -v m="$1" '$1 == m {print $2}'; }
metric_is() { [ "$(metric "$1")" = "$2" ]; }
in_ruleset() { ip netns exec "$NS" nft -j list ruleset | grep -q "\"$1\""; }
clients() {  # clients PORT: 30 connections; prints the rs counts
  topo_exec "$P" client "$TOPO_ECHO" client --tcp $vip:"$1" --count 30 \
    --timeout-ms 2000
}
b='service="web",backend="192.168.1.11:80"'
topo_check "daemon ready" wait_for 10 grep -q '^<5>ready' "$dlog"
topo_check "all web servers up (metrics)" wait_for 5 metric_is "lvsnft_backend_up{$b}" 1
topo_check "192.168.1.11 in the ruleset" in_ruleset 192.168.1.11

# --- tcp: the listener dies -> out; restarted -> back ---------------------
t0=${EPOCHREALTIME/./}
topo_kill "$P" "$rs2_pid"
topo_check "killed listener: 192.168.1.11 leaves nft -j list ruleset within 3 s" \
  wait_for 3 topo_not in_ruleset 192.168.1.11
down_ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
out=$(clients 80)
topo_check "30 new connections all answered" test "$(topo_json "$out" ok)" = 30
topo_check "no new connection reaches rs2" topo_not topo_json "$out" rs.rs2
topo_check "log: web 192.168.1.11:80 DOWN after 2 failures: connection refused" \
  grep -q '^<5>web 192.168.1.11:80 DOWN after 2 failures: connection refused$' "$dlog"
topo_check "log: the sync says health check" \
  grep -q '^<5>sync (health check): ' "$dlog"
topo_check "metrics: lvsnft_backend_up 0" metric_is "lvsnft_backend_up{$b}" 0
topo_check "ctl status shows the down server" \
  sh -c "'$lvsnft' ctl --control-socket '$sock' status | grep -q '^  web 192.168.1.11:80 down since .*, last connection refused (.* ms), [0-9]* failures in a row; tcp 192.168.1.11:80$'"
# A ctl set on another server of web re-lowers web alone (the named-
# service path): the health step must still keep the dead server out.
topo_check "ctl set of 192.168.1.10 while .11 is down" \
  ctl set web 192.168.1.10:80 --weight 2
topo_check "after ctl set: 192.168.1.11 still out of the ruleset" \
  topo_not in_ruleset 192.168.1.11
topo_check "ctl clear of 192.168.1.10" ctl clear web 192.168.1.10:80
t0=${EPOCHREALTIME/./}
topo_serve "$P" rs2 rs2 --tcp 192.168.1.11:80
topo_check "restarted listener: 192.168.1.11 back within 3 s" \
  wait_for 3 in_ruleset 192.168.1.11
up_ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
topo_check "log: UP after 2 successes" \
  grep -q '^<5>web 192.168.1.11:80 UP after 2 successes$' "$dlog"
out=$(clients 80)
topo_check "rs2 answers again" topo_json "$out" rs.rs2
topo_check "metrics: 2 transitions counted" \
  metric_is "lvsnft_backend_transitions_total{$b}" 2

# --- http 500: out under http, in under tcp -------------------------------
a='backend="192.168.1.10:8080"'
topo_check "http check: the 500 server is down" \
  wait_for 3 metric_is "lvsnft_backend_up{service=\"api\",$a}" 0
topo_check "tcp check of the same listener: up" \
  metric_is "lvsnft_backend_up{service=\"apitcp\",$a}" 1
topo_check "api: 192.168.1.10 state down (effective config)" \
  metric_is "lvsnft_backend_state{service=\"api\",$a,state=\"down\"}" 1
codes() {
  for _ in 1 2 3 4 5 6 7 8; do
    topo_exec "$P" client curl -s -o /dev/null -w '%{http_code}\n' \
      --max-time 2 "http://$vip:$1/"
  done | sort -u | tr '\n' ' '
}
topo_check "client via api (http check): only 200s" test "$(codes 8080)" = "200 "
topo_check "client via apitcp (tcp check): 500s too" \
  sh -c "echo '$(codes 8081)' | grep -q 500"

# --- exec exit 5: weight 3 ----------------------------------------------
topo_check "exec exit 5: weight 3 in the effective config" wait_for 3 \
  metric_is 'lvsnft_backend_weight{service="dyn",backend="192.168.1.10:80"}' 3
topo_check "exec exit 5: ctl status says weight 3" \
  sh -c "'$lvsnft' ctl --control-socket '$sock' status | grep -q '^  dyn 192.168.1.10:80 up .*, weight 3; exec /bin/sh -c'"

# --- udp: a removed server's conntrack entries are deleted -----------------
ours() {  # ours SERVER: lvsnft-marked UDP entries whose reply source is SERVER
  ip netns exec "$NS" conntrack -L -p udp --reply-src "$1" \
    --mark 0x40000000/0xc0000000 2>/dev/null | grep -c 'sport=53 '
}
topo_exec "$P" client "$TOPO_ECHO" client --udp $vip:53 --count 20 \
  --timeout-ms 1000 >/dev/null
before=$(ours 192.168.1.12)
topo_check "udp: conntrack has entries of 192.168.1.12 ($before)" \
  test "$before" -gt 0
topo_kill "$P" "$udp3_pid"
none_left() { [ "$(ours 192.168.1.12)" = 0 ]; }
topo_check "udp: 192.168.1.12 down, its conntrack entries deleted within 3 s" \
  wait_for 3 none_left
topo_check "udp: the other server's entries stay" \
  test "$(ours 192.168.1.10)" -gt 0
topo_check "log: entries deleted" \
  grep -q '^<6>dns 192.168.1.12:53: [1-9][0-9]* conntrack entries deleted$' "$dlog"

# --- metrics --------------------------------------------------------------
metrics >"$work/metrics.txt"
topo_check "promtool check metrics passes the scrape" \
  sh -c "promtool check metrics <'$work/metrics.txt'"
topo_check "check duration histogram present" \
  grep -q "^lvsnft_backend_check_duration_seconds_count{$b} [1-9]" "$work/metrics.txt"
topo_check "failures counted" \
  grep -q "^lvsnft_backend_check_failures_total{$b} [1-9]" "$work/metrics.txt"

echo "figures: listener killed -> out of the ruleset ${down_ms} ms; restarted -> back ${up_ms} ms (interval 200 ms, fall/rise 2)"
[ "${TOPO_FAILS:-0}" -ne 0 ] && sed 's/^/  log: /' "$dlog"
topo_summary daemon_health
