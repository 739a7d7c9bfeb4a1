#!/bin/bash
# Control-plane suite (host kernel, throw-away namespaces). Called by
# bench/run with BN_SRC, BN_BUILD, BN_OUT, BN_DIR set; writes
# $BN_OUT/control.tsv (samples) and $BN_OUT/control.md (tables).
#
# Per config and repetition, back to back:
#   fresh: lvsnft apply | nft -f (lvsnft compile output) | nft -f (per-
#          service-chain layout, bench/psc_gen) | nft -f (compile output
#          with interval (pipapo) dispatch maps, bn_interval), each into a new namespace
#   diff:  lvsnft diff (in sync; the snapshot stands in for the dump) |
#          lvsnft diff --full-dump | nft -j list ruleset, on the lvsnft one
#   one-RS change (weight of one real server, lvsnft_gen --bump):
#          lvsnft apply (incremental) | nft -f of the whole changed ruleset
#          | one `nft add element` into the loaded ruleset
#   compile: lvsnft compile -o FILE (no kernel)
#   mhcompile (nat configs, first repetition only): lvsnft compile -o
#          /dev/null of the same config with scheduler mh at the default
#          Maglev table size (4093 slots a service): the peak-RSS row of
#          the hash schedulers, side by side with wrr's compile
# A repetition is not started once the config's time budget is spent
# (BN_BUDGET seconds, at least one repetition is always made). Then a perf
# profile of apply / diff / incremental apply at BN_PERF_CONFIGS
# (default nat:10000:10; BN_PERF=0: none).
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
if [ "${BN_SMOKE:-0}" = 1 ]; then
  CONFIGS=${BN_CONFIGS:-"mixed:20:3 nat:20:3"}
  REPS=${BN_REPS:-1}
  BUDGET=${BN_BUDGET:-5}
else
  CONFIGS=${BN_CONFIGS:-"mixed:100:10 nat:100:10 mixed:1000:10 nat:1000:10 \
mixed:1000:100 nat:1000:100 nat:10000:10 mixed:10000:10"}
  REPS=${BN_REPS:-5}
  BUDGET=${BN_BUDGET:-150}
fi

# prepare C: configs, compiled rulesets and the per-service-chain layout.
prepare() {
  local c=$1 m s r f=$W/$1
  IFS=: read -r m s r <<<"$c"
  "$GEN" --services "$s" --reals "$r" --mode "$m" >"$f.json" &&
    "$GEN" --services "$s" --reals "$r" --mode "$m" --bump $((s / 2)) >"$f.bump.json" &&
    "$LV" compile -c "$f.json" -o "$f.nft" &&
    "$LV" compile -c "$f.bump.json" -o "$f.bump.nft" &&
    "$PSC" "$f.json" >"$f.psc" && bn_interval "$f.nft" "$f.iv.nft" &&
    if [ "$m" = nat ]; then
      "$GEN" --services "$s" --reals "$r" --mode nat --scheduler mh >"$f.mh.json"
    fi
}

# sample C METRIC REP NS CMD...: times CMD in NS and records wall + RSS.
sample() {
  local c=$1 metric=$2 rep=$3 ns=$4
  shift 4
  bn_run "$ns" "$@"
  bn_rec "$c" "$metric" "$rep" "$BN_WALL"
  bn_rec "$c" "$metric.rss" "$rep" "$BN_RSS"
  bn_rec "$c" "$metric.rc" "$rep" "$BN_RC"
}

# one_rep C REP: one repetition of every measurement of config C.
one_rep() {
  local c=$1 i=$2 f=$W/$1 a b p v st=$W/state
  rm -rf "$st" && mkdir -p "$st"
  a=$(bn_ns_new a) && b=$(bn_ns_new b) && p=$(bn_ns_new p) && v=$(bn_ns_new v) || return 1
  sample "$c" overhead "$i" "$a" true
  sample "$c" apply "$i" "$a" "$LV" apply -c "$f.json" --state-dir "$st"
  sample "$c" nftf "$i" "$b" nft -f "$f.nft"
  sample "$c" psc "$i" "$p" nft -f "$f.psc"
  bn_ns_del "$p"
  sample "$c" nftfiv "$i" "$v" nft -f "$f.iv.nft"
  bn_ns_del "$v"
  sample "$c" diff "$i" "$a" "$LV" diff -c "$f.json" --state-dir "$st"
  sample "$c" difffull "$i" "$a" "$LV" diff --full-dump -c "$f.json" --state-dir "$st"
  sample "$c" list "$i" "$a" nft -j list ruleset
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

for c in $CONFIGS; do
  bn_say "control: $(bn_cfg_name "$c"): preparing"
  prepare "$c" || { echo "control: cannot prepare $c" >&2; exit 1; }
  start=${EPOCHREALTIME%.*}
  for i in $(seq "$REPS"); do
    if [ "$i" -gt 1 ] && [ $((${EPOCHREALTIME%.*} - start)) -ge "$BUDGET" ]; then
      break
    fi
    one_rep "$c" "$i" || { echo "control: repetition failed" >&2; exit 1; }
    bn_say "control: $(bn_cfg_name "$c"): repetition $i done"
  done
done
: >"$BN_OUT/control-perf.txt"
if [ "${BN_PERF:-1}" = 1 ] && [ "${BN_SMOKE:-0}" != 1 ]; then
  for c in ${BN_PERF_CONFIGS:-nat:10000:10}; do
    [ -f "$W/$c.json" ] || continue
    bn_say "control: perf profile of $(bn_cfg_name "$c")"
    perf_profile "$c"
  done
fi
echo "BN_CONFIG_LIST=\"$(echo $CONFIGS)\"" >"$BN_OUT/control.vars"
. "$BN_OUT/control.vars" && export BN_CONFIG_LIST
bash "$BN_DIR/control_report.sh" >"$BN_OUT/control.md"
bn_say "control: done"
