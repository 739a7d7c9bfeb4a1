#!/bin/bash
# Markdown table of the health-check detection suite from
# $BN_OUT/detect.tsv (settings in BN_SETTINGS, in that order). Called by
# bench/detect.sh and by bench/run --report.
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/detect.tsv

# within S METRIC GOAL_S: "k of n" samples of METRIC at most GOAL_S.
within() {
  awk -F'\t' -v c="$1" -v m="$2" -v g="$3" '$1 == c && $2 == m {n++
    if ($4 != "nan" && $4 + 0 <= g + 0) k++} END {printf "%d of %d\n", k, n}' "$BN_TSV"
}

echo "### Detection: a server killed under load, out of the kernel tables"
echo
echo "| interval / fall / timeout (s) | goal: fall × interval + timeout + 10 ms | kill → out of \`nft list table\` (ms) | within the goal | restart → back in (ms; rise 2) | poll period (ms) | DOWN lines logged | n |"
echo "|---|---|---|---|---|---|---|---|"
for s in $BN_SETTINGS; do
  IFS=: read -r iv fall to <<<"$s"
  goal=$(awk -v i="$iv" -v f="$fall" -v t="$to" 'BEGIN {print f * i + t + 0.010}')
  echo "| $iv / $fall / $to | $(awk -v g="$goal" 'BEGIN {print g * 1000}') |" \
    "$(bn_cell ms "$s" detect) | $(within "$s" detect "$goal") |" \
    "$(bn_cell ms "$s" back) | $(bn_cell ms "$s" poll) |" \
    "$(bn_stat "$s" downlogs | cut -d' ' -f2) | $(bn_cell n "$s" detect) |"
done
