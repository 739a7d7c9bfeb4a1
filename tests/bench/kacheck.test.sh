#!/bin/bash
# Smoke run of the keepalived vs lvsnft health-check suite (bench/run
# kacheck --smoke): one Linux 6.1 VM boot, 10 tcp + 10 http targets, one
# 4 s CPU window and one kill of both victims for each checker. Checks
# that the generated keepalived.conf passed `keepalived --config-test`,
# that both checkers made the checks asked (counted at the targets; at
# least half the rate: emulation on a loaded host lags), that their CPU
# was measured, that each saw both victims leave its table (and a listing
# after it agreed) and come back, and that the tables have their rows.
#   kacheck.test.sh BUILD_DIR SOURCE_DIR
command -v keepalived >/dev/null || { echo "SKIP: keepalived is not installed"; exit 77; }
SUITE=kacheck
. "$(dirname "${BASH_SOURCE[0]}")/smoke.sh"
tsv=$out/kacheck.tsv
md=$out/kacheck.md
# val KIND METRIC: the first sample of METRIC of KIND ("" if none).
val() { awk -F'\t' -v k="$1" -v m="$2" '$1 == k && $2 == m {print $4; exit}' "$tsv"; }
check "keepalived --config-test accepted the generated config" test "$(val env keepalived.config_test)" = 0
check "the VM ran Linux 6.1" grep -q $'^env\tkernel\t0\t6\\.1\\.' "$tsv"
for k in keepalived lvsnft; do
  # 20 targets every second: 20 checks/s asked (a short window is noisy).
  check "$k: 10..30 checks/s counted at the targets (got $(val $k rate))" \
    awk -v n="$(val $k rate)" 'BEGIN {exit !(n >= 10 && n <= 30)}'
  check "$k: both tcp and http checks counted" \
    awk -v a="$(val $k checks.tcp)" -v b="$(val $k checks.http)" 'BEGIN {exit !(a >= 15 && b >= 15)}'
  check "$k: CPU per 1,000 checks measured" \
    awk -v c="$(val $k cpu1k)" 'BEGIN {exit !(c != "nan" && c + 0 > 0)}'
  for t in tcp http; do
    check "$k: the killed $t target left the table within 10 s" \
      awk -v d="$(val $k detect.$t)" 'BEGIN {exit !(d != "nan" && d + 0 > 0 && d + 0 < 10)}'
    check "$k: the restarted $t target came back" \
      awk -v d="$(val $k back.$t)" 'BEGIN {exit !(d != "nan" && d + 0 > 0)}'
  done
  check "$k: no victim listed after it left" test "$(val $k listed_after)" = 0
  check "$k: a row of each table" test "$(grep -c "^| $k | " "$md")" = 2
done
cat "$md"
smoke_done
