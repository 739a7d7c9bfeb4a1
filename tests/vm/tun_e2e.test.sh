#!/bin/bash
# VM tier: TUN end to end on Linux 6.1 (traffic through `lvsnft apply` and
# `lvsnft rs-setup`, replies bypassing the director, drain, destroy) and
# TUN fault injection. Boots the lab VM (tests/vm/vmrun.sh) and runs
# tun_e2e.vm.sh in it with the built lvsnft, lvsnft-test (the faults) and
# lvsnft_echo.
#   tun_e2e.test.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/case.sh"
vm_case tun_e2e 0 "tun_e2e: 0 failure(s)" tun_e2e.vm.sh \
  "$BUILD/lvsnft" "$BUILD/lvsnft-test" "$BUILD/lvsnft_echo"
