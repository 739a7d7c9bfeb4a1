# Sourced by golden tests that run lvsnft and compare its exit code and
# output exactly, with the test's BUILD_DIR SOURCE_DIR arguments: sets
# $lvsnft, $src, a scratch $work (removed on exit) and counts failed
# checks in $failures.
set -uo pipefail
lvsnft=$(realpath "$1")/lvsnft
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# check DESC WANT_RC WANT_STDOUT WANT_STDERR -- COMMAND...
check() {
  local desc=$1 want_rc=$2 want_out=$3 want_err=$4
  shift 5
  local rc=0
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  local out err
  out=$(cat "$work/out")
  err=$(cat "$work/err")
  if [ "$rc" != "$want_rc" ] || [ "$out" != "$want_out" ] ||
     [ "$err" != "$want_err" ]; then
    echo "FAIL: $desc"
    echo "  rc:     $rc (want $want_rc)"
    echo "  stdout: $out"
    echo "  want:   $want_out"
    echo "  stderr: $err"
    echo "  want:   $want_err"
    failures=$((failures + 1))
  else
    echo "ok: $desc"
  fi
}

# check_rc DESC WANT_RC -- COMMAND... (output not compared)
check_rc() {
  local desc=$1 want_rc=$2 rc=0
  shift 3
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  if [ "$rc" != "$want_rc" ]; then
    echo "FAIL: $desc: rc $rc (want $want_rc); stderr: $(cat "$work/err")"
    failures=$((failures + 1))
  else
    echo "ok: $desc"
  fi
}
