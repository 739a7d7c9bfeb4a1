#!/usr/bin/env bash
# The daemon writes the director's state file after a reload's reply, not
# before it (the write and fsync of the whole config text are off the
# reply path). A daemon killed right after the reply must still restart
# correctly: with the state files as the kill left them, and with the
# files as they were before the reload (what the disk holds when the kill
# comes before the deferred write), the restarted daemon adopts the
# kernel without a change, `lvsnft diff` is in sync, and the state file
# then remembers the reloaded config.
#   daemon_crash_reply.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/daemon.sh"
daemon_init lvdc
cp "$src/examples/nat.json" "$cfg"
daemon_netns "$NS"
k=(--netns "$NS" --state-dir "$state")
cfile=$state/director-$NS.config

# Config $cfg with real server $1 of service web at weight $2.
weighted() {
  jq --argjson r "$1" --argjson w "$2" \
    '.services[0].real_servers[$r].weight = $w' "$cfg"
}
# The weight the kernel's wrr rule spreads over (numgen mod N).
mod_n() {
  ip netns exec "$NS" nft list chain inet lvsnft svc_web |
    sed -nE 's/.*numgen inc mod ([0-9]+).*/\1/p'
}
# A restart on the state files now in $state: ready, no change at start.
restart_adopts() {
  : >"$work/daemon.log"
  daemon_start
  daemon_ready || return 1
  grep -q '^<7>sync (start): already in sync' "$work/daemon.log" ||
    { grep '^<[0-9]>sync' "$work/daemon.log"; return 1; }
}
# Reload of config $1 and a SIGKILL as soon as `ctl reload` returns.
reload_and_kill() {
  local rc
  cp "$1" "$cfg"
  ctl reload >"$work/reload.out"
  rc=$?
  kill -KILL "$dpid"
  wait "$dpid" 2>/dev/null
  dpid=""
  return "$rc"
}

daemon_start
topo_check "daemon ready" daemon_ready
topo_check "start: 3 slots (weights 1/1/1)" test "$(mod_n)" = 3

# --- killed right after the reply; state files as the kill left them ------
weighted 0 4 >"$work/w4.json"
topo_check "reload (weight 4) then SIGKILL" reload_and_kill "$work/w4.json"
topo_check "the reload reached the kernel: 6 slots" test "$(mod_n)" = 6
topo_check "restart: adopts the kernel, no change" restart_adopts
topo_check "restart: lvsnft diff in sync" "$lvsnft" diff -c "$cfg" "${k[@]}"
topo_check "restart: the state remembers the reloaded config" \
  grep -q '"weight": 4' "$cfile"

# --- killed before the deferred write: the state files of before ----------
cp -a "$state" "$work/before"
weighted 1 5 >"$work/w45.json"
topo_check "reload (weight 5) then SIGKILL" reload_and_kill "$work/w45.json"
topo_check "the second reload reached the kernel: 10 slots" test "$(mod_n)" = 10
# What the disk holds when the kill comes between reply and write.
cp -a "$work/before/." "$state/"
topo_check "the restored state still names the previous config" \
  topo_not grep -q '"weight": 5' "$cfile"
topo_check "restart on the old state files: adopts, no change" restart_adopts
topo_check "restart on the old state files: lvsnft diff in sync" \
  "$lvsnft" diff -c "$cfg" "${k[@]}"
topo_check "restart: the state file now remembers the reloaded config" \
  grep -q '"weight": 5' "$cfile"
topo_check "ctl reload after the restart: ok" ctl reload

# --- a clean stop writes what waits --------------------------------------
weighted 2 2 >"$work/w452.json"
cp "$work/w452.json" "$cfg"
topo_check "reload (weight 2 on .12)" ctl reload
topo_check "SIGTERM: daemon exits 0" daemon_stop
# The config payload behind the sealed file's header line.
remembered() { tail -n +2 "$cfile" | jq -e "$1" >/dev/null; }
topo_check "after SIGTERM: the state remembers the last reload" \
  remembered '.services[0].real_servers[2].weight == 2'

[ "${TOPO_FAILS:-0}" -ne 0 ] && sed 's/^/  log: /' "$work/daemon.log"
topo_summary daemon_crash_reply
