#!/bin/bash
# VM tier: `lvsnft rs-setup` for TUN on Linux 6.1 (the host kernel has no
# ipip). Boots the lab VM with tests/vm/vmrun.sh and runs
# rs_setup_tun.vm.sh in it with the built lvsnft.
#   rs_setup_tun.test.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "${2:-.}" && pwd)
[ -x "$BUILD/lvsnft" ] || { echo "FAIL: $BUILD/lvsnft not built"; exit 1; }
[ -x "$SRC/tests/vm/vmrun.sh" ] || { echo "FAIL: tests/vm/vmrun.sh missing"; exit 1; }
out=$("$SRC/tests/vm/vmrun.sh" "$SRC/tests/vm/rs_setup_tun.vm.sh" "$BUILD/lvsnft")
rc=$?
echo "$out"
if [ "$rc" -ne 0 ]; then
  echo "FAIL: VM script exit status $rc"
  exit 1
fi
if ! echo "$out" | grep -q '^rs_setup_tun VM test: 0 failure(s)$'; then
  echo "FAIL: the VM script's summary line is missing"
  exit 1
fi
echo "vm rs_setup_tun: ok"
