#!/bin/bash
# Markdown tables of the health-check load suite from $BN_OUT/healthload.tsv
# (HL_* variables from healthload.vars). Called by bench/healthload.sh and
# by `bench/run healthload --report`.
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/healthload.tsv
cell() { bn_fmt 1 "$1" $(bn_stat "$2" "$3"); }
echo "### Engine: $HL_TARGETS HTTP targets every $HL_INTERVAL s (bench/health_bench)"
echo
echo "| where | checks/s asked | checks/s done | failures | CPU ms / 1,000 checks | interval p1 / p50 / p99 / max (ms) | n |"
echo "|---|---|---|---|---|---|---|"
for w in loopback netns; do
  echo "| $w | $(awk -v t=$HL_TARGETS -v i=$HL_INTERVAL 'BEGIN {print t / i}') |" \
    "$(cell 0 $w checks_per_s) | $(cell 0 $w failures) | $(cell 1 $w cpu_ms_per_1000_checks) |" \
    "$(bn_stat $w interval_ms_p1 | awk '{print $2}') / $(bn_stat $w p50 | awk '{print $2}') /" \
    "$(bn_stat $w p99 | awk '{print $2}') / $(bn_stat $w max | awk '{print $2}') |" \
    "$(bn_cell n $w checks_per_s) |"
done
echo
echo "### Daemon: ctl set while $HL_CHECKS http checks run (every $HL_INTERVAL s) vs none"
echo
echo "| config | checks | ctl set, client (ms) | the daemon's handling (ms) | with ÷ without (client) | daemon CPU (% of a core) | checks/s done | daemon CPU ms / 1,000 checks | DOWN lines | n |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for k in idle checked; do
  echo "| $HL_CONFIG | $([ $k = idle ] && echo none || echo "http, $HL_INTERVAL s") |" \
    "$(bn_cell ms "$HL_CONFIG" ctlset.$k) | $(bn_cell ms "$HL_CONFIG" ctlreq.$k) |" \
    "$([ $k = checked ] && bn_cell x2 "$HL_CONFIG" ctlset.checked ctlset.idle || echo 1) |" \
    "$(cell 1 "$HL_CONFIG" cpu_pct.$k) | $(cell 0 "$HL_CONFIG" checks_per_s.$k) |" \
    "$([ $k = checked ] && cell 1 "$HL_CONFIG" cpu_ms_per_1000.$k || echo —) |" \
    "$(cell 0 "$HL_CONFIG" down.$k) | $(bn_cell n "$HL_CONFIG" ctlset.$k) |"
done
echo
bad=$(awk -F'\t' '$2 == "ctlset.rc" && $4 != 0' "$BN_TSV" | wc -l)
echo "ctl set exit statuses other than 0: $bad."
