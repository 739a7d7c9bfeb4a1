#!/bin/bash
# VM tier smoke test: boots the lab VM (tests/vm/vmrun.sh) and runs
# smoke.vm.sh in it. That script exits 3 when all its checks pass, which
# also proves that vmrun.sh returns the script's status.
#   smoke.test.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "${2:-.}" && pwd)
[ -x "$BUILD/lvsnft_echo" ] || { echo "FAIL: $BUILD/lvsnft_echo not built"; exit 1; }
out=$("$SRC/tests/vm/vmrun.sh" "$SRC/tests/vm/smoke.vm.sh" "$BUILD/lvsnft_echo")
rc=$?
echo "$out"
if [ "$rc" -ne 3 ]; then
  echo "FAIL: vmrun.sh exit status $rc, want 3 (all VM checks passed)"
  exit 1
fi
if ! echo "$out" | grep -q '^smoke: 0 failure(s)$'; then
  echo "FAIL: the VM script's summary line is missing"
  exit 1
fi
echo "vm smoke: ok"
