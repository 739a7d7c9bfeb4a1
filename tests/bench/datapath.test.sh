#!/bin/bash
# Smoke run of the datapath benchmark suite (bench/run datapath --smoke:
# NAT, FULLNAT and DR with 50 extra services, half-second trials), so the
# suite cannot rot. Checks that traffic flowed in every variant without
# failures and that the tables have their rows.
#   datapath.test.sh BUILD_DIR SOURCE_DIR
export BN_P=lvbn$$d
SUITE=datapath
. "$(dirname "${BASH_SOURCE[0]}")/smoke.sh"
tsv=$out/datapath.tsv
for m in nat fullnat dr; do
  for v in plain lv1 lv10k interval10k linear10k; do
    for p in tcp udp; do
      n=$(awk -F'\t' -v k="$v.$p" -v m="$m" '$1 == m && $2 == k && $4 > 0' "$tsv" | wc -l)
      check "$m $v $p: transactions per second measured" test "$n" = 1
    done
  done
  check "$m: no failed transaction" test "$(awk -F'\t' -v m="$m" '$1 == m && $2 ~ /failed$/ {s += $4} END {print s + 0}' "$tsv")" = 0
  check "$m: a row in both tables" test "$(grep -c "^| $m | [0-9]" "$out/datapath.md")" = 2
done
check "the load generator was cross-checked against wrk" grep -q '^| [0-9.]* (' <(sed -n '/cross-check/,$p' "$out/datapath.md")
check "no namespace of the run is left" test -z "$(ip netns list | grep "^$BN_P")"
smoke_done
