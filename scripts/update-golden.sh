#!/usr/bin/env bash
# Regenerates the compiler golden files from examples/*.json:
#   tests/golden/<example>.nft   (lvsnft compile --format nft)
#   tests/golden/<example>.json  (lvsnft compile --format json)
# Review the resulting `git diff` like code: it is the compiler's output.
#   scripts/update-golden.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
for cfg in "$src"/examples/*.json; do
  name=$(basename "$cfg" .json)
  (cd "$src" && "$build/lvsnft" compile -c "examples/$name.json" --format nft \
     -o "tests/golden/$name.nft")
  (cd "$src" && "$build/lvsnft" compile -c "examples/$name.json" --format json \
     -o "tests/golden/$name.json")
  echo "updated tests/golden/$name.{nft,json}"
done
