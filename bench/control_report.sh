#!/bin/bash
# Markdown tables of the control-plane suite from $BN_OUT/control.tsv
# (configs in BN_CONFIG_LIST, in that order; goals at BN_GOAL_CONFIGS).
# Called by bench/control.sh. Growth tables: bench/control_growth.sh.
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/control.tsv
PSC_MAX=${BN_PSC_MAX:-10000}
# (Defaults for samples from before these variables were recorded.)
: "${BN_FLOOR_CHAINS:=20000}" "${BN_FLOOR_ELEMS:=200000}"
export BN_GOAL_CONFIGS=${BN_GOAL_CONFIGS:-"nat:10000:10 mixed:10000:10"}

# bad C: the metrics whose exit status was not 0 in some repetition.
bad() {
  awk -F'\t' -v c="$1" '$1 == c && $2 ~ /\.rc$/ && $4 != 0 {sub(/\.rc$/, "", $2); b[$2] = 1}
    END {for (k in b) printf "%s ", k}' "$BN_TSV"
}

# services C: the number of services of config C.
services() { echo "$1" | cut -d: -f2; }

# psc_cell KIND C A [B]: a cell of the per-service-chain layout, which is
# not measured above BN_PSC_MAX services.
psc_cell() {
  if [ "$(services "$2")" -gt "$PSC_MAX" ]; then
    echo "not run (> $PSC_MAX services)"
  else
    bn_cell "$@"
  fi
}

# one C METRIC: the median of a count taken from the compiled ruleset;
# "**failed**" when the preparation (the compile) failed.
one() {
  local k
  k=$(awk -F'\t' -v c="$1" '$1 == c && $2 == "prep.rc" {print $4}' "$BN_TSV")
  bn_stat "$1" "$2" | awk -v p="$k" '{print ($2 != "nan") ? $2 : (p != "" && p != 0) ? "**failed**" : "—"}'
}

echo "Run: $(echo $BN_CONFIG_LIST | wc -w) configs, up to ${BN_REPS_ASKED:-?} repetitions each" \
  "(budget ${BN_BUDGET_USED:-?} s a config), $(awk -v s="${BN_RUN_SECONDS:-0}" 'BEGIN {printf "%.1f", s / 60}') min" \
  "in all (estimated beforehand: ${BN_ESTIMATE:-?})."
echo
echo "### Fresh apply: one transaction into an empty namespace"
echo
echo "| config | per-service-chain ÷ lvsnft | nft -f own output ÷ lvsnft | what-if: nft -f interval dispatch ÷ nft -f own output | lvsnft apply (s) | nft -f of \`lvsnft compile\` (s) | nft -f per-service-chain layout (s) | nft -f own output, interval dispatch (s) | n |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  echo "| $(bn_cfg_name "$c") | $(psc_cell x "$c" psc apply) | $(bn_cell x2 "$c" nftf apply) | $(bn_cell x2 "$c" nftfiv nftf) |" \
    "$(bn_cell s "$c" apply) | $(bn_cell s "$c" nftf) | $(psc_cell s "$c" psc) | $(bn_cell s "$c" nftfiv) | $(bn_cell n "$c" apply) |"
done
echo
echo "### The kernel's share of a fresh apply"
echo
echo "kernel (s): the \"send batch\" phase of \`LVSNFT_TIMING=1 lvsnft apply\` (sending the"
echo "transaction and reading the kernel's replies: the kernel works on the batch"
echo "inside that send). lvsnft user-space (s) = apply − kernel, per repetition."
echo "Floor model: chains × the kernel's µs per chain + elements × its µs per"
echo "element, from the synthetic rulesets of the next table. The sys times"
echo "(CPU time in the kernel, including page faults) cross-check the send"
echo "batch, whose wall time also holds waits for a CPU on a loaded host."
echo
echo "| config | chains | set elements | lvsnft apply (s) | kernel (s) | lvsnft user-space (s) | apply ÷ kernel | kernel µs per element | floor model (s) | lvsnft apply sys time (s) | nft -f own output (s) | nft -f sys time (s) | n |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
fl_chain=$(bn_floor_us chains "$BN_FLOOR_CHAINS")
fl_elem=$(bn_floor_us elems "$BN_FLOOR_ELEMS")
for c in $BN_CONFIG_LIST; do
  ch=$(one "$c" chains) el=$(one "$c" elems)
  k=$(bn_stat "$c" apply.kern | cut -d' ' -f2)
  echo "| $(bn_cfg_name "$c") | $ch | $el | $(bn_cell s "$c" apply) | $(bn_cell s "$c" apply.kern) |" \
    "$(bn_cell s "$c" apply.uspace) | $(bn_cell x2 "$c" apply apply.kern) |" \
    "$(awk -v k="$k" -v e="$el" 'BEGIN {print (k == "nan" || e !~ /^[0-9]+$/ || e == 0) ? "—" : sprintf("%.2f", k * 1e6 / e)}') |" \
    "$(awk -v a="$fl_chain" -v b="$fl_elem" -v c="$ch" -v e="$el" 'BEGIN {
      print (a == "nan" || b == "nan" || c !~ /^[0-9]+$/) ? "—" : sprintf("%.3f", (a * c + b * e) / 1e6)}') |" \
    "$(bn_cell s "$c" apply.sys) | $(bn_cell s "$c" nftf) | $(bn_cell s "$c" nftf.sys) | $(bn_cell n "$c" apply.kern) |"
done
echo
echo "### The kernel's cost per object (synthetic rulesets, nft -f, sys time)"
echo
echo "Marginal cost: (sys at N − sys at N/2) ÷ (N/2), so fixed costs cancel; nft's"
echo "own page faults for the objects are included (an upper bound)."
echo
echo "| object | N | nft -f at N/2 (sys s) | nft -f at N (sys s) | nft -f at N (wall s) | kernel µs per object | n |"
echo "|---|---|---|---|---|---|---|"
for kind in chains elems; do
  n=$BN_FLOOR_CHAINS what="chain (one rule)"
  [ $kind = elems ] && n=$BN_FLOOR_ELEMS what="map element (mark : ipv4_addr)"
  echo "| $what | $n | $(bn_cell s floor "$kind$((n / 2)).sys") | $(bn_cell s floor "$kind$n.sys") |" \
    "$(bn_cell s floor "$kind$n") | $(bn_floor_us "$kind" "$n" | awk '{print ($1 == "nan") ? "—" : sprintf("%.2f", $1)}') |" \
    "$(bn_cell n floor "$kind$n") |"
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
echo "(From 10k services on, the two full dumps run in the first repetition only.)"
echo
echo "| config | \`nft -j list ruleset\` ÷ lvsnft diff | \`nft -j list ruleset\` ÷ lvsnft diff --full-dump | lvsnft diff (s) | lvsnft diff --full-dump (s) | nft -j list ruleset (s) | n (diff) | n (full dumps) |"
echo "|---|---|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  echo "| $(bn_cfg_name "$c") | $(bn_cell x2 "$c" list diff) | $(bn_cell x2 "$c" list difffull) | $(bn_cell s "$c" diff) |" \
    "$(bn_cell s "$c" difffull) | $(bn_cell s "$c" list) | $(bn_cell n "$c" diff) | $(bn_cell n "$c" list) |"
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
  [ -n "$(awk -F'\t' -v c="$c" '$1 == c && $2 == "mhcompile.rc"' "$BN_TSV")" ] || continue
  echo "| $(bn_cfg_name "$c") | $(bn_cell s "$c" mhcompile) | $(bn_cell mb "$c" mhcompile.rss) |" \
    "$(bn_cell s "$c" compile) | $(bn_cell mb "$c" compile.rss) | $(bn_cell n "$c" mhcompile) |"
done
echo
bash "$BN_DIR/control_growth.sh"
bash "$BN_DIR/control_goals.sh"
echo
failed=""
for c in $BN_CONFIG_LIST floor; do
  b=$(bad "$c")
  [ -n "$b" ] && failed+=" $([ $c = floor ] && echo floor || bn_cfg_name "$c"): $b;"
done
if [ -n "$failed" ]; then
  echo "**Commands that exited non-zero (their figures are left out; the cells say failed):**$failed"
else
  echo "Every timed command exited 0 (each diff found the ruleset in sync)."
fi
