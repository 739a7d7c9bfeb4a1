#!/bin/bash
# Installs the Debian packages lvsnft needs to build and to run its tests
# (unit, kernel, e2e, VM, fuzz). Idempotent: asks dpkg first and only runs
# apt-get (update + install) when something is missing.
#
#   scripts/install-deps.sh [--print]   --print: list the packages and exit
set -euo pipefail

pkgs=(
  # build
  build-essential cmake pkg-config libnftnl-dev libmnl-dev
  libnetfilter-conntrack-dev nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev googletest
  # lvsnft daemon: event loop + evhttp (metrics), sd_notify; health
  # checks: libevent_openssl (in libevent-dev) and OpenSSL for https
  libevent-dev libsystemd-dev libssl-dev
  # style and fuzzing
  clang clang-format libclang-rt-14-dev
  # kernel and end-to-end tests (host network namespaces)
  nftables iproute2 iputils-ping procps jq curl
  # status/connections tests: conntrack -L cross-check
  conntrack
  # daemon tests: promtool (check metrics), setpriv (util-linux)
  prometheus util-linux
  # VM tier (tests/vm/vmrun.sh); keepalived runs in the VM beside lvsnft's
  # checks (bench/run kacheck) and checks its generated config on the host
  qemu-system-x86 busybox-static cpio kmod ipvsadm keepalived
  # package tier: man pages and completion (generated with python3, checked
  # with man/groff), the .deb (dpkg-shlibdeps from dpkg-dev, lintian)
  python3 man-db groff-base dpkg-dev lintian
  # benchmark smoke runs (bench/run --smoke: wrk cross-check, gnuplot plot)
  wrk gnuplot-nox
)

if [ "${1:-}" = "--print" ]; then
  printf '%s\n' "${pkgs[@]}"
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
