#!/usr/bin/env bash
# Memory bounds of `lvsnft compile` (no root, no kernel):
# - hash-scheduled slot tables are compact: NAT 300 services x 10 servers
#   with sh (a 4093-slot Maglev table each) compiles under a 300 MB address
#   space limit (it took over 1 GB when every slot was a full plan element);
# - running out of memory is a clear error with exit 1, never an abort
#   (std::bad_alloc escaping main gave exit 134 and a core).
# Usage: memory.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$(realpath "$1")
lvsnft=$build/lvsnft
gen=$build/lvsnft_gen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
limit_kb=300000

# run_limited OUT ERR CMD...: CMD under the address space limit; prints rc.
run_limited() {
  local out=$1 err=$2
  shift 2
  (
    ulimit -v "$limit_kb"
    exec "$@"
  ) >"$out" 2>"$err"
  echo $?
}

# expect DESC WANT_RC WANT_STDERR RC STDERR_FILE
expect() {
  local desc=$1 want_rc=$2 want_err=$3 rc=$4 err
  err=$(cat "$5")
  if [ "$rc" != "$want_rc" ] || [ "$err" != "$want_err" ]; then
    echo "FAIL: $desc"
    echo "  rc:     $rc (want $want_rc)"
    echo "  stderr: $(head -c 400 "$5")"
    echo "  want:   $want_err"
    failures=$((failures + 1))
  else
    echo "ok: $desc"
  fi
}

"$gen" --services 300 --reals 10 --mode nat --scheduler sh >"$work/sh.json" ||
  exit 1
rc=$(run_limited "$work/sh.nft" "$work/sh.err" "$lvsnft" compile \
  -c "$work/sh.json" -o "$work/sh.nft")
expect "NAT 300x10 sh compiles within ${limit_kb} KB" 0 "" "$rc" "$work/sh.err"
# The output is complete: 300 tables of 4093 slots in be4 (one per line).
slots=$(grep -c '^	0x[0-9a-f]* : 172\.' "$work/sh.nft")
if [ "$slots" != $((300 * 4093)) ]; then
  echo "FAIL: be4 has $slots slot elements (want $((300 * 4093)))"
  failures=$((failures + 1))
else
  echo "ok: all $slots slot elements written"
fi

# 2000 mh services with the largest table (131071 slots): over 1 GB even
# at 4 bytes a slot, so memory runs out while compiling.
"$gen" --services 2000 --reals 10 --mode nat --scheduler mh \
  --table-size 131071 >"$work/big.json" || exit 1
rc=$(run_limited "$work/big.out" "$work/big.err" "$lvsnft" compile \
  -c "$work/big.json" -o "$work/big.nft")
expect "out of memory is an error, not an abort" 1 \
  "lvsnft: out of memory while compiling the config" "$rc" "$work/big.err"

[ "$failures" = 0 ] && echo "all memory checks passed"
exit $((failures > 0))
