#!/bin/bash
# IPVS side-by-side suite (VM tier: Linux 6.1 under QEMU TCG, one vCPU, via
# tests/vm/vmrun.sh). Called by bench/run with BN_SRC, BN_BUILD, BN_OUT,
# BN_DIR set; writes $BN_OUT/ipvs.{tsv,md,log}. The measurements run in
# bench/ipvs.vm.sh; emulated time is only compared within this one VM run.
set -uo pipefail
. "$BN_DIR/lib.sh"
bn_suite ipvs
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/cfg"

if [ "${BN_SMOKE:-0}" = 1 ]; then
  REPS=${BN_REPS:-1} SECS=1 CONC=8 LOAD_S=${BN_LOAD_S:-20}
else
  REPS=${BN_REPS:-5} SECS=${BN_VM_SECS:-4} CONC=${BN_CONC:-16} LOAD_S=${BN_LOAD_S:-1000}
fi
MODES=${BN_MODES:-"nat dr tun"}
printf 'REPS=%s\nSECS=%s\nCONC=%s\nMODES="%s"\n' "$REPS" "$SECS" "$CONC" "$MODES" >"$W/params"

# service MODE VIP: the lvsnft config of the side-by-side service.
service() {
  local m=$1 v=$2 sched=mh port=""
  [ "$m" = nat ] && sched=rr port=', "port": 80'
  cat <<EOF
{"version": 1, "director": {"interface": "eth0", "manage_vips": false},
 "services": [{"name": "bench", "vip": "$v", "protocol": "tcp", "ports": [80],
   "mode": "$m", "scheduler": "$sched", "real_servers": [
     {"address": "192.168.1.10"$port}, {"address": "192.168.1.11"$port}]}]}
EOF
}
service nat 192.168.10.100 >"$W/cfg/nat.json"
service dr 192.168.1.100 >"$W/cfg/dr.json"
service tun 202.10.1.101 >"$W/cfg/tun.json"

# The load comparison: LOAD_S services x 10 (NAT, wrr) for lvsnft, and the
# same services as ipvsadm-restore input (masquerading, weights kept).
"$BN_BUILD/lvsnft_gen" --services "$LOAD_S" --reals 10 --mode nat >"$W/cfg/load.json"
jq -r '.services[] | "-A -t \(.vip):\(.ports[0]) -s wrr",
  (. as $s | .real_servers[] | "-a -t \($s.vip):\($s.ports[0]) -r \(.address):\(.port) -m -w \(.weight)")' \
  "$W/cfg/load.json" >"$W/cfg/load.ipvs"

bn_say "ipvs: booting the VM (Linux 6.1, TCG): modes $MODES, $REPS repetition(s)"
LVSNFT_VM_TIMEOUT=${BN_VM_TIMEOUT:-1500} "$BN_SRC/tests/vm/vmrun.sh" "$BN_DIR/ipvs.vm.sh" \
  "$BN_BUILD/lvsnft" "$BN_BUILD/bench/loadgen" "$BN_BUILD/bench/benchtime" \
  /usr/sbin/ipvsadm-restore "$W/params" "$W/cfg" >"$W/vm.out" 2>>"$BN_LOG"
rc=$?
grep -v '^BN	' "$W/vm.out" >>"$BN_LOG"
grep '^BN	' "$W/vm.out" | cut -f2- >"$BN_TSV"
tail -n 3 "$BN_LOG" >&2
printf 'BN_VM_RC=%s\nBN_MODE_LIST="%s"\nBN_LOAD_S=%s\nBN_VM_PARAMS="%s"\n' "$rc" "$(echo $MODES)" \
  "$LOAD_S" "$CONC concurrent connections, $SECS s per trial after a 0.5 s warm-up" >"$BN_OUT/ipvs.vars"
(set -a && . "$BN_OUT/ipvs.vars" && bash "$BN_DIR/ipvs_report.sh" >"$BN_OUT/ipvs.md")
bn_say "ipvs: done (VM exit $rc)"
exit $rc
