#!/bin/bash
# Smoke run of the health-check detection suite (bench/run detect --smoke:
# one setting, interval 0.2 s, fall 2, timeout 0.2 s, two failures of rs2
# under load per case: killed under a tcp check, hung under a tcp check
# (SYNs dropped) and hung under an http check (server stopped)), so the
# suite cannot rot. Checks that the table has a row with figures per case,
# that every failure was detected (the server left the kernel tables and
# the daemon logged DOWN for it) and repaired, and that no namespace is
# left (the goal itself is the full run's figure, not asserted on a loaded
# machine). Skipped when the daemon does not run health checks.
#   detect.test.sh BUILD_DIR SOURCE_DIR
export BN_P=lvbn$$h
SUITE=detect
. "$(dirname "${BASH_SOURCE[0]}")/smoke.sh"
md=$out/detect.md
tsv=$out/detect.tsv
# n CASE METRIC: samples of METRIC in CASE that are figures.
n() { awk -F'\t' -v c="$1 0.2:2:0.2" -v m="$2" '$1 == c && $2 == m && $4 != "nan"' "$tsv" | wc -l; }
logs() { awk -F'\t' -v c="$1 0.2:2:0.2" '$1 == c && $2 == "downlogs" {print $4}' "$tsv"; }
if [ "$(n kill:tcp detect)" = 0 ] && [ "$(logs kill:tcp)" = 0 ]; then
  echo "SKIP: no kill was detected and the daemon logged no DOWN:" \
    "health checks are not wired into this build's daemon"
  exit 77
fi
for c in kill:tcp hang:tcp hang:http; do
  check "$c: the table has the row with figures" \
    grep -q "^| ${c/:/ \/ } | 0.2 / 2 / 0.2 | 610 | [0-9]" "$md"
  check "$c: both failures detected (rs2 out of the table)" test "$(n $c detect)" = 2
  check "$c: both repairs back in the table" test "$(n $c back)" = 2
  check "$c: the daemon logged DOWN for both" test "$(logs $c)" = 2
done
check "no namespace of the run is left" test -z "$(ip netns list | grep "^$BN_P")"
cat "$md"
smoke_done
