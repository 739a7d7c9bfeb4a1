#!/bin/bash
# Markdown tables of the datapath suite from $BN_OUT/datapath.tsv (modes
# in BN_MODE_LIST). Called by bench/datapath.sh.
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/datapath.tsv

# rate M METRIC: "median (min–max)" of a rate, no decimals.
rate() { bn_fmt 1 0 $(bn_stat "$1" "$2"); }

for proto in tcp udp; do
  if [ $proto = tcp ]; then
    echo "### New TCP connections/s through the director (ratios of the same repetition)"
  else
    echo "### New UDP flows/s (one datagram each way, new source port per flow)"
  fi
  echo
  echo "| mode | lvsnft 10k ÷ lvsnft 1 service (goal ≥ 0.95) | lvsnft 1 ÷ plain routing | linear chain 10k ÷ lvsnft 10k | what-if: interval dispatch 10k ÷ lvsnft 10k | plain routing (/s) | lvsnft 1 service (/s) | lvsnft 10k services (/s) | linear chain 10k (/s) | interval dispatch 10k (/s) | packets/s, lvsnft 10k | failed | n |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for m in $BN_MODE_LIST; do
    fails=$(awk -F'\t' -v m="$m" -v p=".$proto.failed" '$1 == m && substr($2, length($2) - length(p) + 1) == p {s += $4} END {print s + 0}' "$BN_TSV")
    echo "| $m | $(bn_cell x2 "$m" lv10k.$proto lv1.$proto) | $(bn_cell x2 "$m" lv1.$proto plain.$proto) |" \
      "$(bn_cell x2 "$m" linear10k.$proto lv10k.$proto) | $(bn_cell x2 "$m" interval10k.$proto lv10k.$proto) |" \
      "$(rate "$m" plain.$proto) | $(rate "$m" lv1.$proto) |" \
      "$(rate "$m" lv10k.$proto) | $(rate "$m" linear10k.$proto) | $(rate "$m" interval10k.$proto) |" \
      "$(rate "$m" lv10k.$proto.pps) | $fails |" \
      "$(bn_cell n "$m" lv1.$proto) |"
  done
  echo
done
if [ -n "$(bn_cell n xcheck wrk)" ] && [ "$(bn_cell n xcheck wrk)" != 0 ]; then
  echo "### Load generator cross-check (NAT, lvsnft 1 service, same concurrency)"
  echo
  echo "| bench/loadgen ÷ wrk -H 'Connection: close' | bench/loadgen (conn/s) | wrk (req/s = conn/s) | n |"
  echo "|---|---|---|---|"
  echo "| $(bn_cell x2 xcheck loadgen wrk) | $(rate xcheck loadgen) | $(rate xcheck wrk) | $(bn_cell n xcheck wrk) |"
  echo
fi
echo "Goal (10k services within 5 % of 1 service, TCP):" $(for m in $BN_MODE_LIST; do
  echo "$m $(bn_goal ratio "$m" lv10k.tcp lv1.tcp 'm >= 0.95');"
done)
