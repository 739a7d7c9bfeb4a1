#!/usr/bin/env bash
# ctest case (label fuzz): replays every regression input, then fuzzes the
# config parser for LVSNFT_FUZZ_SECONDS (default 60) starting from the seed
# corpus (broken inputs), examples/ and the regressions. Fails on any
# crash, sanitizer report or broken invariant.
# Usage: parse_fuzz.test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
seconds=${LVSNFT_FUZZ_SECONDS:-60}
fuzz_build=$build/fuzz-build
bin=$fuzz_build/tests/fuzz/parse_fuzz
here=$src/tests/fuzz

if ! command -v clang++ >/dev/null && [ ! -x "$bin" ]; then
  echo "SKIPPED: no clang++ to build the fuzzer and no build in $fuzz_build"
  exit 77
fi
if command -v clang++ >/dev/null; then
  # (Re)build only the fuzz target: quick, and always in step with src/.
  if [ ! -f "$fuzz_build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$fuzz_build" -DLVSNFT_FUZZ=ON \
      -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  make -C "$fuzz_build" -j2 parse_fuzz >/dev/null
fi

artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Every regression input (past crashes) must now run clean.
shopt -s nullglob
regressions=("$here"/regressions/*)
if [ ${#regressions[@]} -gt 0 ]; then
  echo "replaying ${#regressions[@]} regression input(s)"
  "$bin" -artifact_prefix="$artifacts/" "${regressions[@]}"
fi

# 2. Fuzz: new inputs go to a scratch corpus; the seeds stay untouched.
echo "fuzzing for ${seconds}s"
status=0
"$bin" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
  -rss_limit_mb=2048 -dict="$here/parse_fuzz.dict" \
  -artifact_prefix="$artifacts/" -print_final_stats=1 \
  "$work" "$here/corpus" "$src/examples" "$here/regressions" \
  >"$work.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 60 "$work.log"
  echo "FAIL: the fuzzer found a problem; crash input(s) in $artifacts"
  echo "(fix it, then copy the input into tests/fuzz/regressions/)"
else
  grep -E '^(Done|stat::)' "$work.log"
fi
rm -f "$work.log"
exit "$status"
