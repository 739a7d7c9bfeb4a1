#!/usr/bin/env bash
# Health checks end to end (issue 13): lvsnft daemon with checks on the
# NAT reference topology (client -> director -> rs1..rs3), real TCP
# traffic from lvsnft_echo, observed by the client's per-server counts,
# the servers' own record of new SYNs (e2e_seen), the daemon's log and
# its metrics. Services (one VIP, one port each):
#   web :80   tcp check 0.5 s, fall 2, rise 2, timeout 0.4 s
#     1. rs2's listener killed (by pid) under a 4-worker stream: the DOWN
#        line comes within fall x interval + timeout (+ 1 s slack for the
#        shared machine); then 200 new connections all answered, none by
#        rs2, rs2 sees 0 new SYNs; the stream's failures (refused by the
#        dead rs2) all started before DOWN was logged (+ 300 ms for the
#        commit and connections in flight) and were refused or reset
#        (rs2's RST), counted and printed.
#     2. rs2 restarted: UP within rise x interval + 1 s; 1:1:1 ±5 pp.
#   flap :81  tcp check 0.2 s, rise 2, fall 3; rs2's listener up/down
#     every second for 10 s: transitions (log lines) at most one per
#     toggle, and counted by lvsnft_backend_transitions_total.
#   sorry :82 rs1, rs2, sorry_server rs3:8082: both killed -> every
#     request is answered by the sorry server.
#   quo :83   quorum 2, hysteresis 1, sorry_server rs3:8083: rs1 killed,
#     rs3 toggled (live weight 1 <-> 2, around the quorum): the quorum is
#     never lost (lost below quorum - hysteresis = 1), the sorry server
#     answers nothing.
#   ex :84    exec checks reading an exit code from a file per server:
#     3/3 (weights 1:1), then rs1 5 (weight 3): wrr 3:1 ±5 pp over 200.
# Skipped (exit 77) when the daemon does not act on checks at all (rs2
# never logged DOWN: the engine is not wired into this build's daemon).
#   health.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
VIP=192.168.10.100
RS1=192.168.1.10 RS2=192.168.1.11 RS3=192.168.1.12
cfg=$E2E_WORK/health.json
log=$E2E_WORK/daemon.log
ST=""

now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
logged() { grep -q -- "$1" "$log"; }
nlogged() { grep -c -- "$1" "$log"; }
# ev SERVICE ADDR WHAT: the pattern of the daemon's transition line
# "<5>web 192.168.1.11 DOWN after 2 failures: ..." (the daemon names the
# server as the config does: these servers have no port of their own).
ev() { echo "^<[0-9]>$1 $2\(:[0-9]*\)\? $3"; }
metric() {
  topo_exec "$P" dir curl -sf http://127.0.0.1:9747/metrics |
    awk -v m="$1" 'index($0, m) == 1 {s += $2} END {print s + 0}'
}
# count PORT N: N new TCP connections to VIP:PORT, JSON summary.
count() { e2e_client "$P" --tcp "$VIP:$1" --count "$2" --parallel 2; }

# serve HOST NAME ADDR:PORT: an lvsnft_echo listener; its pid in SPID.
serve() {
  topo_serve "$P" "$1" "$2" --hold --tcp "$3" || return 1
  SPID=$TOPO_PID
}
# kill_pid PID: SIGKILL, reaped (the listener is gone when this returns).
kill_pid() {
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

# --- config -----------------------------------------------------------------
svc() {  # svc NAME PORT SCHED CHECK_JSON EXTRA_JSON ADDR...
  local name=$1 port=$2 sched=$3 check=$4 extra=$5
  shift 5
  local rs=()
  for a in "$@"; do rs+=("$a=1"); done
  e2e_svc "$name" nat tcp $VIP "$port" - "$sched" "${rs[@]}" |
    jq -c --argjson c "$check" --argjson x "$extra" '. + {health_check: $c} + $x'
}
tcpck() { echo "{\"type\":\"tcp\",\"interval\":$1,\"timeout\":$2,\"rise\":$3,\"fall\":$4}"; }
exck() {  # exck FILE: exits with the code written in FILE.
  jq -nc --arg f "$1" '{type: "exec", interval: 0.2, timeout: 0.2, rise: 1,
    fall: 1, command: ["/bin/sh", "-c", "exit $(cat \($f))"]}'
}
echo 3 >"$E2E_WORK/ex1"
echo 3 >"$E2E_WORK/ex2"
e2e_cfg "$cfg" '{"interface": "eth0"}' \
  "$(svc web 80 wrr "$(tcpck 0.5 0.4 2 2)" '{}' $RS1 $RS2 $RS3)" \
  "$(svc flap 81 wrr "$(tcpck 0.2 0.2 2 3)" '{}' $RS1 $RS2)" \
  "$(svc sorry 82 wrr "$(tcpck 0.2 0.2 1 1)" \
    "{\"sorry_server\":{\"address\":\"$RS3\",\"port\":8082}}" $RS1 $RS2)" \
  "$(svc quo 83 wrr "$(tcpck 0.2 0.2 1 1)" \
    "{\"quorum\":2,\"hysteresis\":1,\"sorry_server\":{\"address\":\"$RS3\",\"port\":8083}}" \
    $RS1 $RS2 $RS3)" \
  "$(svc ex 84 wrr "$(exck "$E2E_WORK/ex1")" '{}' $RS1 $RS2 |
    jq -c --argjson c "$(exck "$E2E_WORK/ex2")" '.real_servers[1].health_check = $c')"

e2e_check "nat topology" e2e_topo nat || exit 1
state=$E2E_WORK/state.$P-dir
e2e_check "lvsnft validate of the health-check config" "$LV" validate -c "$cfg" || exit 1
declare -A pid
for i in 1 2 3; do
  a=192.168.1.1$((i - 1))
  for port in 80 81 82 83 84; do
    e2e_check "rs$i listens on $port" serve "rs$i" "rs$i" "$a:$port" || exit 1
    pid[rs$i:$port]=$SPID
  done
done
e2e_check "sorry servers on rs3:8082, rs3:8083" serve rs3 sorry "$RS3:8082" &&
  serve rs3 sorry "$RS3:8083" || exit 1
e2e_check "lvsnft apply" e2e_apply "$P" dir "$cfg" || exit 1
"$LV" daemon -c "$cfg" --netns "$P-dir" --state-dir "$state" \
  --metrics-listen 127.0.0.1:9747 2>>"$log" &
dpid=$!
topo_track "$P" "$dpid"
e2e_check "daemon's first sync" topo_wait_for 10 logged '^<5>ready:' || exit 1
sleep 1  # every check has had a few results

# --- 1. kill rs2 under load ---------------------------------------------------
e2e_seen_install "$P" rs2 "$RS2" 80 tcp
e2e_spawn_client "$P" ST --tcp "$VIP:80" --stream 30 --parallel 4
t0=$(now_ms)
sleep 1
t_kill=$(($(now_ms) - t0))
kill_pid "${pid[rs2:80]}"
if ! topo_wait_for 5 logged "$(ev web $RS2 DOWN)"; then
  e2e_collect ST stop
  echo "SKIP: the daemon logged no DOWN 5 s after rs2's listener died:" \
    "health checks are not wired into this build's daemon"
  tail -n 20 "$log"
  exit 77
fi
t_down=$(($(now_ms) - t0))
det=$((t_down - t_kill))
e2e_info "$(grep "$(ev web $RS2 DOWN)" "$log")"
e2e_check "rs2 DOWN ${det} ms after the kill (<= 2 x 500 + 400 + 1000 slack)" \
  test "$det" -le 2400
sleep 0.3
e2e_seen_flush "$P" rs2
res=$(count 80 200)
e2e_check "after DOWN: 200 new connections all answered, none by rs2" \
  e2e_jtest "$res" '.total == 200 and .ok == 200 and .rs.rs2 == null'
e2e_check "after DOWN: rs2 saw 0 new SYNs" test -z "$(e2e_seen "$P" rs2)"
sleep 1
e2e_collect ST stop
# early_fails: every failure of the stream started before DOWN + 300 ms
# and was refused or reset (the dead rs2's RST to a new connection or to
# one it held when killed: no other server was down).
early_fails() {
  jq -c --argjson k "$t_kill" '[.failures[] | {t_ms: (.t_ms - $k | round), error}]' <<<"$ST"
  jq -e --argjson t $((t_down + 300)) '(.failures | all(.t_ms <= $t))
    and .failed == .refused + .resets' <<<"$ST" >/dev/null
}
e2e_check "stream: failures only before DOWN, all refused/reset by rs2" early_fails &&
  e2e_info "stream: $(jf "$ST" .total) requests, $(jf "$ST" .failed) failed" \
    "(kill at ${t_kill} ms, DOWN at ${t_down} ms), per server $(jf "$ST" .rs)"

# --- 2. restart rs2 -------------------------------------------------------------
t_up0=$(now_ms)
e2e_check "rs2 restarted" serve rs2 rs2 "$RS2:80" || exit 1
e2e_check "rs2 UP within rise x interval + 1 s" topo_wait_for 2 logged "$(ev web $RS2 UP)" &&
  e2e_info "UP $(($(now_ms) - t_up0)) ms after the restart: $(grep "$(ev web $RS2 UP)" "$log")"
sleep 0.3
res=$(count 80 300)
e2e_check "rs2 back: 1:1:1 ±5 pp over 300" e2e_all_ok "$res" 300 &&
  e2e_check "rs2 back: split" e2e_split "$res" "rs1:1 rs2:1 rs3:1" 5

# --- 3. flapping rs2:81 (rise 2, fall 3, interval 0.2) ------------------------
tr0=$(metric lvsnft_backend_transitions_total)
n0=$(nlogged "$(ev flap $RS2 '\(UP\|DOWN\)')")
toggles=0
for _ in 1 2 3 4 5; do
  kill_pid "${pid[rs2:81]}"
  sleep 1
  serve rs2 rs2 "$RS2:81" || break
  pid[rs2:81]=$SPID
  toggles=$((toggles + 2))
  sleep 1
done
sleep 1
flaps=$(($(nlogged "$(ev flap $RS2 '\(UP\|DOWN\)')") - n0))
tr=$(($(metric lvsnft_backend_transitions_total) - tr0))
e2e_check "flap: $toggles toggles -> $flaps transitions (1..$toggles)" \
  test "$flaps" -ge 1 -a "$flaps" -le "$toggles"
e2e_check "flap: lvsnft_backend_transitions_total grew by the $flaps logged" \
  test "$tr" = "$flaps"

# --- 4. all down: the sorry server answers ------------------------------------
kill_pid "${pid[rs1:82]}"
kill_pid "${pid[rs2:82]}"
e2e_check "sorry: rs1 and rs2 DOWN" topo_wait_for 3 logged "$(ev sorry $RS2 DOWN)" &&
  topo_wait_for 3 logged "$(ev sorry $RS1 DOWN)"
sleep 0.3
res=$(count 82 50)
e2e_check "sorry: 50 requests all answered by the sorry server" \
  e2e_jtest "$res" '.ok == 50 and .rs == {"sorry": 50}'

# --- 5. quorum 2 with hysteresis 1 does not flap ------------------------------
kill_pid "${pid[rs1:83]}"
e2e_check "quo: rs1 DOWN" topo_wait_for 3 logged "$(ev quo $RS1 DOWN)"
q_low=1
for _ in 1 2 3; do
  kill_pid "${pid[rs3:83]}"
  sleep 0.8
  [ "$(metric 'lvsnft_service_quorum_up{service="quo"}')" = 1 ] || q_low=0
  res=$(count 83 20)
  jq -e '.ok == 20 and .rs.sorry == null' <<<"$res" >/dev/null || q_low=0
  serve rs3 rs3 "$RS3:83" || break
  pid[rs3:83]=$SPID
  sleep 0.8
done
e2e_check "quo: live weight 1<->2 three times: quorum kept, sorry server unused" \
  test "$q_low" = 1
e2e_check "quo: rs3's toggles were seen (6 transitions)" \
  test "$(nlogged "$(ev quo $RS3 '\(UP\|DOWN\)')")" -ge 6

# --- 6. exec exit codes set the weight ------------------------------------------
res=$(count 84 200)
e2e_check "ex: exit 3 / 3 -> weights 1:1 ±5 pp over 200" e2e_all_ok "$res" 200 &&
  e2e_check "ex: 1:1 split" e2e_split "$res" "rs1:1 rs2:1" 5
echo 5 >"$E2E_WORK/ex1"
sleep 1
res=$(count 84 200)
e2e_check "ex: rs1 exit 5 -> weights 3:1 ±5 pp over 200" e2e_all_ok "$res" 200 &&
  e2e_check "ex: 3:1 split" e2e_split "$res" "rs1:3 rs2:1" 5

kill -TERM "$dpid"
wait "$dpid"
e2e_done health
