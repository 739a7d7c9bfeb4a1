#!/bin/bash
# VM tier: lvsnft on Linux 6.1. NAT, FULLNAT and DR traffic through
# `lvsnft apply` (listings, diff, destroy after each), and every example
# applied by lvsnft equal to its golden ruleset loaded with nft -f / -j -f.
# Boots the lab VM (tests/vm/vmrun.sh) and runs compat61.vm.sh in it with
# the built lvsnft and lvsnft_echo, tests/golden and examples.
#   compat61.test.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/case.sh"
vm_case compat61 0 "compat61: 0 failure(s)" compat61.vm.sh \
  "$BUILD/lvsnft" "$BUILD/lvsnft_echo" "$SRC/tests/golden" "$SRC/examples"
