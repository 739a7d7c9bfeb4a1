#!/bin/bash
# Smoke run of the IPVS side-by-side benchmark (bench/run ipvs --smoke):
# boots the Linux 6.1 VM once (about a minute under TCG), one short trial
# per mode for IPVS and lvsnft, and a 20-service load comparison. Checks
# that both sides carried traffic in NAT, DR and TUN and that IPVS and
# lvsnft loaded every service.
#   ipvs.test.sh BUILD_DIR SOURCE_DIR
set -u
build=$(cd "${1:-build}" && pwd)
src=$(cd "${2:-.}" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0
check() {  # check DESCRIPTION CMD...
  local d=$1
  shift
  if "$@"; then echo "ok   $d"; else echo "FAIL $d"; fails=$((fails + 1)); fi
}
LVSNFT_BUILD_DIR=$build BN_NO_BUILD=1 "$src/bench/run" ipvs --smoke --out "$out" >"$out/stdout" 2>"$out/stderr"
rc=$?
check "bench/run ipvs --smoke exits 0 (got $rc)" test $rc = 0
[ $rc = 0 ] || tail -n 30 "$out/stderr" "$out/ipvs.log"
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
echo "bench ipvs smoke: $fails failure(s)"
[ $fails = 0 ]
