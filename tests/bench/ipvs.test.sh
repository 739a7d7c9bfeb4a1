#!/bin/bash
# Smoke run of the IPVS side-by-side benchmark (bench/run ipvs --smoke):
# boots the Linux 6.1 VM once (about a minute under TCG), one short trial
# per mode for IPVS and lvsnft, and a 20-service load comparison. Checks
# that both sides carried traffic in NAT, DR and TUN and that IPVS and
# lvsnft loaded every service.
#   ipvs.test.sh BUILD_DIR SOURCE_DIR
SUITE=ipvs
. "$(dirname "${BASH_SOURCE[0]}")/smoke.sh"
tsv=$out/ipvs.tsv
check "the VM ran Linux 6.1" grep -q $'^env\tkernel\t0\t6\\.1\\.' "$tsv"
for m in nat dr tun; do
  for k in ipvs lvsnft; do
    check "$m $k: connections per second measured" \
      test "$(awk -F'\t' -v m="$m" -v k="$k" '$1 == m && $2 == k && $4 > 0' "$tsv" | wc -l)" = 1
  done
  check "$m: no failed connection" \
    test "$(awk -F'\t' -v m="$m" '$1 == m && $2 ~ /failed$/ {s += $4} END {print s + 0}' "$tsv")" = 0
done
check "ipvsadm-restore and lvsnft apply both exited 0" \
  test "$(awk -F'\t' '$1 == "load" && $2 ~ /\.rc$/ {print $4}' "$tsv" | sort -u)" = 0
check "IPVS loaded 20 services and 200 real servers" \
  test "$(awk -F'\t' '$2 == "ipvs.services" {print $4} $2 == "ipvs.reals" {print $4}' "$tsv" | xargs)" = "20 200"
smoke_done
