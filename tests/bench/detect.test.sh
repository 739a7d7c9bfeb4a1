#!/bin/bash
# Smoke run of the health-check detection suite (bench/run detect --smoke:
# one setting, interval 0.2 s, fall 2, timeout 0.2 s, two kills of rs2
# under load), so the suite cannot rot. Checks that the table has its row
# with figures, that every kill was detected (the server left the kernel
# tables and the daemon logged DOWN for it) and came back, and that no
# namespace is left. Skipped when the daemon does not run health checks.
#   detect.test.sh BUILD_DIR SOURCE_DIR
export BN_P=lvbn$$h
SUITE=detect
. "$(dirname "${BASH_SOURCE[0]}")/smoke.sh"
md=$out/detect.md
tsv=$out/detect.tsv
n() { awk -F'\t' -v m="$1" '$2 == m && $4 != "nan"' "$tsv" | wc -l; }
if [ "$(n detect)" = 0 ] && [ "$(awk -F'\t' '$2 == "downlogs" {print $4}' "$tsv")" = 0 ]; then
  echo "SKIP: no kill was detected and the daemon logged no DOWN:" \
    "health checks are not wired into this build's daemon"
  exit 77
fi
check "the table has the row with figures" grep -q '^| 0.2 / 2 / 0.2 | 610 | [0-9]' "$md"
check "both kills detected (rs2 out of the table)" test "$(n detect)" = 2
check "both restarts back in the table" test "$(n back)" = 2
check "the daemon logged DOWN for both kills" \
  test "$(awk -F'\t' '$2 == "downlogs" {print $4}' "$tsv")" = 2
check "no namespace of the run is left" test -z "$(ip netns list | grep "^$BN_P")"
cat "$md"
smoke_done
