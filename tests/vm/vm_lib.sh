#!/bin/bash
# Helpers for the VM scripts (tests/vm/*.vm.sh), copied to /lab/vm_lib.sh
# by vmrun.sh; sourced after /lab/topo.sh, with W set to a work directory.

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
