#!/bin/bash
# Resident-daemon suite (host kernel, throw-away namespaces). Called by
# bench/run with BN_SRC, BN_BUILD, BN_OUT, BN_DIR set; writes
# $BN_OUT/daemon.tsv (samples) and $BN_OUT/daemon.md (tables).
#
# Per config (MODE:SERVICES:REALS), side by side in one run:
#   a daemon (`lvsnft daemon`) started on the config in namespace a; then
#   ctlset:  `lvsnft ctl set SVC ADDR:PORT --weight W` (W alternating 2, 3;
#            real server 0 of service SERVICES/2), timed by bench/benchtime
#            from the client's start to the daemon's reply, which comes
#            after the transaction was committed;
#   ctlsync: the same change as the daemon logs it ("sync (control): ...,
#            X ms": lowering, encoding and the commit);
#   ctlreq:  the daemon's whole handling of that request, from reading it
#            to the reply ("control: request handled in X ms": overrides
#            persisted, effective config patched, the sync);
#   reload:  `lvsnft ctl reload` of a file in which one service changed
#            (lvsnft_gen --bump, alternating with the original file);
#   rss/hwm: the daemon's VmRSS and VmHWM (/proc/PID/status) at the end;
#   nftf:    `nft -f` of the whole ruleset with the same one-RS change
#            (lvsnft compile of the bumped config) into namespace b, where
#            the original ruleset was loaded first (the way to change a
#            ruleset with nft alone).
set -uo pipefail
. "$BN_DIR/lib.sh"
bn_suite daemon
W=$BN_SCRATCH/daemon.work
mkdir -p "$W"
dpid=""
trap '[ -n "$dpid" ] && kill "$dpid" 2>/dev/null; bn_cleanup; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

LV=$BN_BUILD/lvsnft
GEN=$BN_BUILD/lvsnft_gen
if [ "${BN_SMOKE:-0}" = 1 ]; then
  CONFIGS=${BN_CONFIGS:-"nat:20:3 mixed:20:3"}
  SETS=${BN_SETS:-4} RELOADS=${BN_RELOADS:-2} NFTF=${BN_NFTF:-1}
else
  CONFIGS=${BN_CONFIGS:-"nat:10000:10 mixed:10000:10"}
  SETS=${BN_SETS:-30} RELOADS=${BN_RELOADS:-6} NFTF=${BN_NFTF:-5}
fi

# prepare C: the config, its one-service change and both compiled.
prepare() {
  local m s r f=$W/$1
  IFS=: read -r m s r <<<"$1"
  "$GEN" --services "$s" --reals "$r" --mode "$m" >"$f.json" &&
    "$GEN" --services "$s" --reals "$r" --mode "$m" --bump $((s / 2)) >"$f.bump.json" &&
    "$LV" compile -c "$f.json" -o "$f.nft" &&
    "$LV" compile -c "$f.bump.json" -o "$f.bump.nft"
}

# wait_log PATTERN: until the daemon log has a line matching PATTERN.
wait_log() {
  local i
  for i in $(seq 1200); do
    grep -q "$1" "$W/daemon.log" && return 0
    kill -0 "$dpid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# last_ms PATTERN: the milliseconds of the daemon's last line with PATTERN.
last_ms() {
  grep "$1" "$W/daemon.log" | tail -n 1 | sed -nE 's/.* ([0-9.]+) ms$/\1/p'
}

# rec_ms C METRIC I PATTERN: records last_ms PATTERN in seconds.
rec_ms() {
  local ms
  ms=$(last_ms "$4")
  bn_rec "$1" "$2" "$3" "$(awk -v m="${ms:-nan}" 'BEGIN {print m == "nan" ? "nan" : m / 1000}')"
}

# daemon_part C: start the daemon in namespace a, time ctl set and reload.
daemon_part() {
  local c=$1 f=$W/$1 a st=$W/state sock svc addr i w
  rm -rf "$st" && mkdir -p "$st"
  a=$(bn_ns_new a) || return 1
  cp "$f.json" "$W/daemon.json"
  sock=$st/control.sock
  # LVSNFT_TIMING: the phases of a reload (parse+check) for the split.
  LVSNFT_TIMING=1 "$LV" daemon -c "$W/daemon.json" --netns "$a" \
    --state-dir "$st" --control-socket "$sock" 2>"$W/daemon.log" &
  dpid=$!
  wait_log '^<5>ready:' || { cat "$W/daemon.log" >&2; return 1; }
  svc=$(jq -r '.services[(.services | length) / 2 | floor].name' "$f.json")
  addr=$(jq -r '.services[(.services | length) / 2 | floor].real_servers[0]
    | .address + (if .port then ":" + (.port | tostring) else "" end)' "$f.json")
  for i in $(seq "$SETS"); do
    w=$((2 + i % 2))
    bn_run - "$LV" ctl --control-socket "$sock" set "$svc" "$addr" --weight "$w"
    bn_rec "$c" ctlset "$i" "$BN_WALL"
    # The first increment after the start sync, apart: work left for later
    # (sorting the snapshot's slot maps) would show there and hide in a median.
    [ "$i" = 1 ] && bn_rec "$c" ctlset1 1 "$BN_WALL"
    bn_rec "$c" ctlset.rc "$i" "$BN_RC"
    rec_ms "$c" ctlsync "$i" "sync (control)"
    rec_ms "$c" ctlreq "$i" "control: request handled"
    grep "sync (control)" "$W/daemon.log" | tail -n 1 | grep -q '(incremental)'
    bn_rec "$c" ctlincr "$i" $?
    # The client's floor: its process start alone, and a request that
    # needs no sync (start, connect, request, reply).
    bn_run - "$LV" --version
    bn_rec "$c" exec "$i" "$BN_WALL"
    bn_run - "$LV" ctl --control-socket "$sock" status
    bn_rec "$c" ctlstatus "$i" "$BN_WALL"
  done
  "$LV" ctl --control-socket "$sock" clear --all >/dev/null 2>>"$BN_LOG"
  for i in $(seq "$RELOADS"); do
    if [ $((i % 2)) = 1 ]; then cp "$f.bump.json" "$W/daemon.json"; else cp "$f.json" "$W/daemon.json"; fi
    bn_run - "$LV" ctl --control-socket "$sock" reload
    bn_rec "$c" reload "$i" "$BN_WALL"
    [ "$i" = 1 ] && bn_rec "$c" reload1 1 "$BN_WALL"
    bn_rec "$c" reload.rc "$i" "$BN_RC"
    grep "sync (reload)" "$W/daemon.log" | tail -n 1 | grep -q '(incremental)'
    bn_rec "$c" reloadincr "$i" $?
    rec_ms "$c" reloadparse "$i" "timing: parse+check"
    rec_ms "$c" reloadsync "$i" "sync (reload)"
  done
  bn_rec "$c" rss 1 "$(awk '/^VmRSS:/ {print $2}' "/proc/$dpid/status")"
  bn_rec "$c" hwm 1 "$(awk '/^VmHWM:/ {print $2}' "/proc/$dpid/status")"
  "$LV" diff -c "$W/daemon.json" --netns "$a" --state-dir "$st" >>"$BN_LOG" 2>&1
  bn_rec "$c" insync 1 $?
  kill -TERM "$dpid" && wait "$dpid"
  dpid=""
  cat "$W/daemon.log" >>"$BN_LOG"
  bn_ns_del "$a"
}

# nft_part C: nft -f of the whole bumped ruleset over the loaded original.
nft_part() {
  local c=$1 f=$W/$1 b i
  b=$(bn_ns_new b) || return 1
  ip netns exec "$b" nft -f "$f.nft" || return 1
  for i in $(seq "$NFTF"); do
    if [ $((i % 2)) = 1 ]; then
      bn_run "$b" nft -f "$f.bump.nft"
    else
      bn_run "$b" nft -f "$f.nft"
    fi
    bn_rec "$c" nftf "$i" "$BN_WALL"
    bn_rec "$c" nftf.rc "$i" "$BN_RC"
  done
  bn_ns_del "$b"
}

for c in $CONFIGS; do
  bn_say "daemon: $(bn_cfg_name "$c"): preparing"
  prepare "$c" || { echo "daemon: cannot prepare $c" >&2; exit 1; }
  bn_say "daemon: $(bn_cfg_name "$c"): daemon"
  daemon_part "$c" || { echo "daemon: daemon part failed" >&2; exit 1; }
  bn_say "daemon: $(bn_cfg_name "$c"): nft -f"
  nft_part "$c" || { echo "daemon: nft part failed" >&2; exit 1; }
done
echo "BN_CONFIG_LIST=\"$(echo $CONFIGS)\"" >"$BN_OUT/daemon.vars"
. "$BN_OUT/daemon.vars" && export BN_CONFIG_LIST
bash "$BN_DIR/daemon_report.sh" >"$BN_OUT/daemon.md"
bn_say "daemon: done"
