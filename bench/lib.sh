# shellcheck shell=bash
# Shared helpers of the benchmark suites (sourced by bench/*.sh).
#
# Samples go to $BN_TSV, one line each: CONFIG <tab> METRIC <tab> REP <tab>
# VALUE. Tables are computed from it: bn_stat (min/median/max of one
# metric) and bn_ratio (min/median/max of the per-repetition ratio of two
# metrics measured in the same repetition, back to back).

BN_TAG=${BN_TAG:-lvbn}
BN_P=${BN_P:-$BN_TAG$$}
BN_NS=()

# bn_ns_new NAME: a throw-away namespace "$BN_P-NAME" with lo up and a
# director interface eth0 (a veth whose peer stays inside) holding the
# FULLNAT local address the generated configs use (apply refuses a local
# address that is on no interface). Echoes the name.
bn_ns_new() {
  local ns="$BN_P-$1"
  bn_ns_del "$ns"
  ip netns add "$ns" || return 1
  BN_NS+=("$ns")
  ip -n "$ns" link set lo up &&
    ip -n "$ns" link add eth0 type veth peer name eth0p &&
    ip -n "$ns" link set eth0 up && ip -n "$ns" link set eth0p up &&
    ip -n "$ns" addr add 192.168.1.100/24 dev eth0 || return 1
  echo "$ns"
}

# bn_ns_del NS: empties the ruleset first, then deletes NS. The kernel
# still frees the objects in the background (RCU callbacks, kworkers,
# softirqs) after both return; bn_settle waits for that.
bn_ns_del() {
  [ -e "/run/netns/$1" ] || return 0
  timeout 600 ip netns exec "$1" nft flush ruleset 2>/dev/null
  ip netns del "$1" 2>/dev/null
}

# bn_settle: waits (at most BN_SETTLE s, 8 by default; 0: not at all) until
# the kernel is idle: under 5 ticks
# (50 ms) of system, irq and softirq time on all CPUs in half a second.
# Freeing a deleted ruleset of 210k elements runs for about a second after
# `ip netns del` returns, and this kernel (tick accounting, no
# IRQ_TIME_ACCOUNTING) charges its softirq part as sys time to whatever
# runs then: a measurement started at once carries up to 0.2 s of another
# one's teardown.
bn_settle() {
  local i a b
  a=$(awk '/^cpu / {print $4 + $7 + $8}' /proc/stat)
  for ((i = 0; i < 2 * ${BN_SETTLE:-8}; i++)); do
    sleep 0.5
    b=$(awk '/^cpu / {print $4 + $7 + $8}' /proc/stat)
    [ $((b - a)) -lt 5 ] && return 0
    a=$b
  done
}

# bn_cleanup: deletes every namespace with this run's prefix.
bn_cleanup() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk -v p="$BN_P-" 'index($1, p) == 1 {print $1}'); do
    bn_ns_del "$ns"
  done
}

# bn_run NS CMD...: runs CMD inside NS ("-" = this namespace), timed from
# inside the namespace by bench/benchtime (the `ip netns exec` cost is not
# counted; fork+exec of CMD is, see the "harness overhead" of `true`). Sets
# BN_WALL (s), BN_RSS (peak KiB of CMD), BN_RC, BN_USR and BN_SYS (CPU
# seconds of CMD in user space and in the kernel). Output goes to $BN_LOG.
# Every command is bounded by ${BN_TIMEOUT:-600} s.
bn_run() {
  local ns=$1 out
  shift
  local pre=()
  [ "$ns" = - ] || pre=(ip netns exec "$ns")
  out=$("${pre[@]}" "$BN_BUILD/bench/benchtime" --cpu "${BN_TIMEOUT:-600}" "$@" 2>>"$BN_LOG")
  read -r BN_WALL BN_RSS BN_RC BN_USR BN_SYS <<<"$out"
  [ -n "$BN_SYS" ] || { BN_RC=1 BN_WALL=nan BN_RSS=nan BN_USR=nan BN_SYS=nan; }
}

# bn_interval IN OUT: a what-if of lvsnft's compiled ruleset (`lvsnft
# compile` output) whose dispatch maps (protocol . VIP . port) get `flags
# interval`, so the kernel backs them with a pipapo set instead of a hash,
# as lvsnft's layout did before exact ports got hash maps of their own
# (port ranges still use one: svc4r/svc6r). Bench-only; lvsnft is not changed.
bn_interval() {
  sed -E '/^\tmap svc[46] \{$/,/^\t\}$/ s/^(\t\ttype inet_proto \. ipv[46]_addr \. inet_service : verdict)$/\1\n\t\tflags interval/' "$1" >"$2"
}

# bn_rec CONFIG METRIC REP VALUE: one sample.
bn_rec() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$BN_TSV"; }

# bn_suite NAME: starts a suite's run: empty $BN_OUT/NAME.tsv (BN_TSV) and
# $BN_SCRATCH/NAME.log (BN_LOG), and the clock of bn_say.
bn_suite() {
  BN_TSV=$BN_OUT/$1.tsv
  BN_LOG=$BN_SCRATCH/$1.log
  : >"$BN_TSV"
  : >"$BN_LOG"
  BN_T0=${EPOCHREALTIME%.*}
}

# bn_cfg_name MODE:S:R -> "mixed 10k×10"
bn_cfg_name() {
  local m s r
  IFS=: read -r m s r <<<"$1"
  [ "$s" -ge 1000 ] && [ $((s % 1000)) = 0 ] && s="$((s / 1000))k"
  echo "$m $s×$r"
}

# bn_say TEXT: progress on stderr (with elapsed seconds of the suite).
bn_say() {
  printf '[%5ds] %s\n' "$((${EPOCHREALTIME%.*} - ${BN_T0:-${EPOCHREALTIME%.*}}))" "$*" >&2
}

# A repetition's samples of metric M (and of M.rss, M.sys, ...) are left
# out of every statistic when M.rc of that repetition is not 0: a failed
# command's time is not a figure. bn_failed counts such repetitions.

# bn_med: "min median max n" of the numbers on stdin ("nan nan nan 0": none).
bn_med() {
  sort -g | awk '{v[NR] = $1} END {
      if (NR == 0) { print "nan nan nan 0"; exit }
      med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      print v[1], med, v[NR], NR }'
}

# bn_samples CONFIG METRIC: "REP VALUE" of each good sample of METRIC.
bn_samples() {
  awk -F'\t' -v c="$1" -v m="$2" '
    BEGIN {b = m; sub(/\..*/, "", b)}
    $1 == c && $2 == b ".rc" && $4 != 0 {bad[$3] = 1}
    $1 == c && $2 == m && $4 != "nan" {v[$3] = $4}
    END {for (r in v) if (!(r in bad)) print r, v[r]}' "$BN_TSV"
}

# bn_stat CONFIG METRIC: "min median max n" of a metric.
bn_stat() { bn_samples "$1" "$2" | awk '{print $2}' | bn_med; }

# bn_failed CONFIG METRIC: how many repetitions of METRIC exited non-zero.
bn_failed() {
  local b=${2%%.*}
  awk -F'\t' -v c="$1" -v m="$b.rc" '$1 == c && $2 == m && $4 != 0 {n++}
    END {print n + 0}' "$BN_TSV"
}

# bn_ratio CONFIG NUM DEN: "min median max n" of NUM/DEN per repetition.
bn_ratio() {
  { bn_samples "$1" "$2" | sed 's/^/a /'; bn_samples "$1" "$3" | sed 's/^/b /'; } |
    awk '$1 == "a" {x[$2] = $3} $1 == "b" && $3 > 0 {y[$2] = $3}
      END {for (r in x) if (r in y) print x[r] / y[r]}' | bn_med
}

# bn_fmt SCALE DIGITS MIN MED MAX [N]: "med (min–max)" scaled, e.g. s->ms.
bn_fmt() {
  awk -v s="$1" -v d="$2" -v a="$3" -v m="$4" -v b="$5" 'BEGIN {
    if (m == "nan") { print "—"; exit }
    f = "%." d "f"
    printf f " (" f "–" f ")\n", m * s, a * s, b * s }'
}

# bn_cell KIND CONFIG A [B]: a formatted table cell.
#   KIND s|ms|mb: bn_stat of metric A in seconds / milliseconds / MiB (from KiB)
#   KIND x: bn_ratio A/B with 1 decimal; x2: 2 decimals.
# A metric that failed in every repetition is "**failed**"; in some of
# them, its figure is followed by "**K failed**".
bn_cell() {
  local kind=$1 c=$2 a=$3 b=${4:-} k txt
  k=$(($(bn_failed "$c" "$a") + $([ -n "$b" ] && bn_failed "$c" "$b" || echo 0)))
  case $kind in
    s) txt=$(bn_fmt 1 3 $(bn_stat "$c" "$a")) ;;
    ms) txt=$(bn_fmt 1000 1 $(bn_stat "$c" "$a")) ;;
    mb) txt=$(bn_fmt 0.0009765625 0 $(bn_stat "$c" "$a")) ;;
    x) txt=$(bn_fmt 1 1 $(bn_ratio "$c" "$a" "$b")) ;;
    x2) txt=$(bn_fmt 1 2 $(bn_ratio "$c" "$a" "$b")) ;;
    n) txt=$(bn_stat "$c" "$a" | awk '{print $4}') ;;
  esac
  if [ "$k" = 0 ]; then
    echo "$txt"
  elif [ "$txt" = — ] || [ "$txt" = 0 ]; then
    echo "**failed**"
  else
    echo "$txt **$k failed**"
  fi
}

# bn_goal OK: "met", "**missed**" (awk condition on the median of a ratio
# or stat), "**failed**" (the command failed in every repetition) or "—".
#   bn_goal ratio CONFIG A B 'm >= 15'   |   bn_goal stat CONFIG A 'm < 0.5'
bn_goal() {
  local what=$1 c=$2 line cond k
  if [ "$what" = ratio ]; then
    line=$(bn_ratio "$c" "$3" "$4")
    cond=$5
    k=$(($(bn_failed "$c" "$3") + $(bn_failed "$c" "$4")))
  else
    line=$(bn_stat "$c" "$3")
    cond=$4
    k=$(bn_failed "$c" "$3")
  fi
  awk -v l="$line" -v k="$k" "BEGIN {split(l, f, \" \"); m = f[2]
    if (m == \"nan\") { print (k > 0 ? \"**failed**\" : \"—\"); exit }
    print (($cond) ? \"met\" : \"**missed**\") }"
}

# bn_env: the lines every result file starts with (command, date, kernel,
# tools, machine load).
bn_env() {
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); kernel $(uname -r); $(nft --version | head -n 1);" \
    "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'));" \
    "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  local dirty=""
  git -C "$BN_SRC" diff --quiet HEAD -- src 2>/dev/null || dirty=" + uncommitted changes in src/"
  echo "- lvsnft: src/ at commit $(git -C "$BN_SRC" log -1 --format='%h (%cd)' --date=short -- src 2>/dev/null)$dirty;" \
    "build type" \
    "$(grep -m1 '^CMAKE_BUILD_TYPE' "$BN_BUILD/CMakeCache.txt" 2>/dev/null | cut -d= -f2)"
}

# bn_floor_us KIND N: the kernel's marginal µs per object of the floor
# rulesets (bench/floor.sh): median sys time at N minus at N/2, ÷ N/2.
bn_floor_us() {
  local h=$(($2 / 2))
  awk -v a="$(bn_stat floor "$1$2.sys" | cut -d' ' -f2)" \
    -v b="$(bn_stat floor "$1$h.sys" | cut -d' ' -f2)" -v n="$(($2 - h))" 'BEGIN {
    print (a == "nan" || b == "nan" || n <= 0) ? "nan" : (a - b) * 1e6 / n }'
}
