#!/bin/bash
# VM tier: health checks of TUN real servers in a running `lvsnft daemon`
# on Linux 6.1 (ipip, which the host kernel lacks): a server whose
# listener dies is taken out and its per-flow entries are deleted. Boots
# the lab VM (tests/vm/vmrun.sh) and runs health_tun.vm.sh in it with the
# built lvsnft and lvsnft_echo.
#   health_tun.test.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/case.sh"
vm_case health_tun 0 "health_tun: 0 failure(s)" health_tun.vm.sh \
  "$BUILD/lvsnft" "$BUILD/lvsnft_echo"
