#!/bin/bash
# plot.sh RESULTS_DIR: draws, from RESULTS_DIR/control.tsv (configs in
# RESULTS_DIR/control.vars), on log-log axes against the number of services:
#   apply_time.png      fresh apply: lvsnft apply, its kernel share (send
#                       batch), nft -f of lvsnft's compiled output and of the
#                       per-service-chain layout, NAT and mixed
#   control_growth.png  one panel per cost: apply, kernel share, nft -f,
#                       diff, compile, peak RSS of apply / diff / compile
# Medians; a failed or unmeasured point is left out (the tables say which).
# A dotted grey line of slope 1 is linear growth. Needs gnuplot (gnuplot-nox).
set -euo pipefail
out=$1
BN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$BN_DIR/lib.sh"
export BN_TSV=$out/control.tsv
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot missing" >&2; exit 0; }
. "$out/control.vars"
dat=$(mktemp)
trap 'rm -f "$dat"' EXIT
COLS="apply apply.kern nftf psc diff compile apply.rss diff.rss compile.rss"
# One block per mode × reals: services, then the median of each of COLS.
groups=$(for c in $BN_CONFIG_LIST; do echo "$c" | cut -d: -f1,3; done | awk '!s[$0]++')
for g in $groups; do
  echo "# $g"
  for c in $BN_CONFIG_LIST; do
    [ "$(echo "$c" | cut -d: -f1,3)" = "$g" ] || continue
    row=$(echo "$c" | cut -d: -f2)
    for m in $COLS; do
      row+=" $(bn_stat "$c" "$m" | awk '{print ($2 == "nan") ? "NaN" : $2}')"
    done
    echo "$row"
  done | sort -n
  printf '\n\n'
done >"$dat"
ng=$(echo "$groups" | wc -w)
colors=("#1b7837" "#762a83" "#e08214" "#2166ac")
# series COL DT TITLE: the plot clause of column COL for every group.
series() {
  local i=0 g s=""
  for g in $groups; do
    s+="\"$dat\" index $i using 1:$1 with linespoints lw 2 dt $2 pt 7 lc rgb \"${colors[$((i % 4))]}\" title \"$3, ${g%%:*} x${g#*:}\", "
    i=$((i + 1))
  done
  echo "$s"
}
lin='x / 1000 with lines dt 3 lc rgb "grey" title "slope 1 (linear)"'
stamp="$(date -u +%Y-%m-%d), $(uname -r)"
gnuplot <<EOG
set terminal pngcairo size 1000,620 font "sans,10" noenhanced
set output "$out/apply_time.png"
set title "Fresh apply vs services (medians, log-log; $stamp)"
set xlabel "services (each with the config's real servers)"
set ylabel "seconds"
set logscale xy
set grid
set key outside right
plot $(series 2 1 "lvsnft apply") $(series 3 2 "kernel share") $(series 4 4 "nft -f own output") $(series 5 3 "nft -f per-service chains") $lin
set output "$out/control_growth.png"
set terminal pngcairo size 1500,900 font "sans,9" noenhanced
unset title
set key inside top left font ",8"
set xlabel "services"
set multiplot layout 2,4 title "Control-plane costs vs services (medians, log-log; $stamp)"
set ylabel "seconds"
set title "lvsnft apply"; plot $(series 2 1 "apply") $lin
set title "kernel share of apply"; plot $(series 3 1 "kernel") $lin
set title "nft -f own output"; plot $(series 4 1 "nft -f") $lin
set title "lvsnft diff (in sync)"; plot $(series 6 1 "diff") $lin
set title "lvsnft compile"; plot $(series 7 1 "compile") $lin
set ylabel "KiB"
set title "peak RSS apply"; plot $(series 8 1 "RSS") x * 10 with lines dt 3 lc rgb "grey" title "slope 1"
set title "peak RSS diff"; plot $(series 9 1 "RSS") x * 10 with lines dt 3 lc rgb "grey" title "slope 1"
set title "peak RSS compile"; plot $(series 10 1 "RSS") x * 10 with lines dt 3 lc rgb "grey" title "slope 1"
unset multiplot
EOG
echo "plot: $out/apply_time.png $out/control_growth.png ($ng groups)" >&2
