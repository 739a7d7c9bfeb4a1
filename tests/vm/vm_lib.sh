#!/bin/bash
# Helpers for the VM scripts (tests/vm/*.vm.sh), copied to /lab/vm_lib.sh
# by vmrun.sh. Sourcing it sources /lab/topo.sh and sets TOPO_ECHO and L
# (the lvsnft binary); a script then calls vm_begin (or sets W itself).
. /lab/topo.sh
TOPO_ECHO=/lab/lvsnft_echo
L=/lab/lvsnft

# vm_begin NAME: the topology prefix P (unique per pid), the state and work
# directories ST and W (created), and the trap that removes every namespace
# the script made.
vm_begin() {
  P=$(topo_prefix "$1")
  ST=/tmp/$1-state
  W=/tmp/$1-work
  mkdir -p "$ST" "$W"
  topo_trap
}
# in_ns HOST CMD...: CMD inside host HOST of topology P.
in_ns() {
  local h=$1
  shift
  ip netns exec "$P-$h" "$@"
}
# client ARGS...: lvsnft_echo's client in the client host of topology P.
client() { topo_exec "$P" client "$TOPO_ECHO" client "$@"; }

# check DESCRIPTION CMD...: topo_check, then the figures CMD noted with fig
# (printed on success too, so that logs carry the numbers).
check() {
  local rc
  topo_check "$@"
  rc=$?
  [ $rc = 0 ] && [ -s "$W/fig" ] && sed 's/^/     | /' "$W/fig"
  rm -f "$W/fig"
  return $rc
}
# fig TEXT: a figure behind the current check (echoed and kept for check).
fig() { echo "$*" | tee -a "$W/fig"; }
# brief: lvsnft_echo's JSON line in $OUT without latency and later fields.
brief() { sed 's/,"latency_ms".*//; s/^{"mode":"[a-z]*",//' <<<"$OUT"; }

# unloaded MODULE...: none of them is loaded (rmmod the unused ones), so
# that lvsnft's first transaction has the kernel autoload them (nfnetlink
# aborts and replays the batch).
unloaded() {
  local m
  for m in "$@"; do grep -q "^$m " /proc/modules && rmmod "$m"; done
  for m in "$@"; do ! grep -q "^$m " /proc/modules || { echo "$m loaded"; return 1; }; done
}
# loaded MODULE...: all of them are loaded.
loaded() {
  local m
  for m in "$@"; do grep -q "^$m " /proc/modules || { echo "$m not loaded"; return 1; }; done
}
