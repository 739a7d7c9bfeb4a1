# Shared set-up of the daemon tests (tests/kernel/daemon*.test.sh):
# the work directory and its paths, a daemon started in a namespace and
# waited for, stopped by its pid, and one cleanup for everything. Sourced
# by a script that has set `build` and `src` (its two arguments):
#   . "$src/tests/lib/daemon.sh"
# It sources topo.sh (namespaces, topo_check) and sets lvsnft and
# TOPO_ECHO (the test echo server for topo_serve).
#
#   daemon_need CMD...       exit 77 (skip) when a tool is missing
#   daemon_init TAG [HOST]   P=$(topo_prefix TAG), NS=$P-HOST (HOST: d, or
#                            the topology's director host, dir), work
#                            (a new temporary directory), state (made),
#                            sock, cfg, port; cleanup at exit
#   daemon_netns NS...       director namespaces deleted at cleanup
#   daemon_track PID...      other processes killed at cleanup
#   daemon_start [ARG...]    `lvsnft daemon -c $cfg --netns $NS --state-dir
#                            $state ARG...`, stderr to $work/daemon.log;
#                            its pid in dpid
#   daemon_ready [SECS]      waits (10 s) for `<5>ready:` in the log; prints
#                            the log when it does not come
#   daemon_stop [SIGNAL]     signals the daemon (TERM) by pid; returns its
#                            exit status
#   ctl ARG...               `lvsnft ctl --control-socket $sock ARG...`
# A script may define daemon_at_exit: cleanup runs it once the processes
# are gone (for what else the script made, a group for one).
# KEEP=1 keeps the work directory for a look after a failure.

lvsnft=$build/lvsnft
TOPO_ECHO=${TOPO_ECHO:-$build/lvsnft_echo}
. "$src/tests/lib/topo.sh"

dpid=""
DAEMON_NETNS=()
DAEMON_PIDS=()

daemon_need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || { echo "skip: $c missing"; exit 77; }
  done
}

daemon_init() {
  P=$(topo_prefix "$1")
  NS=$P-${2:-d}
  work=$(mktemp -d)
  state=$work/state
  sock=$state/control.sock
  cfg=$work/lvsnft.json
  port=9$((RANDOM % 900 + 100))
  mkdir -p "$state"
  trap '_daemon_cleanup $?' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# daemon_netns NS...: fresh director namespaces (topo_director_ns).
daemon_netns() {
  local ns
  for ns in "$@"; do
    DAEMON_NETNS+=("$ns")
    topo_director_ns "$ns" || return 1
  done
}

daemon_track() { DAEMON_PIDS+=("$@"); }

daemon_start() {
  "$lvsnft" daemon -c "$cfg" --netns "$NS" --state-dir "$state" "$@" \
    2>>"$work/daemon.log" &
  dpid=$!
}

daemon_ready() {
  _daemon_ready_line() { grep -q '^<5>ready:' "$work/daemon.log"; }
  topo_wait_for "${1:-10}" _daemon_ready_line && return 0
  echo "daemon not ready; its log:"
  cat "$work/daemon.log"
  return 1
}

daemon_stop() {
  local pid=$dpid
  dpid=""
  kill "-${1:-TERM}" "$pid" 2>/dev/null
  wait "$pid"
}

ctl() { "$lvsnft" ctl --control-socket "$sock" "$@"; }

# Everything the script started goes, by pid and by name; the script's
# exit status is kept (topo namespaces print their logs on failure).
_daemon_cleanup() {
  local rc=$1 p ns
  for p in $dpid "${DAEMON_PIDS[@]}"; do
    kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  declare -F daemon_at_exit >/dev/null && daemon_at_exit
  for ns in "${DAEMON_NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  topo_cleanup_all "$rc"
  [ -n "${KEEP:-}" ] || rm -rf "$work"
  return "$rc"
}
