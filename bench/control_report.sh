#!/bin/bash
# Markdown tables of the control-plane suite from $BN_OUT/control.tsv
# (configs in BN_CONFIG_LIST, in that order). Called by bench/control.sh.
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/control.tsv

# bad C: the metrics whose exit status was not 0 in some repetition.
bad() {
  awk -F'\t' -v c="$1" '$1 == c && $2 ~ /\.rc$/ && $4 != 0 {sub(/\.rc$/, "", $2); b[$2] = 1}
    END {for (k in b) printf "%s ", k}' "$BN_TSV"
}

echo "### Fresh apply: one transaction into an empty namespace"
echo
echo "| config | per-service-chain ÷ lvsnft | nft -f own output ÷ lvsnft | what-if: nft -f interval dispatch ÷ nft -f own output | lvsnft apply (s) | nft -f of \`lvsnft compile\` (s) | nft -f per-service-chain layout (s) | nft -f own output, interval dispatch (s) | n |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  echo "| $(bn_cfg_name "$c") | $(bn_cell x "$c" psc apply) | $(bn_cell x2 "$c" nftf apply) | $(bn_cell x2 "$c" nftfiv nftf) |" \
    "$(bn_cell s "$c" apply) | $(bn_cell s "$c" nftf) | $(bn_cell s "$c" psc) | $(bn_cell s "$c" nftfiv) | $(bn_cell n "$c" apply) |"
done
echo
echo "### One-RS change (weight of one real server)"
echo
echo "| config | nft -f reload ÷ lvsnft | lvsnft ÷ one \`nft add element\` | lvsnft incremental apply (ms) | nft -f of the whole changed ruleset (ms) | one \`nft add element\` (ms) | harness overhead (ms) | n |"
echo "|---|---|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  echo "| $(bn_cfg_name "$c") | $(bn_cell x "$c" reload incr) | $(bn_cell x "$c" incr addelem) |" \
    "$(bn_cell ms "$c" incr) | $(bn_cell ms "$c" reload) | $(bn_cell ms "$c" addelem) |" \
    "$(bn_cell ms "$c" overhead) | $(bn_cell n "$c" incr) |"
done
echo
echo "### lvsnft diff on the live ruleset (in sync) vs nft's JSON listing alone"
echo
echo "| config | \`nft -j list ruleset\` ÷ lvsnft diff | \`nft -j list ruleset\` ÷ lvsnft diff --full-dump | lvsnft diff (s) | lvsnft diff --full-dump (s) | nft -j list ruleset (s) | n |"
echo "|---|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  echo "| $(bn_cfg_name "$c") | $(bn_cell x2 "$c" list diff) | $(bn_cell x2 "$c" list difffull) | $(bn_cell s "$c" diff) |" \
    "$(bn_cell s "$c" difffull) | $(bn_cell s "$c" list) | $(bn_cell n "$c" diff) |"
done
echo
echo "### Compile time and peak memory (RSS, /usr/bin/time)"
echo
echo "| config | compile ÷ nft -f of its output | compile (s) | RSS compile (MiB) | RSS apply (MiB) | RSS incremental apply (MiB) | RSS diff (MiB) | RSS nft -f same ruleset (MiB) |"
echo "|---|---|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  echo "| $(bn_cfg_name "$c") | $(bn_cell x2 "$c" compile nftf) | $(bn_cell s "$c" compile) |" \
    "$(bn_cell mb "$c" compile.rss) | $(bn_cell mb "$c" apply.rss) | $(bn_cell mb "$c" incr.rss) |" \
    "$(bn_cell mb "$c" diff.rss) | $(bn_cell mb "$c" nftf.rss) |"
done
echo
echo "### Hash scheduler slot tables: compile with mh (default table, 4093 slots a service) beside wrr"
echo
echo "| config | compile mh (s) | RSS compile mh (MiB) | compile wrr (s) | RSS compile wrr (MiB) | n (mh) |"
echo "|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  [ "${c%%:*}" = nat ] || continue
  echo "| $(bn_cfg_name "$c") | $(bn_cell s "$c" mhcompile) | $(bn_cell mb "$c" mhcompile.rss) |" \
    "$(bn_cell s "$c" compile) | $(bn_cell mb "$c" compile.rss) | $(bn_cell n "$c" mhcompile) |"
done
echo
echo "### Goals at 10k×10"
echo
echo "| config | goal | median | verdict |"
echo "|---|---|---|---|"
for c in nat:10000:10 mixed:10000:10; do
  case " $BN_CONFIG_LIST " in *" $c "*) ;; *) continue ;; esac
  n=$(bn_cfg_name "$c")
  med() { bn_stat "$c" "$1" | awk -v s="$2" '{v = $2 * s; printf(v >= 100 ? "%.0f" : "%.3g", v)}'; }
  rmed() { bn_ratio "$c" "$1" "$2" | awk '{printf "%.3g", $2}'; }
  echo "| $n | fresh apply < 0.5 s | $(med apply 1) s | $(bn_goal stat "$c" apply 'm < 0.5') |"
  echo "| $n | ≥ 15× faster than per-service chains | $(rmed psc apply)× | $(bn_goal ratio "$c" psc apply 'm >= 15') |"
  echo "| $n | ≥ 1.5× faster than nft -f of own output | $(rmed nftf apply)× | $(bn_goal ratio "$c" nftf apply 'm >= 1.5') |"
  echo "| $n | one-RS change < 10 ms end to end | $(med incr 1000) ms | $(bn_goal stat "$c" incr 'm < 0.010') |"
  echo "| $n | one-RS change ≥ 50× faster than nft -f reload | $(rmed reload incr)× | $(bn_goal ratio "$c" reload incr 'm >= 50') |"
  echo "| $n | diff faster than nft -j list alone | $(rmed list diff)× | $(bn_goal ratio "$c" list diff 'm > 1') |"
  echo "| $n | diff < 0.5 s | $(med diff 1) s | $(bn_goal stat "$c" diff 'm < 0.5') |"
  echo "| $n | diff --full-dump faster than nft -j list alone | $(rmed list difffull)× | $(bn_goal ratio "$c" list difffull 'm > 1') |"
  echo "| $n | diff --full-dump < 0.5 s | $(med difffull 1) s | $(bn_goal stat "$c" difffull 'm < 0.5') |"
  echo "| $n | peak RSS < 100 MB (max of compile/apply/diff) | $(for k in compile apply incr diff; do bn_stat "$c" $k.rss; done |
    awk '{if ($3 > m) m = $3} END {printf "%.0f", m * 1024 / 1e6}') MB |" \
    "$(for k in compile apply incr diff; do bn_stat "$c" $k.rss; done |
      awk '{if ($3 > m) m = $3} END {print (m * 1024 < 100e6) ? "met" : "**missed**"}') |"
done
echo
failed=""
for c in $BN_CONFIG_LIST; do
  b=$(bad "$c")
  [ -n "$b" ] && failed+=" $(bn_cfg_name "$c"): $b;"
done
if [ -n "$failed" ]; then
  echo "**Commands that exited non-zero (their times are suspect):**$failed"
else
  echo "Every timed command exited 0 (each diff found the ruleset in sync)."
fi
