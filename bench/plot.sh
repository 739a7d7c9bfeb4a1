#!/bin/bash
# plot.sh RESULTS_DIR: draws RESULTS_DIR/apply_time.png from control.tsv:
# fresh-apply time (median, min–max bars) against config size for lvsnft
# apply, nft -f of lvsnft's compiled output and nft -f of the per-service
# chain layout, NAT-only and mixed configs. Needs gnuplot (gnuplot-nox).
set -euo pipefail
out=$1
BN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$BN_DIR/lib.sh"
BN_TSV=$out/control.tsv
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot missing" >&2; exit 0; }
dat=$(mktemp)
trap 'rm -f "$dat"' EXIT
# One block per mode: x index, label, then med/min/max per command.
for mode in nat mixed; do
  echo "# $mode"
  x=0
  for size in 100:10 1000:10 1000:100 10000:10; do
    c=$mode:$size
    [ "$(bn_stat "$c" apply | cut -d' ' -f4)" != 0 ] || continue
    s=${size%:*}
    [ "$s" -ge 1000 ] && s="$((s / 1000))k"
    row="$x \"$s×${size#*:}\""
    for m in apply nftf psc; do
      read -r lo med hi _ <<<"$(bn_stat "$c" $m)"
      row+=" $med $lo $hi"
    done
    echo "$row"
    x=$((x + 1))
  done
  printf '\n\n'
done >"$dat"
gnuplot <<EOF
set terminal pngcairo size 900,560 font "sans,11" noenhanced
set output "$out/apply_time.png"
set title "Fresh apply time vs config size (median, bars: min-max; $(date -u +%Y-%m-%d), $(uname -r))"
set xlabel "services x real servers"
set ylabel "seconds (log)"
set logscale y
set grid ytics
set key top left
set xrange [-0.3:3.3]
plot "$dat" index 0 using 1:3:4:5:xtic(2) with yerrorlines lw 2 lc rgb "#1b7837" title "lvsnft apply, NAT", \
     "" index 0 using 1:6:7:8 with yerrorlines lw 2 dt 2 lc rgb "#1b7837" title "nft -f own output, NAT", \
     "" index 0 using 1:9:10:11 with yerrorlines lw 1 dt 3 lc rgb "#1b7837" title "nft -f per-service chains, NAT", \
     "" index 1 using 1:3:4:5 with yerrorlines lw 2 lc rgb "#762a83" title "lvsnft apply, mixed", \
     "" index 1 using 1:6:7:8 with yerrorlines lw 2 dt 2 lc rgb "#762a83" title "nft -f own output, mixed", \
     "" index 1 using 1:9:10:11 with yerrorlines lw 1 dt 3 lc rgb "#762a83" title "nft -f per-service chains, mixed"
EOF
echo "plot: $out/apply_time.png" >&2
