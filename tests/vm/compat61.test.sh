#!/bin/bash
# VM tier: lvsnft on Linux 6.1. NAT, FULLNAT and DR traffic through
# `lvsnft apply` (listings, diff, destroy after each), and every example
# applied by lvsnft equal to its golden ruleset loaded with nft -f / -j -f.
# Boots the lab VM (tests/vm/vmrun.sh) and runs compat61.vm.sh in it with
# the built lvsnft and lvsnft_echo, tests/golden and examples.
#   compat61.test.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "${2:-.}" && pwd)
for b in lvsnft lvsnft_echo; do
  [ -x "$BUILD/$b" ] || { echo "FAIL: $BUILD/$b not built"; exit 1; }
done
out=$("$SRC/tests/vm/vmrun.sh" "$SRC/tests/vm/compat61.vm.sh" "$BUILD/lvsnft" \
  "$BUILD/lvsnft_echo" "$SRC/tests/golden" "$SRC/examples")
rc=$?
echo "$out"
if [ "$rc" -ne 0 ]; then
  echo "FAIL: VM script exit status $rc"
  exit 1
fi
if ! echo "$out" | grep -q '^compat61: 0 failure(s)$'; then
  echo "FAIL: the VM script's summary line is missing"
  exit 1
fi
echo "vm compat61: ok"
