#!/bin/bash
# VM tier: `lvsnft rs-setup` for TUN on Linux 6.1 (the host kernel has no
# ipip). Boots the lab VM with tests/vm/vmrun.sh and runs
# rs_setup_tun.vm.sh in it with the built lvsnft.
#   rs_setup_tun.test.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/case.sh"
vm_case rs_setup_tun 0 "rs_setup_tun VM test: 0 failure(s)" rs_setup_tun.vm.sh \
  "$BUILD/lvsnft"
