#!/bin/bash
# Markdown table of the health-check detection suite from
# $BN_OUT/detect.tsv (cases in BN_CASES, settings in BN_SETTINGS, in that
# order; a run before the hang cases recorded plain settings: BN_CASES
# unset reads those as kill:tcp). Called by bench/detect.sh and by
# bench/run --report.
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/detect.tsv

# within S METRIC GOAL_S: "k of n" samples of METRIC at most GOAL_S.
within() {
  awk -F'\t' -v c="$1" -v m="$2" -v g="$3" '$1 == c && $2 == m {n++
    if ($4 != "nan" && $4 + 0 <= g + 0) k++} END {printf "%d of %d\n", k, n}' "$BN_TSV"
}

echo "### Detection: a server killed or hung under load, out of the kernel tables"
echo
echo "kill: the listener is killed (connects refused). hang: it stops answering"
echo "without closing (tcp check: its SYNs dropped; http check: the HTTP server"
echo "stopped with SIGSTOP), so every probe of it costs the timeout."
echo
echo "| fault / check | interval / fall / timeout (s) | goal: fall × interval + timeout + 10 ms | fault → out of \`nft list table\` (ms) | within the goal | repair → back in (ms; rise 2) | poll period (ms) | DOWN lines logged | n |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in ${BN_CASES:-legacy}; do
  for s in $BN_SETTINGS; do
    k="$c $s" label=${c/:/ \/ }
    [ "$c" = legacy ] && k=$s label="kill / tcp"
    IFS=: read -r iv fall to <<<"$s"
    goal=$(awk -v i="$iv" -v f="$fall" -v t="$to" 'BEGIN {print f * i + t + 0.010}')
    echo "| $label | $iv / $fall / $to | $(awk -v g="$goal" 'BEGIN {print g * 1000}') |" \
      "$(bn_cell ms "$k" detect) | $(within "$k" detect "$goal") |" \
      "$(bn_cell ms "$k" back) | $(bn_cell ms "$k" poll) |" \
      "$(bn_stat "$k" downlogs | cut -d' ' -f2) | $(bn_cell n "$k" detect) |"
  done
done
