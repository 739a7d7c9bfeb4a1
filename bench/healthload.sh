#!/bin/bash
# Health checks at scale (host kernel, throw-away namespaces), side by
# side in one run; writes $out/health_load.tsv (samples) and
# $out/health_load.md (tables) for BENCHMARKS.md sections 4 and 1b.
#
#   engine:  bench/health_bench, TARGETS distinct HTTP targets checked
#            every INTERVAL, alternating (a) listeners and checks on
#            loopback and (b) listeners in namespace rs, checks in
#            namespace dir (a veth between), as the daemon's checks run in
#            the director's namespace: checks/s, CPU ms per 1,000 checks
#            (the checking process only), spread of the actual intervals.
#   daemon:  `lvsnft daemon` in namespace dir on NAT SERVICES×REALS
#            (lvsnft_gen; the real servers 172.16.x.y:8080 are answered by
#            one HTTP listener in rs, which owns 172.16.0.0/12 by a local
#            route), alternating the config with an http check on every
#            service (interval INTERVAL) and the same config without:
#            ctl set request -> reply (client, and as the daemon logs it),
#            the daemon's CPU over a window and the checks it ran in it
#            (lvsnft_backend_check_duration_seconds_count), DOWN lines.
#
# Called by bench/run (`bench/run healthload`) with BN_SRC, BN_BUILD,
# BN_OUT, BN_DIR set; BN_REPS overrides the repetitions.
set -uo pipefail
. "$BN_DIR/lib.sh"
bn_suite healthload
LV=$BN_BUILD/lvsnft
HB=$BN_BUILD/bench/health_bench
W=$BN_SCRATCH/healthload.work
mkdir -p "$W"
pids=()
stop_all() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; pids=(); }
trap 'stop_all; bn_cleanup; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

if [ "${BN_SMOKE:-0}" = 1 ]; then
  TARGETS=300 INTERVAL=0.5 SECONDS_RUN=2 SVC=10 REALS=3 SETS=3 WINDOW=2
  REPS=${BN_REPS:-1}
else
  TARGETS=10000 INTERVAL=2 SECONDS_RUN=10 SVC=1000 REALS=10 SETS=20 WINDOW=10
  REPS=${BN_REPS:-3}
fi
IV_MS=$(awk -v i=$INTERVAL 'BEGIN {print i * 1000}')
C="nat $SVC×$REALS"

# --- the namespaces -----------------------------------------------------
D=$(bn_ns_new dir) || exit 1
R=$BN_P-rs
ip netns add "$R" && BN_NS+=("$R") || exit 1
ip -n "$R" link set lo up &&
  ip -n "$D" link add eth1 type veth peer name eth0 netns "$R" &&
  ip -n "$D" addr add 10.77.0.1/30 dev eth1 && ip -n "$D" link set eth1 up &&
  ip -n "$R" addr add 10.77.0.2/30 dev eth0 && ip -n "$R" link set eth0 up &&
  ip -n "$D" route add 172.16.0.0/12 via 10.77.0.2 &&
  ip -n "$R" route add local 172.16.0.0/12 dev lo || exit 1

# --- engine -------------------------------------------------------------
# engine WHERE REP: one health_bench run, its figures recorded.
engine() {
  local where=$1 rep=$2 line k args=()
  [ "$where" = netns ] && args=(--address 10.77.0.2 --serve-netns "$R" --check-netns "$D")
  line=$("$HB" --type http --targets $TARGETS --interval-ms "$IV_MS" \
    --seconds $SECONDS_RUN "${args[@]}" 2>>"$BN_LOG")
  echo "$line" >>"$BN_LOG"
  line=$(head -n 1 <<<"$line")
  for k in checks_per_s failures cpu_ms_per_1000_checks interval_ms_p1 p50 p99 max; do
    bn_rec "$where" "$k" "$rep" "$(sed -n "s/.* $k=\([0-9.]*\).*/\1/p" <<<"$line")"
  done
}

# --- daemon -------------------------------------------------------------
"$BN_BUILD/lvsnft_gen" --services $SVC --reals $REALS --mode nat >"$W/idle.json" || exit 1
jq --argjson iv "$INTERVAL" '.services |= map(. + {health_check:
  {type: "http", path: "/", interval: $iv, timeout: ([$iv, 1] | min)}})' \
  "$W/idle.json" >"$W/checked.json" || exit 1
ip netns exec "$R" "$HB" --serve-only 8080 --address 0.0.0.0 --type http &
pids+=($!)
MPORT=9$((RANDOM % 900 + 100))
svc=$(jq -r '.services[(.services | length) / 2 | floor].name' "$W/idle.json")
addr=$(jq -r '.services[(.services | length) / 2 | floor].real_servers[0]
  | .address + ":" + (.port | tostring)' "$W/idle.json")

wait_log() {  # wait_log PATTERN: up to 120 s for a daemon log line
  local end=$((SECONDS + 120))
  until grep -q "$1" "$W/daemon.log"; do
    kill -0 "$dpid" 2>/dev/null && [ $SECONDS -lt $end ] || return 1
    sleep 0.1
  done
}
checks() {  # checks run so far (sum over every checked server); "" if no scrape
  ip netns exec "$D" curl -sf --max-time 20 "http://127.0.0.1:$MPORT/metrics" |
    awk '/^lvsnft_backend_check_duration_seconds_count/ {s += $2; n++}
      END {if (n) print s}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
log_ms() {  # log_ms PATTERN: seconds of the daemon's last "..., X ms" line
  grep "$1" "$W/daemon.log" | tail -n 1 | sed -nE 's/.* ([0-9.]+) ms$/\1/p' |
    awk '{print $1 / 1000}'
}

# daemon KIND REP: a daemon on $W/KIND.json; its CPU window and ctl sets.
daemon() {
  local kind=$1 rep=$2 st=$W/state i c0 c1 t0 t1 n0 n1 hz
  rm -rf "$st" && mkdir -p "$st"
  "$LV" daemon -c "$W/$kind.json" --netns "$D" --state-dir "$st" \
    --metrics-listen 127.0.0.1:$MPORT 2>"$W/daemon.log" &
  dpid=$!
  pids+=("$dpid")
  wait_log '^<5>ready:' || { tail -n 20 "$W/daemon.log" >&2; return 1; }
  sleep "$(awk -v i=$INTERVAL 'BEGIN {print 2 * i + 1}')"  # every check started
  hz=$(getconf CLK_TCK)
  n0=$(checks) c0=$(cpu_ticks "$dpid") t0=${EPOCHREALTIME/./}
  sleep $WINDOW
  c1=$(cpu_ticks "$dpid") t1=${EPOCHREALTIME/./} n1=$(checks)
  bn_rec "$C" "cpu_pct.$kind" "$rep" \
    "$(awk -v c=$((c1 - c0)) -v h="$hz" -v t=$((t1 - t0)) 'BEGIN {print c / h / (t / 1e6) * 100}')"
  # A scrape can fail under load (then nan): see BENCHMARKS.md section 4.
  if [ -n "$n0" ] && [ -n "$n1" ] && [ $((n1 - n0)) -gt 0 ]; then
    bn_rec "$C" "checks_per_s.$kind" "$rep" "$(awk -v n=$((n1 - n0)) -v t=$((t1 - t0)) 'BEGIN {print n / (t / 1e6)}')"
    bn_rec "$C" "cpu_ms_per_1000.$kind" "$rep" \
      "$(awk -v c=$((c1 - c0)) -v h="$hz" -v n=$((n1 - n0)) 'BEGIN {print c / h * 1e6 / n}')"
  else
    bn_rec "$C" "checks_per_s.$kind" "$rep" "$([ $kind = idle ] && echo 0 || echo nan)"
  fi
  for i in $(seq $SETS); do
    bn_run - "$LV" ctl --control-socket "$st/control.sock" set "$svc" "$addr" \
      --weight $((2 + i % 2))
    bn_rec "$C" "ctlset.$kind" "$rep.$i" "$BN_WALL"
    bn_rec "$C" "ctlset.rc" "$kind.$rep.$i" "$BN_RC"
    bn_rec "$C" "ctlreq.$kind" "$rep.$i" "$(log_ms 'control: request handled')"
  done
  bn_rec "$C" "down.$kind" "$rep" "$(grep -c ' DOWN after ' "$W/daemon.log")"
  kill -TERM "$dpid" && wait "$dpid"
  cat "$W/daemon.log" >>"$BN_LOG"
}

for rep in $(seq "$REPS"); do
  bn_say "healthload: rep $rep: engine on loopback, in namespaces"
  engine loopback "$rep"
  engine netns "$rep"
  bn_say "healthload: rep $rep: daemon idle, with $((SVC * REALS)) http checks"
  daemon idle "$rep" || exit 1
  daemon checked "$rep" || exit 1
done
stop_all

cat >"$BN_OUT/healthload.vars" <<VARS
HL_TARGETS=$TARGETS
HL_INTERVAL=$INTERVAL
HL_CONFIG="$C"
HL_CHECKS=$((SVC * REALS))
VARS
(set -a && . "$BN_OUT/healthload.vars" && bash "$BN_DIR/healthload_report.sh") >"$BN_OUT/healthload.md"
bn_say "healthload: done"
