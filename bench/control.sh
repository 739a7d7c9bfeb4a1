#!/bin/bash
# Control-plane suite (host kernel, throw-away namespaces). Called by
# bench/run with BN_SRC, BN_BUILD, BN_OUT, BN_DIR set; writes
# $BN_OUT/control.tsv (samples) and $BN_OUT/control.md (tables).
#
# Per config and repetition, back to back:
#   fresh: lvsnft apply (LVSNFT_TIMING=1: its "send batch" phase is the
#          kernel's share, metric apply.kern) | nft -f (lvsnft compile
#          output) | nft -f (per-service-chain layout, bench/psc_gen; only
#          up to BN_PSC_MAX services, default 10000: it grows worse than
#          linearly, 16 s at NAT 10k×10) | nft -f (compile output with
#          interval (pipapo) dispatch maps, bn_interval), each into a new
#          namespace
#   diff:  lvsnft diff (in sync; the snapshot stands in for the dump) |
#          lvsnft diff --full-dump | nft -j list ruleset, on the lvsnft one
#          (listing an empty namespace is no figure: when the fresh apply
#          failed, list is recorded as failed, status 254; the two full
#          dumps grow quadratically in the set size: from
#          10k services on, in the first repetition only)
#   one-RS change (weight of one real server, lvsnft_gen --bump):
#          lvsnft apply (incremental) | nft -f of the whole changed ruleset
#          | one `nft add element` into the loaded ruleset
#   compile: lvsnft compile -o FILE (no kernel)
#   mhcompile (nat configs up to BN_MH_MAX services, default 10000, first
#          repetition only): lvsnft compile -o /dev/null of the same config
#          with scheduler mh at the default Maglev table size (4093 slots a
#          service): the peak-RSS row of the hash schedulers
# Every sample records wall time, peak RSS, exit status and CPU time (user,
# sys). A command that fails is recorded as failed (its figures are left
# out and its cells say so); a config whose preparation fails (e.g. a
# config file the reader refuses) is still measured, so its failures show.
# A repetition is not started once the config's time budget is spent
# (BN_BUDGET seconds, at least one repetition is always made). Then the
# kernel floor (bench/floor.sh) and a perf profile of apply / diff /
# incremental apply at BN_PERF_CONFIGS (default nat:10000:10; BN_PERF=0:
# none).
set -uo pipefail
. "$BN_DIR/lib.sh"
bn_suite control
W=$BN_SCRATCH/control.work
mkdir -p "$W"
trap 'bn_cleanup; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

LV=$BN_BUILD/lvsnft
GEN=$BN_BUILD/lvsnft_gen
PSC=$BN_BUILD/bench/psc_gen
# CONFIG = MODE:SERVICES:REALS; reps and budget (s) per config.
# Growth curves at ×10: NAT at 1k, 10k and 50k services, mixed at 1k and
# 10k (mixed 50k×10 is ~5× mixed 10k×10 in every linear cost and 25× in
# the full dumps: estimated ~36 minutes for one repetition and ~7 GB of
# nft -f memory, so only on request, BN_CONFIGS=mixed:50000:10). GOALS: the configs of
# the goals table (issue 14).
if [ "${BN_SMOKE:-0}" = 1 ]; then
  CONFIGS=${BN_CONFIGS:-"mixed:20:3 nat:20:3 nat:40:3"}
  REPS=${BN_REPS:-1}
  BUDGET=${BN_BUDGET:-5}
  GOALS=${BN_GOAL_CONFIGS:-"nat:20:3 mixed:20:3"}
  export BN_SETTLE=${BN_SETTLE:-0}  # tiny rulesets: nothing to wait for
else
  CONFIGS=${BN_CONFIGS:-"nat:1000:10 mixed:1000:10 nat:10000:10 mixed:10000:10 nat:50000:10"}
  REPS=${BN_REPS:-3}
  BUDGET=${BN_BUDGET:-400}
  GOALS=${BN_GOAL_CONFIGS:-"nat:10000:10 mixed:10000:10"}
fi
# The kernel floor's synthetic rulesets (bench/floor.sh): chains, elements.
if [ "${BN_SMOKE:-0}" = 1 ]; then
  export BN_FLOOR_CHAINS=${BN_FLOOR_CHAINS:-2000} BN_FLOOR_ELEMS=${BN_FLOOR_ELEMS:-20000}
else
  export BN_FLOOR_CHAINS=${BN_FLOOR_CHAINS:-20000} BN_FLOOR_ELEMS=${BN_FLOOR_ELEMS:-200000}
fi
export BN_FLOOR_REPS=$REPS
PSC_MAX=${BN_PSC_MAX:-10000}
MH_MAX=${BN_MH_MAX:-10000}
export BN_PSC_MAX=$PSC_MAX

# prepare C: configs, compiled rulesets and the per-service-chain layout.
# Every step is tried; a failed one is logged and recorded as prep.rc.
prepare() {
  local c=$1 m s r f=$W/$1 bad=0
  IFS=: read -r m s r <<<"$c"
  step() {
    "$@" && return 0
    echo "control: prepare $c: failed: $*" >>"$BN_LOG"
    bad=1
    return 1
  }
  # No half-written file may stand in for a failed step (nft -f of an
  # empty file succeeds).
  step "$GEN" --services "$s" --reals "$r" --mode "$m" >"$f.json" || rm -f "$f.json"
  step "$GEN" --services "$s" --reals "$r" --mode "$m" --bump $((s / 2)) >"$f.bump.json" ||
    rm -f "$f.bump.json"
  step "$LV" compile -c "$f.json" -o "$f.nft" || rm -f "$f.nft"
  step "$LV" compile -c "$f.bump.json" -o "$f.bump.nft" || rm -f "$f.bump.nft"
  if [ "$s" -le "$PSC_MAX" ]; then step "$PSC" "$f.json" >"$f.psc" || rm -f "$f.psc"; fi
  [ -f "$f.nft" ] && step bn_interval "$f.nft" "$f.iv.nft"
  if [ "$m" = nat ] && [ "$s" -le "$MH_MAX" ]; then
    step "$GEN" --services "$s" --reals "$r" --mode nat --scheduler mh >"$f.mh.json" || rm -f "$f.mh.json"
  fi
  bn_rec "$c" prep.rc 1 "$bad"
  [ -f "$f.nft" ] && count_objects "$f.nft" | while read -r k v; do bn_rec "$c" "$k" 1 "$v"; done
}

# count_objects FILE.nft: "chains N", "rules N", "elems N" of a compiled
# ruleset (elements of the `add element` blocks; an interval counts once).
count_objects() {
  awk '/^table / || /^}/ {inchain = 0; inelem = 0}
    /^\tchain / {chains++; inchain = 1; next}
    inchain && /^\t}/ {inchain = 0; next}
    inchain && /^\t\t/ && !/^\t\t(type|comment|policy) / {rules++}
    /^add element / {inelem = 1; next}
    inelem && /^\t/ {elems++}
    END {printf "chains %d\nrules %d\nelems %d\n", chains, rules, elems}' "$1"
}

# estimate REPS BUDGET CONFIG...: the suite's run time, from a cost model
# fitted to the run of 971f39e (2 shared cores; an upper bound once lvsnft
# is faster, the nft -f references stay). Per repetition at k thousand
# services and r tens of real servers: linear work (nat 2.1 s·k·r, mixed
# 5.8 s·k·r), the two full dumps (0.063 / 0.73 s·(k·r)²; from 10k services
# on, the first repetition only), the per-service-chain layout (0.16 /
# 0.095 s·k²·r, up to PSC_MAX) and the mh compile (7.8 s·k·r, once).
estimate() {
  local reps=$1 budget=$2
  shift 2
  printf '%s\n' "$@" | awk -F: -v reps="$reps" -v b="$budget" -v pm="$PSC_MAX" -v mm="$MH_MAX" \
    -v smoke="${BN_SMOKE:-0}" '{
    k = $2 / 1000; r = $3 / 10; nat = ($1 == "nat")
    lin = (nat ? 2.1 : 5.8) * k * r; dump = (nat ? 0.063 : 0.73) * (k * r) ^ 2
    psc = ($2 <= pm) ? (nat ? 0.16 : 0.095) * k * k * r : 0
    mh = (nat && $2 <= mm) ? 7.8 * k * r : 0
    first = lin + dump + psc + mh; next_ = lin + psc + ($2 < 10000 ? dump : 0)
    t = first + 0.5 * k * r; n = 1
    while (n < reps && t < b) { t += next_; n++ }
    printf "  %s: %d repetition(s), ~%.0f s\n", $0, n, t
    total += t }
    END { total += smoke ? 5 : 60; printf "  total: ~%.0f min (~%.0f s)\n", total / 60, total }'
}

# sample C METRIC REP NS CMD...: times CMD in NS and records wall, RSS,
# exit status and CPU time (user, sys).
sample() {
  local c=$1 metric=$2 rep=$3 ns=$4
  shift 4
  bn_run "$ns" "$@"
  bn_rec "$c" "$metric" "$rep" "$BN_WALL"
  bn_rec "$c" "$metric.rss" "$rep" "$BN_RSS"
  bn_rec "$c" "$metric.rc" "$rep" "$BN_RC"
  bn_rec "$c" "$metric.usr" "$rep" "$BN_USR"
  bn_rec "$c" "$metric.sys" "$rep" "$BN_SYS"
}

# sample_apply C REP NS ST: the fresh apply with LVSNFT_TIMING=1; its "send
# batch" phases (sending the batch and reading the kernel's replies: the
# kernel's work on the transaction) are apply.kern, the rest apply.uspace.
sample_apply() {
  local c=$1 rep=$2 ns=$3 st=$4 from kern
  from=$(($(stat -c %s "$BN_LOG") + 1))
  sample "$c" apply "$rep" "$ns" env LVSNFT_TIMING=1 "$LV" apply -c "$W/$c.json" --state-dir "$st"
  kern=$(tail -c +"$from" "$BN_LOG" | awk '/^timing: send batch / {t += $4; n++}
    END {if (n) printf "%.6f", t / 1000; else print "nan"}')
  bn_rec "$c" apply.kern "$rep" "$kern"
  bn_rec "$c" apply.uspace "$rep" "$(awk -v a="$BN_WALL" -v k="$kern" 'BEGIN {
    if (a == "nan" || k == "nan") print "nan"; else printf "%.6f", a - k }')"
}

# one_rep C REP: one repetition of every measurement of config C.
one_rep() {
  local c=$1 i=$2 f=$W/$1 a b p v st=$W/state s
  s=$(echo "$c" | cut -d: -f2)
  rm -rf "$st" && mkdir -p "$st"
  a=$(bn_ns_new a) && b=$(bn_ns_new b) && v=$(bn_ns_new v) || return 1
  bn_settle  # the last repetition's namespaces are still being freed
  sample "$c" overhead "$i" "$a" true
  sample_apply "$c" "$i" "$a" "$st"
  local applied=$BN_RC
  sample "$c" nftf "$i" "$b" nft -f "$f.nft"
  if [ "$s" -le "$PSC_MAX" ]; then
    p=$(bn_ns_new p) || return 1
    sample "$c" psc "$i" "$p" nft -f "$f.psc"
    bn_ns_del "$p"
    bn_settle
  fi
  sample "$c" nftfiv "$i" "$v" nft -f "$f.iv.nft"
  bn_ns_del "$v"
  bn_settle
  sample "$c" diff "$i" "$a" "$LV" diff -c "$f.json" --state-dir "$st"
  if [ "$i" = 1 ] || [ "$s" -lt 10000 ]; then
    sample "$c" difffull "$i" "$a" "$LV" diff --full-dump -c "$f.json" --state-dir "$st"
    # Listing an empty namespace is no figure: failed with the apply.
    if [ "$applied" = 0 ]; then
      sample "$c" list "$i" "$a" nft -j list ruleset
    else
      bn_rec "$c" list "$i" nan && bn_rec "$c" list.rc "$i" 254
    fi
  fi
  sample "$c" incr "$i" "$a" "$LV" apply -c "$f.bump.json" --state-dir "$st"
  sample "$c" diff2 "$i" "$a" "$LV" diff -c "$f.bump.json" --state-dir "$st"
  sample "$c" reload "$i" "$b" nft -f "$f.bump.nft"
  sample "$c" addelem "$i" "$b" nft add element inet lvsnft be4 \
    "{ 0x4c55fffe : 10.255.255.254 }"
  sample "$c" compile "$i" - "$LV" compile -c "$f.json" -o "$W/out.nft"
  if [ "$i" = 1 ] && [ -f "$f.mh.json" ]; then
    sample "$c" mhcompile "$i" - "$LV" compile -c "$f.mh.json" -o /dev/null
  fi
  bn_ns_del "$a"
  bn_ns_del "$b"
}

# perf_clean: report lines without comments, padding and empty columns.
perf_clean() {
  grep -v '^#' | grep -v '^$' | sed -E 's/[[:space:]]+-[[:space:]]+-[[:space:]]*$//; s/[[:space:]]+$//' |
    cut -c1-140
}

# perf_profile C: where lvsnft spends its time (one run each, perf -g).
perf_profile() {
  local c=$1 f=$W/$1 a st=$W/state what
  command -v perf >/dev/null || return 0
  rm -rf "$st" && mkdir -p "$st"
  a=$(bn_ns_new perf) || return 1
  for what in apply diff incr; do
    local cfg=$f.json
    [ $what = incr ] && cfg=$f.bump.json
    local cmd=apply
    [ $what = diff ] && cmd=diff
    timeout 900 ip netns exec "$a" perf record -q -g -o "$W/perf.$what" \
      "$LV" $cmd -c "$cfg" --state-dir "$st" >/dev/null 2>>"$BN_LOG"
    {
      echo "== $what ($(bn_cfg_name "$c")): perf report --no-children --sort symbol (top 25)"
      perf report -i "$W/perf.$what" --no-children --sort symbol --stdio -g none \
        --percent-limit 0.7 2>/dev/null | perf_clean | head -n 25
      echo "== $what: by DSO (self)"
      perf report -i "$W/perf.$what" --no-children --sort dso --stdio -g none \
        2>/dev/null | perf_clean | head -n 8
    } >>"$BN_OUT/control-perf.txt"
  done
  bn_ns_del "$a"
}

EST=$(estimate "$REPS" "$BUDGET" $CONFIGS)
bn_say "control: $(echo $CONFIGS | wc -w) configs, $REPS repetitions, budget $BUDGET s a config;" \
  "estimated run time (upper bound):"
echo "$EST" >&2
for c in $CONFIGS; do
  bn_say "control: $(bn_cfg_name "$c"): preparing"
  prepare "$c"
  start=${EPOCHREALTIME%.*}
  for i in $(seq "$REPS"); do
    if [ "$i" -gt 1 ] && [ $((${EPOCHREALTIME%.*} - start)) -ge "$BUDGET" ]; then
      break
    fi
    one_rep "$c" "$i" || { echo "control: repetition failed" >&2; exit 1; }
    bn_say "control: $(bn_cfg_name "$c"): repetition $i done"
  done
done
bn_say "control: kernel floor"
BN_W=$W BN_TSV=$BN_TSV BN_LOG=$BN_LOG BN_P=$BN_P bash "$BN_DIR/floor.sh" || { echo "control: floor failed" >&2; exit 1; }
: >"$BN_OUT/control-perf.txt"
if [ "${BN_PERF:-1}" = 1 ] && [ "${BN_SMOKE:-0}" != 1 ]; then
  for c in ${BN_PERF_CONFIGS:-nat:10000:10}; do
    [ -f "$W/$c.json" ] || continue
    bn_say "control: perf profile of $(bn_cfg_name "$c")"
    perf_profile "$c"
  done
fi
{
  echo "BN_CONFIG_LIST=\"$(echo $CONFIGS)\""
  echo "BN_GOAL_CONFIGS=\"$(echo $GOALS)\""
  echo "BN_PSC_MAX=$PSC_MAX"
  echo "BN_REPS_ASKED=$REPS BN_BUDGET_USED=$BUDGET"
  echo "BN_RUN_SECONDS=$((${EPOCHREALTIME%.*} - BN_T0))"
  echo "BN_ESTIMATE=\"$(echo "$EST" | tail -n 1 | sed 's/^ *total: //')\""
  echo "BN_FLOOR_CHAINS=$BN_FLOOR_CHAINS"
  echo "BN_FLOOR_ELEMS=$BN_FLOOR_ELEMS"
} >"$BN_OUT/control.vars"
set -a && . "$BN_OUT/control.vars" && set +a
bash "$BN_DIR/control_report.sh" >"$BN_OUT/control.md"
bn_say "control: done"
