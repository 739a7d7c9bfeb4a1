#!/usr/bin/env bash
# Golden test (no root): `lvsnft compile` of every example must equal the
# reviewed files in tests/golden/, byte for byte, in both formats, and two
# runs must be identical (determinism).
# Regenerate after an intended change: scripts/update-golden.sh BUILD_DIR
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for cfg in "$src"/examples/*.json; do
  name=$(basename "$cfg" .json)
  for fmt in nft json; do
    (cd "$src" && "$build/lvsnft" compile -c "examples/$name.json" --format $fmt) > "$tmp/a.$fmt"
    (cd "$src" && "$build/lvsnft" compile -c "examples/$name.json" --format $fmt) > "$tmp/b.$fmt"
    if ! cmp -s "$tmp/a.$fmt" "$tmp/b.$fmt"; then
      echo "FAIL $name.$fmt: two compiles differ (not deterministic)"; fail=1
    fi
    if ! diff -u "$src/tests/golden/$name.$fmt" "$tmp/a.$fmt" > "$tmp/diff"; then
      echo "FAIL $name.$fmt differs from tests/golden/$name.$fmt:"; head -40 "$tmp/diff"
      echo "(if intended: scripts/update-golden.sh $build, then review git diff)"
      fail=1
    else
      echo "ok   $name.$fmt"
    fi
  done
done
exit $fail
