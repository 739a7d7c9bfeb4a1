#!/bin/bash
# VM tier smoke test: boots the lab VM (tests/vm/vmrun.sh) and runs
# smoke.vm.sh in it. That script exits 3 when all its checks pass, which
# also proves that vmrun.sh returns the script's status.
#   smoke.test.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/case.sh"
vm_case smoke 3 "smoke: 0 failure(s)" smoke.vm.sh \
  "$BUILD/lvsnft_echo"
