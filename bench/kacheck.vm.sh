#!/bin/bash
# Runs inside the lab VM (Linux 6.1, tests/vm/vmrun.sh) for bench/kacheck.sh:
# keepalived (checkers only, IPVS) and `lvsnft daemon` take turns on the
# same targets with the same checks (/lab/cfg/keepalived.conf is written
# from /lab/cfg/lvsnft.json), each alone, REPS times, in alternating order.
#
# Namespaces: kacd (the director: keepalived or the daemon, and IPVS / the
# nft table) and kact (the targets, owning 10.2.0.0/16 by a local route;
# a veth between). Per turn:
#   cpu:    after a warm-up, WINDOW seconds: the checker's CPU (utime +
#           stime + cutime + cstime of the process and its keepalived /
#           lvsnft children, from /proc/PID/stat) and the checks made,
#           counted at the targets (SYNs into kact, one nft counter per
#           port), not by the checker;
#   detect: KILLS times, after a random pause of up to one interval, both
#           victims (10.2.1.1:80 tcp, 10.2.2.1:8080 http) are killed, the
#           time until each is out of the director's table is taken
#           (keepalived: /proc/PID/net/ip_vs polled; lvsnft: `nft monitor`
#           events, see seen()) and confirmed by one `ipvsadm -Ln` / `nft
#           list map inet lvsnft be4`; then they are restarted and watched
#           until both are back.
# Prints samples as "BN <tab> CONFIG <tab> METRIC <tab> REP <tab> VALUE".
. /lab/params
L=/lab D=kacd T=kact
VT=10.2.1.1:80 VH=10.2.2.1:8080
HZ=100 # USER_HZ: /proc/PID/stat counts clock ticks of 10 ms on x86
# Process substitution needs /dev/fd, which the VM's devtmpfs lacks.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
sample() { printf 'BN\t%s\t%s\t%s\t%s\n' "$@"; }
now_us() { echo "${EPOCHREALTIME/./}"; }
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  ip netns del $D 2>/dev/null
  ip netns del $T 2>/dev/null
}
trap cleanup EXIT

setup() {
  ip netns add $D && ip netns add $T &&
    ip -n $D link set lo up && ip -n $T link set lo up &&
    ip link add eth0 netns $D type veth peer name eth0 netns $T &&
    ip -n $D addr add 10.0.0.1/24 dev eth0 && ip -n $T addr add 10.0.0.2/24 dev eth0 &&
    ip -n $D link set eth0 up && ip -n $T link set eth0 up &&
    ip -n $D route add 10.2.0.0/16 via 10.0.0.2 &&
    ip -n $T route add local 10.2.0.0/16 dev lo || return 1
  ip netns exec $T nft -f - <<'EOF'
table inet kac {
  counter c80 { }
  counter c8080 { }
  chain in {
    type filter hook input priority 0;
    tcp dport 80 tcp flags & (syn | ack) == syn counter name "c80"
    tcp dport 8080 tcp flags & (syn | ack) == syn counter name "c8080"
  }
}
EOF
}

# serve LIST: a listener process in the targets' namespace; sets SPID.
serve() {
  ip netns exec $T $L/loadgen serve --tcp "$1" &
  SPID=$!
  PIDS+=("$SPID")
}
# conns PORT: SYNs counted so far at the targets on PORT.
conns() {
  ip netns exec $T nft list counter inet kac "c$1" | awk '$1 == "packets" {print $2}'
}
# ticks PID: "ALL OWN USER": CPU clock ticks of PID and its children named
# keepalived or lvsnft, of PID alone, and the user-space part of ALL (keepalived's checker process is
# a child of the parent it runs under; the daemon has none; the log
# stamper, also a child, is left out). utime + stime + cutime + cstime:
# the time of children that exited (a fork per check) would count too.
ticks() {
  local f l s=0 own=0 u=0 a t c
  for f in /proc/[0-9]*/stat; do
    read -r l <"$f" 2>/dev/null || continue
    a=(${l##*) })
    c=${l#*(} c=${c%%)*}
    t=$((a[11] + a[12] + a[13] + a[14]))
    if [ "${f//[^0-9]/}" = "$1" ]; then
      own=$t
    elif [ "${a[1]}" != "$1" ] || { [ "$c" != keepalived ] && [ "$c" != lvsnft ]; }; then
      continue
    fi
    s=$((s + t)) u=$((u + a[11] + a[13]))
  done
  echo "$s $own $u"
}

# moves KIND T0 T1: state changes the checker logged between T0 and T1
# (µs): keepalived "Removing/Adding service", lvsnft " DOWN after"/" UP after".
moves() {
  local v n=0 l
  mapfile -t l <"/tmp/$1.log"
  for v in "${l[@]}"; do
    [ "${v%% *}" -ge "$2" ] 2>/dev/null && [ "${v%% *}" -le "$3" ] || continue
    [[ $v == *"Removing service"* || $v == *"Adding service"* || $v == *" DOWN after "* ||
      $v == *" UP after "* ]] && n=$((n + 1))
  done
  echo $n
}

# listing KIND: the director's table of KIND, one line per real server.
listing() {
  if [ "$1" = keepalived ]; then
    ip netns exec $D ipvsadm -Ln | awk '$1 == "->" && $2 ~ /^[0-9]/ {print $2}'
  else
    ip netns exec $D nft list map inet lvsnft be4 | grep -o '10\.2\.[0-9.]*' | sed 's/^10\.2\.1\..*/&:80/; s/^10\.2\.2\..*/&:8080/'
  fi
}
# in_table KIND: how many real servers the table has.
in_table() { listing "$1" | grep -c .; }

# stamp: every input line with its arrival time (µs) in front.
stamp() { while IFS= read -r l; do echo "${EPOCHREALTIME/./} $l"; done; }

# start KIND: the checker of KIND in the director's namespace, its log
# lines stamped into /tmp/KIND.log; sets CPID.
start() {
  : >/tmp/$1.log
  if [ "$1" = keepalived ]; then
    ip netns exec $D /usr/sbin/keepalived -f $L/cfg/keepalived.conf -n -l -G -C \
      -p /tmp/ka.pid -c /tmp/ka_check.pid > >(stamp >>/tmp/$1.log) 2>&1 &
  else
    $L/lvsnft daemon -c $L/cfg/lvsnft.json --netns $D --state-dir /tmp/lvst \
      > >(stamp >>/tmp/$1.log) 2>&1 &
  fi
  CPID=$!
  PIDS+=("$CPID")
  local want=$((NT + NH)) end=$(($(now_us) + 120000000))
  while [ "$(now_us)" -lt $end ]; do
    [ "$(in_table "$1" 2>/dev/null)" = "$want" ] && return 0
    sleep 0.1
  done
  echo "# $1: the table never had all $want real servers" >&2
  tail -n 20 /tmp/$1.log >&2
  return 1
}
stop() {
  kill -TERM "$CPID"
  wait "$CPID" 2>/dev/null
  if [ "$1" = keepalived ]; then
    ip netns exec $D ipvsadm -C
  else
    $L/lvsnft destroy --netns $D --state-dir /tmp/lvst >/dev/null
  fi
}

# cpu_turn KIND REP: the CPU window.
cpu_turn() {
  local k=$1 r=$2 t0 t1 a0 a1 b0 b1 c0 c1 p0 p1 u0 u1
  sleep $((2 * IV + 1)) # every check started (random phase) and settled
  t0=$(now_us) a0=$(conns 80) b0=$(conns 8080)
  read -r c0 p0 u0 <<<"$(ticks "$CPID")"
  sleep "$WINDOW"
  t1=$(now_us) a1=$(conns 80) b1=$(conns 8080)
  read -r c1 p1 u1 <<<"$(ticks "$CPID")"
  sample "$k" wall "$r" "$((t1 - t0))e-6"
  sample "$k" checks.tcp "$r" "$((a1 - a0))"
  sample "$k" checks.http "$r" "$((b1 - b0))"
  sample "$k" checks "$r" "$((a1 - a0 + b1 - b0))"
  sample "$k" cpu "$r" "$(awk -v t=$((c1 - c0)) -v hz=$HZ 'BEGIN {print t / hz}')"
  sample "$k" cpu.user "$r" "$(awk -v t=$((u1 - u0)) -v hz=$HZ 'BEGIN {print t / hz}')"
  sample "$k" moves "$r" "$(moves "$k" "$t0" "$t1")"
  sample "$k" cpu.main "$r" "$(awk -v t=$((p1 - p0)) -v hz=$HZ 'BEGIN {print t / hz}')"
  sample "$k" rate "$r" "$(awk -v n=$((a1 - a0 + b1 - b0)) -v w=$((t1 - t0)) 'BEGIN {print n * 1e6 / w}')"
  sample "$k" share "$r" "$(awk -v t=$((c1 - c0)) -v hz=$HZ -v w=$((t1 - t0)) \
    'BEGIN {print t / hz * 1e6 / w * 100}')"
  sample "$k" cpu1k "$r" "$(awk -v t=$((c1 - c0)) -v n=$((a1 - a0 + b1 - b0)) -v hz=$HZ \
    'BEGIN {print (n > 0 ? t / hz * 1000 / n : "nan")}')"
  sample cmp "$k" "$r" "$(awk -v t=$((c1 - c0)) -v n=$((a1 - a0 + b1 - b0)) \
    'BEGIN {print (n > 0 ? t / n : "nan")}')"
  echo "# $k rep $r: $((a1 - a0 + b1 - b0)) checks, $((c1 - c0)) ticks in $(((t1 - t0) / 1000)) ms" >&2
}

# nap: a 20 ms pause without a fork (a read that times out on a fifo no
# one writes), so that polling leaves the one vCPU to the checker.
mkfifo /tmp/kac.nap && exec 7<>/tmp/kac.nap
nap() { read -rt 0.02 -u 7; }

# The victims' lines in /proc/net/ip_vs (hex address:port).
hexep() { printf '%02X%02X%02X%02X:%04X' ${1//./ } "$2"; }
XT=$(hexep 10.2.1.1 80) XH=$(hexep 10.2.2.1 8080)

# mon_start / mon_stop: `nft monitor` of the director's namespace, every
# event line stamped (µs) on arrival into /tmp/mon.log (lvsnft's turns).
mon_start() {
  rm -f /tmp/mon.fifo && mkfifo /tmp/mon.fifo && : >/tmp/mon.log
  ip netns exec $D nft monitor >/tmp/mon.fifo &
  MPID=$!
  PIDS+=("$MPID")
  stamp </tmp/mon.fifo >/tmp/mon.log &
  # Ready once it reports a change of ours (its start is slow under TCG).
  local end=$(($(now_us) + 20000000)) l
  while [ "$(now_us)" -lt $end ]; do
    ip netns exec $D nft add table inet kacmon && ip netns exec $D nft delete table inet kacmon
    mapfile -t l </tmp/mon.log
    [[ "${l[*]}" == *"table inet kacmon"* ]] && return 0
    sleep 0.2
  done
  echo "# nft monitor: not ready after 20 s" >&2
}
mon_stop() { kill "$MPID" && wait "$MPID" 2>/dev/null; }

# seen KIND WANT T0: polls until both victims are out of (WANT=out) or back
# in (WANT=in) the director's table, at most 20 s; sets AT_T and AT_H (µs
# from T0, "" if not seen) and POLLS. keepalived: the IPVS table as
# /proc/PID/net/ip_vs of the checker (what `ipvsadm -Ln` lists), read
# without a fork every 20 ms, so the time is the first poll that saw it;
# lvsnft: the stamp of the first be4 element event of the victim after T0
# ("delete element" for out, "add element" for in).
seen() {
  local k=$1 want=$2 t0=$3 t l verb=delete v in=0
  AT_T="" AT_H="" POLLS=0 PERIOD=""
  [ "$want" = in ] && verb=add in=1
  while [ -z "$AT_T" ] || [ -z "$AT_H" ]; do
    nap
    t=$(now_us) POLLS=$((POLLS + 1)) PERIOD=$(((t - t0) / POLLS))
    [ $((t - t0)) -lt 20000000 ] || return 1
    if [ "$k" = keepalived ]; then
      mapfile -t l <"/proc/$CPID/net/ip_vs"
      v="${l[*]}"
      has "$v" "$XT" && [ -z "$AT_T" ] && AT_T=$((t - t0))
      has "$v" "$XH" && [ -z "$AT_H" ] && AT_H=$((t - t0))
    else
      mapfile -t l </tmp/mon.log
      for v in "${l[@]}"; do
        [ "${v%% *}" -ge "$t0" ] && [[ $v == *" $verb element inet lvsnft be4 "* ]] || continue
        [[ -z $AT_T && ($v == *": 10.2.1.1 "* || $v == *": 10.2.1.1,"*) ]] && AT_T=$((${v%% *} - t0))
        [[ -z $AT_H && ($v == *": 10.2.2.1 "* || $v == *": 10.2.2.1,"*) ]] && AT_H=$((${v%% *} - t0))
      done
    fi
  done
  return 0
}
# has TEXT ENTRY: true when ENTRY's presence in TEXT is what seen() waits
# for ($in: 1 = present).
has() { if [[ $1 == *" $2 "* ]]; then [ "$in" = 1 ]; else [ "$in" = 0 ]; fi; }
us() { echo "${1:-nan}${1:+e-6}"; }

# logged KIND T0: when the checker logged each victim's removal (µs from
# T0, "" if not): keepalived's "Removing service [ADDR]:tcp:PORT", the
# daemon's "ADDR:PORT DOWN"; sets LG_T and LG_H.
logged() {
  local v pt=" 10.2.1.1:80 DOWN" ph=" 10.2.2.1:8080 DOWN" l
  [ "$1" = keepalived ] && pt="Removing service [10.2.1.1]:tcp:80 " ph="Removing service [10.2.2.1]:tcp:8080 "
  LG_T="" LG_H=""
  mapfile -t l <"/tmp/$1.log"
  for v in "${l[@]}"; do
    [ "${v%% *}" -ge "$2" ] 2>/dev/null || continue
    [[ -z $LG_T && $v == *"$pt"* ]] && LG_T=$((${v%% *} - $2))
    [[ -z $LG_H && $v == *"$ph"* ]] && LG_H=$((${v%% *} - $2))
  done
  return 0
}

# detect_turn KIND REP: KILLS kills of both victims and their return; each
# "out" is confirmed by one listing of the table after it.
detect_turn() {
  local k=$1 r=$2 i n t0 gone
  [ "$k" = keepalived ] || mon_start
  for i in $(seq "$KILLS"); do
    n="$r.$i"
    sleep "$(awk -v i="$IV" -v r=$RANDOM 'BEGIN {print i * r / 32768}')"
    t0=$(now_us)
    kill -KILL "$VTPID" "$VHPID"
    wait "$VTPID" "$VHPID" 2>/dev/null
    seen "$k" out "$t0" || { echo "# $k: a victim never left the table" >&2
      [ "$k" = keepalived ] || tail -n 20 /tmp/mon.log >&2; }
    sample "$k" detect.tcp "$n" "$(us "$AT_T")"
    sample "$k" detect.http "$n" "$(us "$AT_H")"
    sample "$k" poll "$n" "$(us "$PERIOD")"
    logged "$k" "$t0"
    sample "$k" logged.tcp "$n" "$(us "$LG_T")"
    sample "$k" logged.http "$n" "$(us "$LG_H")"
    gone=$(listing "$k" | grep -cx -e "$VT" -e "$VH")
    sample "$k" listed_after "$n" "$gone"
    echo "# $k kill $n: out after ${AT_T:-?} / ${AT_H:-?} us ($POLLS polls), logged" \
      "after ${LG_T:-?} / ${LG_H:-?} us, then listed: $gone" >&2
    serve "$VT" && VTPID=$SPID
    serve "$VH" && VHPID=$SPID
    t0=$(now_us)
    seen "$k" in "$t0"
    sample "$k" back.tcp "$n" "$(us "$AT_T")"
    sample "$k" back.http "$n" "$(us "$AT_H")"
    echo "# $k kill $n: back after ${AT_T:-?} / ${AT_H:-?} us" >&2
  done
  [ "$k" = keepalived ] || mon_stop
}

turn() {
  start "$1" || return 1
  cpu_turn "$1" "$2"
  detect_turn "$1" "$2"
  stop "$1"
}

sample env kernel 0 "$(uname -r)"
setup || { echo "kacheck: setup failed" >&2; exit 1; }
serve "$(cat $L/cfg/bulk.list)"
serve "$VT" && VTPID=$SPID
serve "$VH" && VHPID=$SPID
sleep 1
fails=0
for r in $(seq "$REPS"); do
  if [ $((r % 2)) = 1 ]; then order="keepalived lvsnft"; else order="lvsnft keepalived"; fi
  for k in $order; do
    turn "$k" "$r" || fails=$((fails + 1))
  done
  echo "# repetition $r done ($(cut -d' ' -f1 /proc/uptime) s)" >&2
done
echo "kacheck bench: $fails failure(s)"
[ $fails = 0 ]
