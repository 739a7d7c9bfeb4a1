#!/bin/bash
# Markdown tables of the resident-daemon suite from $BN_OUT/daemon.tsv
# (configs in BN_CONFIG_LIST, in that order). Called by bench/daemon.sh.
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/daemon.tsv

# zeros C METRIC: "k of n" samples of METRIC that are 0 (exit statuses).
zeros() {
  awk -F'\t' -v c="$1" -v m="$2" '$1 == c && $2 == m {n++; if ($4 == 0) k++}
    END {printf "%d of %d\n", k, n}' "$BN_TSV"
}

echo "### One real-server change through the daemon (\`lvsnft ctl set --weight\`)"
echo
echo "| config | nft -f reload ÷ ctl set | ctl set, client start → reply after commit (ms) | the daemon's handling, request → reply (ms) | the sync as the daemon logs it (ms) | nft -f of the whole changed ruleset (ms) | incremental | goal ≤ 10 ms (client) | goal ≤ 10 ms (daemon) | goal ≥ 50× | n |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  echo "| $(bn_cfg_name "$c") | $(bn_cell x "$c" nftf ctlset) | $(bn_cell ms "$c" ctlset) |" \
    "$(bn_cell ms "$c" ctlreq) | $(bn_cell ms "$c" ctlsync) | $(bn_cell ms "$c" nftf) | $(zeros "$c" ctlincr) |" \
    "$(bn_goal stat "$c" ctlset 'm <= 0.010') | $(bn_goal stat "$c" ctlreq 'm <= 0.010') |" \
    "$(bn_goal ratio "$c" nftf ctlset 'm >= 50') |" \
    "$(bn_cell n "$c" ctlset) |"
done
echo
echo "The client's floor, same repetitions: \`lvsnft --version\` (process start alone) and \`lvsnft ctl status\` (start, connect, a request that needs no sync, reply)."
echo
echo "| config | \`lvsnft --version\` (ms) | \`lvsnft ctl status\` (ms) | ctl set (ms) | the first ctl set after the start (ms) | the first reload, after the ctl sets (ms) | n |"
echo "|---|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  echo "| $(bn_cfg_name "$c") | $(bn_cell ms "$c" exec) | $(bn_cell ms "$c" ctlstatus) | $(bn_cell ms "$c" ctlset) |" \
    "$(bn_cell ms "$c" ctlset1) | $(bn_cell ms "$c" reload1) | $(bn_cell n "$c" exec) |"
done
echo
echo "### Reload of a file in which one service changed; the daemon's memory"
echo
echo "| config | \`lvsnft ctl reload\` (ms) | of it: parse+check (ms) | of it: the sync (ms) | incremental | goal ≤ 50 ms | VmRSS at the end (MiB) | VmHWM (MiB) | goal RSS ≤ 150 MB | \`lvsnft diff\` in sync afterwards | n |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for c in $BN_CONFIG_LIST; do
  echo "| $(bn_cfg_name "$c") | $(bn_cell ms "$c" reload) | $(bn_cell ms "$c" reloadparse) | $(bn_cell ms "$c" reloadsync) | $(zeros "$c" reloadincr) |" \
    "$(bn_goal stat "$c" reload 'm <= 0.050') | $(bn_cell mb "$c" rss) | $(bn_cell mb "$c" hwm) |" \
    "$(bn_goal stat "$c" rss 'm * 1024 <= 150e6') | $(zeros "$c" insync) | $(bn_cell n "$c" reload) |"
done
echo
bad=$(awk -F'\t' '$2 ~ /\.rc$/ && $4 != 0 {print $1 " " $2}' "$BN_TSV" | sort -u | tr '\n' ';')
if [ -z "$bad" ]; then
  echo "Every timed command exited 0."
else
  echo "Timed commands that failed: $bad"
fi
