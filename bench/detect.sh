#!/bin/bash
# Health-check detection suite (host kernel, the NAT topology of
# tests/lib/topo.sh in throw-away namespaces). Called by bench/run with
# BN_SRC, BN_BUILD, BN_OUT, BN_DIR set; writes $BN_OUT/detect.tsv
# (samples) and $BN_OUT/detect.md (table).
#
# Per case FAULT:CHECK and setting INTERVAL:FALL:TIMEOUT (seconds, seconds):
# `lvsnft daemon` on service web (tcp 80, wrr over rs1..rs3, a CHECK check
# with that timing, rise 2), a 4-worker TCP stream from the client to the
# VIP the whole time; per repetition, after a random pause of up to one
# interval:
#   detect: rs2 fails -> rs2's address gone from `nft -j list table inet
#           lvsnft` in the director, polled as fast as nft can list (the
#           poll period is recorded: the resolution);
#   back:   rs2 repaired -> its address back in the table.
# Faults: kill = rs2's listener killed (SIGKILL; connects are refused);
# hang = rs2 stops answering without closing: for a tcp check an nft rule
# in rs2's namespace drops its SYNs to port 80 (connects time out), for an
# http check its HTTP server (python3, port 8080, the check's `port`) is
# stopped with SIGSTOP (the kernel still accepts, no response comes).
# The goal of issue 13 is detect <= fall x interval + timeout + 10 ms.
set -uo pipefail
. "$BN_DIR/lib.sh"
bn_suite detect
LV=$BN_BUILD/lvsnft
TOPO_ECHO=$BN_BUILD/lvsnft_echo
TOPO_TAG=${BN_P}d
. "$BN_SRC/tests/lib/topo.sh"
W=$BN_SCRATCH/detect.work
mkdir -p "$W"
trap 'topo_cleanup_all 0; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

CASES=${BN_CASES:-"kill:tcp hang:tcp hang:http"}
if [ "${BN_SMOKE:-0}" = 1 ]; then
  SETTINGS=${BN_SETTINGS:-"0.2:2:0.2"} REPS=${BN_REPS:-2}
else
  SETTINGS=${BN_SETTINGS:-"1:3:0.5 0.5:2:0.4 0.2:3:0.2 0.1:2:0.1"} REPS=${BN_REPS:-6}
fi
VIP=192.168.10.100 RS2=192.168.1.11

now_us() { echo "${EPOCHREALTIME/./}"; }
# wait_log PATTERN: up to 10 s for a line of the daemon log.
wait_log() {
  for _ in $(seq 1000); do
    grep -q -- "$1" "$W/daemon.log" 2>/dev/null && return 0
    sleep 0.01
  done
  return 1
}
# rs2_in: rs2's address is in lvsnft's table (one nft listing).
rs2_in() {
  topo_exec "$P" dir nft -j list table inet lvsnft | grep -q "\"$RS2\""
}
# poll_until WANT SECONDS: polls rs2_in until it equals WANT (1 in, 0 out);
# sets POLLS (listings done). Fails at the deadline.
poll_until() {
  local end=$(($(now_us) + $2 * 1000000)) got
  POLLS=0
  while :; do
    POLLS=$((POLLS + 1))
    if rs2_in; then got=1; else got=0; fi
    [ "$got" = "$1" ] && return 0
    [ "$(now_us)" -gt $end ] && return 1
  done
}
serve_rs2() {
  topo_serve "$P" rs2 rs2 --hold --tcp "$RS2:80" || return 1
  RS2PID=$TOPO_PID
}
# http_server N: an HTTP server (200 to every GET) on rs N's port 8080.
http_server() {
  topo_spawn "$P" "rs$1" python3 "$BN_SRC/tests/lib/http_ok.py" \
    "192.168.1.1$(($1 - 1))" 8080
  [ "$1" = 2 ] && HTTP2PID=$TOPO_PID
  topo_wait_for 10 topo_exec "$P" rs"$1" sh -c "ss -Hltn 'sport = :8080' | grep -q ."
}
# fault CASE: rs2 fails the way CASE says; repair CASE undoes it.
fault() {
  case $1 in
    kill:*) kill -KILL "$RS2PID" && wait "$RS2PID" 2>/dev/null ;;
    hang:tcp) topo_exec "$P" rs2 nft -f - <<<'table inet bnhang {
      chain in { type filter hook input priority -10; tcp dport 80 drop; }
    }' ;;
    hang:http) kill -STOP "$HTTP2PID" ;;
  esac
}
repair() {
  case $1 in
    kill:*) serve_rs2 ;;
    hang:tcp) topo_exec "$P" rs2 nft delete table inet bnhang ;;
    hang:http) kill -CONT "$HTTP2PID" ;;
  esac
}
# check_json CASE INTERVAL FALL TIMEOUT: web's health_check.
check_json() {
  jq -n --arg t "${1#*:}" --argjson i "$2" --argjson f "$3" --argjson o "$4" \
    '{type: $t, interval: $i, fall: $f, timeout: $o, rise: 2}
     + (if $t == "http" then {port: 8080, path: "/"} else {} end)'
}

# setting CASE S: one daemon, REPS faults and repairs of rs2; samples
# under the config key "CASE S".
setting() {
  local c=$1 iv fall to rep t0 t1 dpid sp s="$1 $2"
  IFS=: read -r iv fall to <<<"$2"
  jq --argjson hc "$(check_json "$c" "$iv" "$fall" "$to")" \
    '.services[0].health_check = $hc' "$BN_SRC/examples/nat.json" >"$W/cfg.json"
  : >"$W/daemon.log"
  "$LV" daemon -c "$W/cfg.json" --netns "$P-dir" --state-dir "$W/state" \
    2>>"$W/daemon.log" &
  dpid=$!
  topo_track "$P" "$dpid"
  wait_log '^<5>ready:' || { bn_say "$s: daemon did not start"; return 1; }
  topo_spawn "$P" client "$TOPO_ECHO" client --tcp "$VIP:80" --stream 3600 --parallel 4
  sp=$TOPO_PID
  for rep in $(seq "$REPS"); do
    poll_until 1 10 || { bn_say "$s: rs2 not in the table"; break; }
    sleep "$(awk -v i="$iv" -v r=$RANDOM 'BEGIN {print i * r / 32768}')"
    t0=$(now_us)
    fault "$c"
    if poll_until 0 $((${iv%.*} * fall + 10)); then
      t1=$(now_us)
      bn_rec "$s" detect "$rep" "$((t1 - t0))e-6"
      bn_rec "$s" poll "$rep" "$(((t1 - t0) / POLLS))e-6"
    else
      bn_rec "$s" detect "$rep" nan
    fi
    t0=$(now_us)
    repair "$c" || break
    poll_until 1 30 && bn_rec "$s" back "$rep" "$(($(now_us) - t0))e-6"
    bn_say "$s rep $rep: $(tail -n 3 "$BN_TSV" | cut -f2,4 | tr '\t\n' '= ')"
  done
  topo_kill "$P" "$sp"
  kill -TERM "$dpid"
  wait "$dpid" 2>/dev/null
  bn_rec "$s" downlogs 0 "$(grep -c " DOWN after " "$W/daemon.log")"
}

P=$(topo_prefix "$TOPO_TAG")
topo_create nat "$P" || exit 1
for i in 1 2 3; do
  topo_serve "$P" "rs$i" "rs$i" --hold --tcp "192.168.1.1$((i - 1)):80" || exit 1
  [ "$i" = 2 ] && RS2PID=$TOPO_PID
  http_server "$i" || exit 1
done
"$LV" apply -c "$BN_SRC/examples/nat.json" --netns "$P-dir" --state-dir "$W/state" \
  >>"$BN_LOG" 2>&1 || exit 1
for c in $CASES; do
  for s in $SETTINGS; do
    bn_say "case $c, setting $s"
    setting "$c" "$s"
  done
done
{
  echo "BN_CASES='$CASES'"
  echo "BN_SETTINGS='$SETTINGS'"
  echo "BN_REPS=$REPS"
} >"$BN_OUT/detect.vars"
BN_CASES=$CASES BN_SETTINGS=$SETTINGS bash "$BN_DIR/detect_report.sh" >"$BN_OUT/detect.md"
