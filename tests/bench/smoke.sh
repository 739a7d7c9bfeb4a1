#!/bin/bash
# Shared part of the benchmark smoke tests: sourced by tests/bench/SUITE.test.sh
# with BUILD_DIR SOURCE_DIR as "$@" after setting SUITE. Runs
# `bench/run SUITE --smoke` into a temporary directory ($out, removed on
# exit), records its exit status as the first check and defines
# `check DESCRIPTION CMD...` and `smoke_done` for the suite's own checks.
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
# smoke_done: the summary line and the exit status of the test.
smoke_done() {
  echo "bench $SUITE smoke: $fails failure(s)"
  [ $fails = 0 ]
}
LVSNFT_BUILD_DIR=$build BN_NO_BUILD=1 "$src/bench/run" "$SUITE" --smoke --out "$out" >"$out/stdout" 2>"$out/stderr"
rc=$?
check "bench/run $SUITE --smoke exits 0 (got $rc)" test $rc = 0
[ $rc = 0 ] || tail -n 30 "$out/stderr" "$out/$SUITE.log"
