#!/bin/bash
# Markdown tables of the IPVS side-by-side suite from $BN_OUT/ipvs.tsv
# (modes in BN_MODE_LIST, load size BN_LOAD_S, VM exit status BN_VM_RC).
# Called by bench/ipvs.sh.
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/ipvs.tsv
MODES=$BN_MODE_LIST LOAD_S=$BN_LOAD_S rc=${BN_VM_RC:-0}
kernel=$(awk -F'\t' '$1 == "env" && $2 == "kernel" {print $4}' "$BN_TSV")
echo "### lvsnft vs IPVS in one VM run (Linux ${kernel:-?}, QEMU TCG, 1 vCPU)"
echo
echo "New TCP connections/s (bench/loadgen, ${BN_VM_PARAMS:-?}) from the client through" \
  "the director to 2 real servers (NAT: rr; DR, TUN: mh, on both sides), IPVS and lvsnft" \
  "alternating in each repetition. Emulated CPU: only the ratios carry over."
echo
echo "| mode | lvsnft ÷ IPVS (goal ≥ 1.0) | IPVS (conn/s) | lvsnft (conn/s) | failed (IPVS / lvsnft) | n |"
echo "|---|---|---|---|---|---|"
for m in $MODES; do
  f1=$(awk -F'\t' -v m="$m" '$1 == m && $2 == "ipvs.failed" {s += $4} END {print s + 0}' "$BN_TSV")
  f2=$(awk -F'\t' -v m="$m" '$1 == m && $2 == "lvsnft.failed" {s += $4} END {print s + 0}' "$BN_TSV")
  echo "| $m | $(bn_cell x2 "$m" lvsnft ipvs) | $(bn_fmt 1 0 $(bn_stat "$m" ipvs)) |" \
    "$(bn_fmt 1 0 $(bn_stat "$m" lvsnft)) | $f1 / $f2 | $(bn_cell n "$m" lvsnft) |"
done
echo
echo "### Loading $LOAD_S services × 10 real servers (NAT) into a fresh namespace, same VM"
echo
echo "| ipvsadm-restore ÷ lvsnft apply | ipvsadm-restore (s) | lvsnft apply (s) | services / real servers IPVS loaded | n |"
echo "|---|---|---|---|---|"
echo "| $(bn_cell x2 load ipvsadm-restore lvsnft) | $(bn_cell s load ipvsadm-restore) |" \
  "$(bn_cell s load lvsnft) | $(bn_stat load ipvs.services | cut -d' ' -f2) /" \
  "$(bn_stat load ipvs.reals | cut -d' ' -f2) | $(bn_cell n load lvsnft) |"
echo
bad=$(awk -F'\t' '$2 ~ /\.rc$/ && $4 != 0' "$BN_TSV")
[ -z "$bad" ] || echo "**A load command exited non-zero:** $(echo "$bad" | tr '\t\n' ' ;')"
[ $rc = 0 ] || echo "**The VM run failed (exit $rc); see bench/out/ipvs.log.**"
