#!/bin/bash
# Markdown table of the keepalived vs lvsnft health-check suite from
# $BN_OUT/kacheck.tsv (targets BN_NT tcp + BN_NH http, window BN_WINDOW s,
# interval BN_IV s, VM exit status BN_VM_RC). Called by bench/kacheck.sh
# and by bench/run --report.
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/kacheck.tsv
rc=${BN_VM_RC:-0}
kernel=$(awk -F'\t' '$1 == "env" && $2 == "kernel" {print $4}' "$BN_TSV")
asked=$(awk -v a="$BN_NT" -v b="$BN_NH" -v i="$BN_IV" 'BEGIN {print (a + b) / i}')
# med KIND METRIC: the median of METRIC, 2 decimals ("—": none).
med() { bn_stat "$1" "$2" | awk '{print ($2 == "nan" ? "—" : sprintf("%.2f", $2))}'; }
# found KIND METRIC: "k of n" kills whose victim left the table.
found() {
  awk -F'\t' -v c="$1" -v m="$2" '$1 == c && $2 == m {n++; if ($4 != "nan") k++}
    END {printf "%d of %d\n", k, n}' "$BN_TSV"
}

echo "### keepalived vs lvsnft health checks in one VM run (Linux ${kernel:-?}, QEMU TCG, 1 vCPU)"
echo
echo "$BN_NT tcp + $BN_NH http targets (NAT services of 10), interval $BN_IV s, timeout $BN_IV s," \
  "fall 3 (keepalived: retry 2, delay_before_retry $BN_IV s), rise 1; ${BN_KA_VERSION:-keepalived}" \
  "(checkers only, IPVS) and \`lvsnft daemon\` alone in turn, alternating. Checks counted at the" \
  "targets (SYNs) over ${BN_WINDOW} s; CPU of the checker's processes from /proc/PID/stat (10 ms" \
  "ticks). Emulated CPU: only the ratio carries over."
echo
echo "| checker | checks/s asked | checks/s done | CPU ms / 1,000 checks | lvsnft ÷ keepalived (CPU per check) | CPU (% of the vCPU) | CPU s in the window: all / user part / main process | state changes logged in the window | n |"
echo "|---|---|---|---|---|---|---|---|---|"
for k in keepalived lvsnft; do
  ratio=1
  [ $k = keepalived ] || ratio=$(bn_cell x2 cmp lvsnft keepalived)
  echo "| $k | $asked | $(bn_fmt 1 1 $(bn_stat $k rate)) | $(bn_cell ms $k cpu1k) | $ratio |" \
    "$(bn_fmt 1 1 $(bn_stat $k share)) | $(med $k cpu) / $(med $k cpu.user) / $(med $k cpu.main) | $(bn_fmt 1 0 $(bn_stat $k moves)) | $(bn_cell n $k cpu1k) |"
done
echo
echo "Detection: both victims (one tcp, one http target) killed (SIGKILL) at once, until each is" \
  "out of the director's table (keepalived: the IPVS table, /proc/net/ip_vs of its namespace" \
  "polled without a fork; lvsnft: the stamp of its be4 element's delete event, \`nft monitor\`)" \
  "and, restarted, until both are back in; \"listed after\": victims still in \`ipvsadm -Ln\` /" \
  "\`nft list map\` right after (0 = confirmed out); \"logged\": the checker's own log line" \
  "(keepalived \"Removing service\", lvsnft \"DOWN\"), stamped on arrival."
echo
echo "| checker | kill → out, tcp (ms) | kill → out, http (ms) | left the table (tcp / http) | listed after | kill → logged, tcp / http (ms) | restart → back, tcp / http (ms) | observation (poll period, ms) | n |"
echo "|---|---|---|---|---|---|---|---|---|"
for k in keepalived lvsnft; do
  obs="event"
  [ $k = lvsnft ] || obs="poll, $(bn_cell ms $k poll)"
  echo "| $k | $(bn_cell ms $k detect.tcp) | $(bn_cell ms $k detect.http) |" \
    "$(found $k detect.tcp) / $(found $k detect.http) |" \
    "$(awk -F'\t' -v k=$k '$1 == k && $2 == "listed_after" {s += $4} END {print s + 0}' "$BN_TSV") |" \
    "$(bn_fmt 1000 0 $(bn_stat $k logged.tcp)) / $(bn_fmt 1000 0 $(bn_stat $k logged.http)) |" \
    "$(bn_fmt 1000 0 $(bn_stat $k back.tcp)) / $(bn_fmt 1000 0 $(bn_stat $k back.http)) |" \
    "$obs | $(bn_cell n $k detect.tcp) |"
done
echo
[ "$rc" = 0 ] || echo "**The VM run failed (exit $rc); see bench/out/kacheck.log.**"
