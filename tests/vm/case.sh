#!/bin/bash
# Host side of a VM-tier test, sourced by tests/vm/NAME.test.sh with
# BUILD_DIR SOURCE_DIR as "$@". Sets BUILD and SRC and defines vm_case.
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "${2:-.}" && pwd)

# vm_case NAME WANT_RC SUMMARY SCRIPT [FILE...]: checks that every FILE
# under BUILD is built, runs tests/vm/SCRIPT in the lab VM with the FILEs,
# prints its output and exits: 0 when the VM returned WANT_RC and printed
# the line SUMMARY, 1 otherwise.
vm_case() {
  local name=$1 want=$2 summary=$3 script=$4 f out rc
  shift 4
  for f in "$@"; do
    case $f in "$BUILD"/*) [ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; } ;; esac
  done
  out=$("$SRC/tests/vm/vmrun.sh" "$SRC/tests/vm/$script" "$@")
  rc=$?
  # The failed checks first (each with the output it printed), so that a
  # log cut after its first lines still names them; then everything.
  if [ "$rc" -ne "$want" ] && grep -q '^FAIL ' <<<"$out"; then
    echo "failed checks (the whole output follows):"
    awk '/^FAIL /{p = 1; print; next} /^(ok  |FAIL)/{p = 0} p' <<<"$out" | head -n 60
    echo "--"
  fi
  echo "$out"
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: vmrun.sh exit status $rc, want $want"
    exit 1
  fi
  if ! grep -qxF "$summary" <<<"$out"; then
    echo "FAIL: the VM script's summary line is missing"
    exit 1
  fi
  echo "vm $name: ok"
  exit 0
}
