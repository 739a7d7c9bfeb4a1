#!/bin/bash
# The goals table of the control-plane suite: issue 14's goals at the
# configs BN_GOAL_CONFIGS, each with its target, the median of the samples,
# the floor where one applies and a verdict computed from the median (met,
# **missed**, or **failed** when the command failed in every repetition).
# Called by bench/control_report.sh (BN_TSV set).
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/control.tsv

# med C METRIC SCALE: the median scaled, or "—".
med() {
  bn_stat "$1" "$2" | awk -v s="$3" '{print ($2 == "nan") ? "—" : sprintf("%.4g", $2 * s)}'
}

# rmed C A B: the median of the per-repetition ratio A/B, or "—".
rmed() { bn_ratio "$1" "$2" "$3" | awk '{print ($2 == "nan") ? "—" : sprintf("%.4g", $2)}'; }

# bound C A: the ratio A ÷ kernel of the fresh apply (the best lvsnft could
# reach with no user-space time at all), per repetition.
bound() { echo "kernel alone: $(rmed "$1" "$2" apply.kern)×"; }

# row C GOAL TARGET MEDIAN FLOOR VERDICT
row() { echo "| $(bn_cfg_name "$1") | $2 | $3 | $4 | $5 | $6 |"; }

# nat_rows C, mixed_rows C: the goals of issue 14 for the config's mode.
nat_rows() {
  local c=$1 kern
  kern="kernel $(med "$c" apply.kern 1) s"
  row "$c" "fresh apply" "< 0.5 s" "$(med "$c" apply 1) s" "$kern" "$(bn_goal stat "$c" apply 'm < 0.5')"
  row "$c" "fresh apply vs nft -f of the compiled output" "≥ 1.5×" "$(rmed "$c" nftf apply)×" \
    "$(bound "$c" nftf)" "$(bn_goal ratio "$c" nftf apply 'm >= 1.5')"
  row "$c" "fresh apply vs the per-service-chain layout" "≥ 15×" "$(rmed "$c" psc apply)×" \
    "$(bound "$c" psc)" "$(bn_goal ratio "$c" psc apply 'm >= 15')"
  local k what
  for k in apply diff compile; do
    what=$k
    [ $k = diff ] && what="diff (in sync)"
    row "$c" "peak RSS of $what" "< 100 MB" "$(med "$c" $k.rss 0.001024) MB" "n/a" \
      "$(bn_goal stat "$c" $k.rss 'm * 1024 < 100e6')"
  done
  row "$c" "diff (in sync)" "< 0.5 s" "$(med "$c" diff 1) s" "kernel (sys) $(med "$c" diff.sys 1) s" \
    "$(bn_goal stat "$c" diff 'm < 0.5')"
  row "$c" "compile" "< 0.3 s" "$(med "$c" compile 1) s" "n/a (no kernel work)" \
    "$(bn_goal stat "$c" compile 'm < 0.3')"
}
mixed_rows() {
  local c=$1
  row "$c" "fresh apply vs nft -f of the compiled output" "≥ 1.5×" "$(rmed "$c" nftf apply)×" \
    "$(bound "$c" nftf)" "$(bn_goal ratio "$c" nftf apply 'm >= 1.5')"
  row "$c" "fresh apply vs the per-service-chain layout" "> 1×" "$(rmed "$c" psc apply)×" \
    "$(bound "$c" psc)" "$(bn_goal ratio "$c" psc apply 'm > 1')"
}

echo "### Goals (issue 14)"
echo
echo "Verdicts are computed from the medians above (MB = 10⁶ bytes). Floor: the"
echo "kernel's share of lvsnft's own fresh apply (its \"send batch\"), and for"
echo "the ratios the ratio lvsnft would reach if it spent no time in user space."
echo "The daemon's resident-size goal is in section 1b (bench/run daemon)."
echo
echo "| config | goal | target | median | floor | verdict |"
echo "|---|---|---|---|---|---|"
n=0
for c in $BN_GOAL_CONFIGS; do
  case " $BN_CONFIG_LIST " in *" $c "*) n=$((n + 1)) ;; *) continue ;; esac
  case ${c%%:*} in
    nat) nat_rows "$c" ;;
    mixed) mixed_rows "$c" ;;
  esac
done
[ $n -gt 0 ] || echo "| (none of $BN_GOAL_CONFIGS was in this run) | | | | | |"
