#!/bin/bash
# Growth tables of the control-plane suite: each cost at every size of a
# mode × real servers, per service, and how it grows from one size to the
# next, normalised by the growth of the size (1.00: linear; 2.00: twice
# linear). Called by bench/control_report.sh (BN_TSV, BN_CONFIG_LIST set).
set -uo pipefail
. "$BN_DIR/lib.sh"
BN_TSV=$BN_OUT/control.tsv

# Groups (MODE:REALS, in config order) and sizes (services, ascending).
GROUPS_=$(for c in $BN_CONFIG_LIST; do echo "$c" | cut -d: -f1,3; done | awk '!s[$0]++')
SIZES=$(for c in $BN_CONFIG_LIST; do echo "$c" | cut -d: -f2; done | sort -n | uniq)

# size_name S: 1000 -> 1k.
size_name() { bn_cfg_name "x:$1:0" | sed 's/^x //; s/×0$//'; }

# med C METRIC: median, "failed" (every repetition failed) or "none".
med() {
  local m
  m=$(bn_stat "$1" "$2" | cut -d' ' -f2)
  if [ "$m" != nan ]; then
    echo "$m"
  elif [ "$(bn_failed "$1" "$2")" != 0 ]; then
    echo failed
  else
    echo none
  fi
}

# cell UNIT M S: "1.234 s · 123 µs/svc" (UNIT s) or "12 MiB · 1.2 KiB/svc"
# (UNIT kib: M in KiB).
cell() {
  awk -v u="$1" -v m="$2" -v s="$3" 'BEGIN {
    if (m == "failed") { print "**failed**"; exit }
    if (m == "none") { print "not run"; exit }
    if (u == "s") printf "%.3f s · %.1f µs/svc\n", m, m * 1e6 / s
    else printf "%.0f MiB · %.2f KiB/svc\n", m / 1024, m / s }'
}

# table TITLE UNIT METRIC: one growth table.
table() {
  local title=$1 unit=$2 metric=$3 g s prev head sep row c m
  head="| mode × reals |" sep="|---|"
  for s in $SIZES; do head+=" $(size_name "$s") services |" sep+="---|"; done
  prev=""
  for s in $SIZES; do
    [ -n "$prev" ] && head+=" $(size_name "$s")/$(size_name "$prev") ÷ $(awk -v a="$s" -v b="$prev" 'BEGIN {printf "%g", a / b}') |" sep+="---|"
    prev=$s
  done
  echo "#### $title"
  echo
  echo "$head"
  echo "$sep"
  for g in $GROUPS_; do
    row="| ${g%%:*} ×${g#*:} |"
    local meds=()
    for s in $SIZES; do
      c=${g%%:*}:$s:${g#*:}
      case " $BN_CONFIG_LIST " in *" $c "*) m=$(med "$c" "$metric") ;; *) m=none ;; esac
      meds+=("$m")
      row+=" $(cell "$unit" "$m" "$s") |"
    done
    local i=0 ps=""
    for s in $SIZES; do
      if [ -n "$ps" ]; then
        row+=" $(awk -v a="${meds[$((i - 1))]}" -v b="${meds[$i]}" -v r="$(awk -v a="$s" -v b="$ps" 'BEGIN {print a / b}')" 'BEGIN {
          if (a == "failed" || b == "failed") print "**failed**"
          else if (a == "none" || b == "none" || a <= 0) print "not run"
          else printf "%.2f\n", b / a / r }') |"
      fi
      ps=$s i=$((i + 1))
    done
    echo "$row"
  done
  echo
}

echo "### Growth with the number of services (medians; per service; growth ÷ size growth, 1.00 = linear)"
echo
table "Fresh lvsnft apply" s apply
table "Kernel's share of the fresh apply (send batch)" s apply.kern
table "lvsnft user-space of the fresh apply (apply − kernel)" s apply.uspace
table "nft -f of lvsnft's compiled output" s nftf
table "lvsnft diff (in sync)" s diff
table "lvsnft compile" s compile
table "Peak RSS of lvsnft apply" kib apply.rss
table "Peak RSS of lvsnft diff" kib diff.rss
table "Peak RSS of lvsnft compile" kib compile.rss
