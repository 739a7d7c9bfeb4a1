#!/bin/bash
# VM tier: TUN end to end on Linux 6.1 (traffic through `lvsnft apply` and
# `lvsnft rs-setup`, replies bypassing the director, drain, destroy) and
# TUN fault injection. Boots the lab VM (tests/vm/vmrun.sh) and runs
# tun_e2e.vm.sh in it with the built lvsnft and lvsnft_echo.
#   tun_e2e.test.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "${2:-.}" && pwd)
for b in lvsnft lvsnft_echo; do
  [ -x "$BUILD/$b" ] || { echo "FAIL: $BUILD/$b not built"; exit 1; }
done
out=$("$SRC/tests/vm/vmrun.sh" "$SRC/tests/vm/tun_e2e.vm.sh" "$BUILD/lvsnft" \
  "$BUILD/lvsnft_echo")
rc=$?
echo "$out"
if [ "$rc" -ne 0 ]; then
  echo "FAIL: VM script exit status $rc"
  exit 1
fi
if ! echo "$out" | grep -q '^tun_e2e: 0 failure(s)$'; then
  echo "FAIL: the VM script's summary line is missing"
  exit 1
fi
echo "vm tun_e2e: ok"
