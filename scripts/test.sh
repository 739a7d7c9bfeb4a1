#!/usr/bin/env bash
# The README's test command: installs what is missing (Debian 12, as root),
# builds lvsnft from scratch in build-test/ and runs every test tier with
# ctest: unit (no root), golden, kernel (network namespaces on this host),
# e2e (real traffic in namespaces), fuzz (short run), vm (Linux 6.1 in qemu:
# TUN and 6.1 coverage), bench smoke runs and package (man pages, bash
# completion, cmake --install, cpack -G DEB and the .deb's checks).
#
#   scripts/test.sh [ctest args...]      e.g. -L unit, -R golden
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${LVSNFT_BUILD_DIR:-$src/build-test}
"$src/scripts/install-deps.sh"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLVSNFT_WERROR=ON >/dev/null
make -C "$build" -j"$(nproc)" --no-print-directory
cd "$build"
ctest --output-on-failure --timeout 1200 -j"$(nproc)" "$@"
