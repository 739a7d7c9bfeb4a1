#!/bin/bash
# Smoke run of the health-check engine benchmark (bench/health_bench.cc):
# 300 TCP checks every 200 ms for 2 s against loopback listeners. Checks
# that every check passed, that about the expected number ran and that
# every figure of the report line is there.
#   health.test.sh BUILD_DIR SOURCE_DIR
set -u
build=$(cd "${1:-build}" && pwd)
bin=$build/bench/health_bench
[ -x "$bin" ] || { echo "SKIP: $bin not built"; exit 77; }
line=$("$bin" --targets 300 --interval-ms 200 --seconds 2)
rc=$?
echo "$line"
fails=0
check() {  # check DESCRIPTION CMD...
  local d=$1
  shift
  if "$@"; then echo "ok   $d"; else echo "FAIL $d"; fails=$((fails + 1)); fi
}
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
check "health_bench exits 0 (got $rc)" test "$rc" = 0
check "no failed check" test "$(field failures)" = 0
# 300 targets x 5 per second x 2 s = 3000; allow a loaded machine 60 %.
check "at least 1800 checks ran (got $(field checks))" test "$(field checks)" -ge 1800
check "CPU per 1000 checks is reported" test -n "$(field cpu_ms_per_1000_checks)"
check "median interval within 150..300 ms (got $(field p50))" \
  awk -v v="$(field p50)" 'BEGIN { exit !(v >= 150 && v <= 300) }'
echo "bench health smoke: $fails failure(s)"
[ $fails = 0 ]
