#!/bin/bash
# Health-check detection suite (host kernel, the NAT topology of
# tests/lib/topo.sh in throw-away namespaces). Called by bench/run with
# BN_SRC, BN_BUILD, BN_OUT, BN_DIR set; writes $BN_OUT/detect.tsv
# (samples) and $BN_OUT/detect.md (table).
#
# Per setting INTERVAL:FALL:TIMEOUT (seconds, seconds): `lvsnft daemon` on
# service web (tcp 80, wrr over rs1..rs3, a tcp check with that timing,
# rise 2), a 4-worker TCP stream from the client to the VIP the whole time;
# per repetition, after a random pause of up to one interval:
#   detect: rs2's listener killed (SIGKILL) -> rs2's address gone from
#           `nft -j list table inet lvsnft` in the director, polled as fast
#           as nft can list (the poll period is recorded: the resolution);
#   back:   rs2 restarted -> its address back in the table.
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

# setting S: one daemon, REPS kills and restarts of rs2.
setting() {
  local s=$1 iv fall to rep t0 t1 dpid sp
  IFS=: read -r iv fall to <<<"$s"
  jq --argjson i "$iv" --argjson f "$fall" --argjson t "$to" \
    '.services[0].health_check = {type: "tcp", interval: $i, fall: $f,
       timeout: $t, rise: 2}' "$BN_SRC/examples/nat.json" >"$W/cfg.json"
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
    kill -KILL "$RS2PID" && wait "$RS2PID" 2>/dev/null
    if poll_until 0 $((${iv%.*} * fall + 10)); then
      t1=$(now_us)
      bn_rec "$s" detect "$rep" "$((t1 - t0))e-6"
      bn_rec "$s" poll "$rep" "$(((t1 - t0) / POLLS))e-6"
    else
      bn_rec "$s" detect "$rep" nan
    fi
    t0=$(now_us)
    serve_rs2 || break
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
done
"$LV" apply -c "$BN_SRC/examples/nat.json" --netns "$P-dir" --state-dir "$W/state" \
  >>"$BN_LOG" 2>&1 || exit 1
for s in $SETTINGS; do
  bn_say "setting $s"
  setting "$s"
done
{
  echo "BN_SETTINGS='$SETTINGS'"
  echo "BN_REPS=$REPS"
} >"$BN_OUT/detect.vars"
BN_SETTINGS=$SETTINGS bash "$BN_DIR/detect_report.sh" >"$BN_OUT/detect.md"
