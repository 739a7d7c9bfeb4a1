# shellcheck shell=bash
# Network-namespace topologies for lvsnft's kernel, end-to-end, demo and
# benchmark scripts (bash; also shipped into the VM). Source it, then:
#
#   P=$(topo_prefix mytag)           # tag + $$ (+ a suffix of your choice)
#   topo_trap                        # clean up every topology on exit/signal
#   topo_create nat "$P"             # nat fullnat dr tun nat6 fullnat6 dr6 dr-ecmp
#   topo_serve "$P" rs1 rs1 --tcp 192.168.1.10:80   # lvsnft_echo, waits ready
#   topo_exec "$P" client "$TOPO_ECHO" client --tcp 192.168.10.100:80 --count 9
#   topo_destroy "$P"                # or leave it to the trap
#
# Every host is one namespace named "$P-<host>"; a switch namespace "$P-sw"
# holds the bridges (br0: client/public segment, br1: inside segment) and
# the far ends of the veth pairs ("p-<host>-<ifname>"). Nothing outside
# these namespaces is touched; the only other state is the directory
# $TOPO_TMP/topo.$P (pid list and logs of processes started with topo_spawn).
#
# Hosts and fixed interface names (v6 addresses only in the *6 variants,
# which are dual-stack; nothing here adds a VIP, lvsnft does):
#   nat/nat6        client eth0 192.168.10.13/24  2001:db8:10::13/64
#                   dir    eth0 192.168.10.2/24   2001:db8:10::2/64   (VIP side)
#                          eth1 192.168.1.100/24  2001:db8:1::100/64  (inside)
#                   rsN    eth0 192.168.1.1N/24   2001:db8:1::1N/64   N=0,1,2
#                   rs default route via the director; director forwards.
#                   VIP 192.168.10.100 / 2001:db8:10::100 (on-link for client).
#   fullnat/fullnat6  as nat, but the RS have no default route: only the
#                   director's SNAT brings replies back.
#   dr/dr6          one segment: client eth0 .13, dir eth0 .2, rsN eth0 .1N
#                   of 192.168.1.0/24 and 2001:db8:1::/64; VIP .100 on-link.
#   tun             client eth0 202.10.1.10/24, default via the router
#                   dir    eth0 202.10.1.2/24 (public), eth1 192.168.1.100/24
#                   router eth0 202.10.1.1/24, eth1 192.168.1.1/24
#                   rs1, rs2 eth0 192.168.1.10/.11, default via the router,
#                   so replies bypass the director. VIP 202.10.1.101
#                   (on-link for the client). Tunnels need ipip: VM only.
#   dr-ecmp         client eth0 192.168.10.13/24 default via router
#                   192.168.10.1; router eth1 192.168.1.1/24 routes the VIP
#                   192.168.1.100/32 over two equal next hops, dir eth0
#                   192.168.1.2 and dir2 eth0 192.168.1.3 (L4 hash); rsN eth0
#                   192.168.1.1N default via the router. Nobody ARPs for
#                   the VIP here: the router forwards to the directors' MACs.
# Host defaults are set explicitly, like a stock host: rp_filter=1,
# arp_ignore=0, arp_announce=0 (the router: rp_filter=0, forwarding on);
# IPv6 DAD is off everywhere so addresses are usable at once.

TOPO_TMP=${TOPO_TMP:-${TMPDIR:-/tmp}}
TOPO_ECHO=${TOPO_ECHO:-lvsnft_echo}
[ -n "${TOPO_PREFIXES+x}" ] || TOPO_PREFIXES=()

# topo_prefix [TAG]: a prefix unique to this shell: TAG (default $TOPO_TAG or
# "lvt") followed by $$. Append a letter for a second topology in one run.
topo_prefix() { echo "${1:-${TOPO_TAG:-lvt}}$$"; }

# topo_ns PREFIX HOST: the namespace name of a host (for lvsnft --netns).
topo_ns() { echo "$1-$2"; }

# topo_bare_ns NS: (re)creates namespace NS with lo up and a director
# interface eth0 (one end of a veth pair, up), for tests that need a
# kernel but no traffic.
topo_bare_ns() {
  ip netns del "$1" 2>/dev/null
  ip netns add "$1" && ip -n "$1" link set lo up &&
    ip -n "$1" link add eth0 type veth peer name eth0p && ip -n "$1" link set eth0 up
}

# topo_director_ns NS: topo_bare_ns plus the FULLNAT local addresses the
# examples use on eth0 (apply refuses local addresses on no interface).
topo_director_ns() {
  topo_bare_ns "$1" && ip -n "$1" addr add 192.168.1.100/24 dev eth0 &&
    ip -n "$1" addr add 2001:db8:1::100/64 dev eth0 nodad
}

# topo_exec PREFIX HOST CMD...: run CMD inside the host's namespace.
topo_exec() {
  local ns="$1-$2"
  shift 2
  ip netns exec "$ns" "$@"
}

# topo_sh PREFIX HOST SCRIPT: run a shell snippet inside the host.
topo_sh() { ip netns exec "$1-$2" sh -c "$3"; }

# topo_sysctl PREFIX HOST KEY=VALUE...: write /proc/sys entries in the host.
topo_sysctl() {
  local ns="$1-$2" kv key script=""
  shift 2
  for kv in "$@"; do
    key=${kv%%=*}
    script+="echo '${kv#*=}' > /proc/sys/${key//.//} && "
  done
  ip netns exec "$ns" sh -c "${script}true"
}

# topo_hosts PREFIX: the host names of a created topology (not "sw").
topo_hosts() { cat "$TOPO_TMP/topo.$1/hosts" 2>/dev/null; }

_topo_die() {
  echo "topo: $*" >&2
  return 1
}

# Building works in two steps so that a topology costs few processes (this
# matters under emulation in the VM): namespaces and sysctls are made at
# once, links/addresses/routes are queued per namespace and then applied by
# one `ip -batch` each, the switch first.

# _topo_q P HOST LINE: queue one `ip` command for HOST's batch.
_topo_q() { echo "$3" >>"$TOPO_TMP/topo.$1/batch.$2"; }

# _topo_host P HOST [KEY=VALUE...]: a namespace with stock host sysctls
# (IPv6 DAD off, rp_filter=1, ARP defaults) plus the given ones.
_topo_host() {
  local p=$1 host=$2
  shift 2
  ip netns add "$p-$host" || return 1
  [ "$host" = sw ] || echo "$host" >>"$TOPO_TMP/topo.$p/hosts"
  _topo_q "$p" "$host" "link set lo up"
  topo_sysctl "$p" "$host" net.ipv6.conf.all.accept_dad=0 \
    net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.dad_transmits=0 \
    net.ipv6.conf.default.router_solicitations=0 \
    net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1 \
    net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.all.arp_announce=0 \
    net.ipv4.conf.default.arp_ignore=0 net.ipv4.conf.default.arp_announce=0 \
    "$@"
}

# _topo_link P HOST IFNAME BRIDGE ADDR...: a veth from the host into the
# switch bridge, up, with addresses (IPv6 ones without DAD).
_topo_link() {
  local p=$1 host=$2 ifn=$3 br=$4 a
  shift 4
  _topo_q "$p" sw "link add p-$host-$ifn type veth peer name $ifn netns $p-$host"
  _topo_q "$p" sw "link set p-$host-$ifn master $br up"
  _topo_q "$p" "$host" "link set $ifn up"
  for a in "$@"; do
    case $a in
      *:*) _topo_q "$p" "$host" "addr add $a dev $ifn nodad" ;;
      *) _topo_q "$p" "$host" "addr add $a dev $ifn" ;;
    esac
  done
}

# _topo_route P HOST ROUTE...: queue `route add ROUTE`.
_topo_route() {
  local p=$1 host=$2
  shift 2
  _topo_q "$p" "$host" "route add $*"
}

# _topo_switch P BRIDGE...: the switch namespace and its bridges.
_topo_switch() {
  local p=$1 br
  shift
  _topo_host "$p" sw net.ipv6.conf.default.disable_ipv6=1 \
    net.ipv6.conf.all.disable_ipv6=1 || return 1
  for br in "$@"; do
    _topo_q "$p" sw "link add $br type bridge mcast_snooping 0"
    _topo_q "$p" sw "link set $br up"
  done
}

# _topo_flush P: applies the queued commands, the switch namespace first.
_topo_flush() {
  local p=$1 host
  for host in sw $(topo_hosts "$p"); do
    ip -n "$p-$host" -batch "$TOPO_TMP/topo.$p/batch.$host" || return 1
    rm -f "$TOPO_TMP/topo.$p/batch.$host"
  done
}

# _topo_v6 WANT V6ADDR: echoes the address only for the *6 variants.
_topo_v6() { [ "$1" = 1 ] && echo "$2"; }

# NAT and FULLNAT (v6=1: dual-stack; fullnat=1: RS without default route).
_topo_nat() {
  local p=$1 v6=$2 fullnat=$3 i rs
  _topo_switch "$p" br0 br1 && _topo_host "$p" client || return 1
  _topo_host "$p" dir net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 ||
    return 1
  _topo_link "$p" client eth0 br0 192.168.10.13/24 \
    $(_topo_v6 "$v6" 2001:db8:10::13/64)
  _topo_link "$p" dir eth0 br0 192.168.10.2/24 \
    $(_topo_v6 "$v6" 2001:db8:10::2/64)
  _topo_link "$p" dir eth1 br1 192.168.1.100/24 \
    $(_topo_v6 "$v6" 2001:db8:1::100/64)
  for i in 0 1 2; do
    rs=rs$((i + 1))
    _topo_host "$p" "$rs" || return 1
    _topo_link "$p" "$rs" eth0 br1 "192.168.1.1$i/24" \
      $(_topo_v6 "$v6" "2001:db8:1::1$i/64")
    [ "$fullnat" = 1 ] && continue
    _topo_route "$p" "$rs" default via 192.168.1.100
    [ "$v6" = 1 ] && _topo_route "$p" "$rs" default via 2001:db8:1::100
  done
  return 0
}

# DR: one segment (v6=1: dual-stack).
_topo_dr() {
  local p=$1 v6=$2 i
  _topo_switch "$p" br0 && _topo_host "$p" client && _topo_host "$p" dir ||
    return 1
  _topo_link "$p" client eth0 br0 192.168.1.13/24 \
    $(_topo_v6 "$v6" 2001:db8:1::13/64)
  _topo_link "$p" dir eth0 br0 192.168.1.2/24 $(_topo_v6 "$v6" 2001:db8:1::2/64)
  for i in 0 1 2; do
    _topo_host "$p" "rs$((i + 1))" || return 1
    _topo_link "$p" "rs$((i + 1))" eth0 br0 "192.168.1.1$i/24" \
      $(_topo_v6 "$v6" "2001:db8:1::1$i/64")
  done
}

# _topo_router P OUT_ADDR IN_ADDR: the router host between br0 and br1
# (forwarding, no reverse-path filter, L4 multipath hash).
_topo_router() {
  _topo_host "$1" router net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.default.rp_filter=0 net.ipv4.ip_forward=1 \
    net.ipv4.fib_multipath_hash_policy=1 || return 1
  _topo_link "$1" router eth0 br0 "$2"
  _topo_link "$1" router eth1 br1 "$3"
}

# TUN: public segment, inside segment, replies through the router.
_topo_tun() {
  local p=$1 i
  _topo_switch "$p" br0 br1 && _topo_host "$p" client && _topo_host "$p" dir &&
    _topo_router "$p" 202.10.1.1/24 192.168.1.1/24 || return 1
  _topo_link "$p" client eth0 br0 202.10.1.10/24
  _topo_route "$p" client default via 202.10.1.1
  _topo_link "$p" dir eth0 br0 202.10.1.2/24
  _topo_link "$p" dir eth1 br1 192.168.1.100/24
  for i in 0 1; do
    _topo_host "$p" "rs$((i + 1))" || return 1
    _topo_link "$p" "rs$((i + 1))" eth0 br1 "192.168.1.1$i/24"
    _topo_route "$p" "rs$((i + 1))" default via 192.168.1.1
  done
}

# DR behind an ECMP router with two directors.
_topo_dr_ecmp() {
  local p=$1 h
  _topo_switch "$p" br0 br1 && _topo_host "$p" client &&
    _topo_router "$p" 192.168.10.1/24 192.168.1.1/24 || return 1
  _topo_link "$p" client eth0 br0 192.168.10.13/24
  _topo_route "$p" client default via 192.168.10.1
  _topo_route "$p" router 192.168.1.100/32 nexthop via 192.168.1.2 dev eth1 \
    nexthop via 192.168.1.3 dev eth1
  for h in dir:2 dir2:3 rs1:10 rs2:11 rs3:12; do
    _topo_host "$p" "${h%:*}" || return 1
    _topo_link "$p" "${h%:*}" eth0 br1 "192.168.1.${h#*:}/24"
    _topo_route "$p" "${h%:*}" default via 192.168.1.1
  done
}

# topo_create NAME PREFIX: builds topology NAME under PREFIX and registers
# it for topo_cleanup_all. On failure it removes what it built; returns 1.
topo_create() {
  local name=$1 p=$2 rc=0
  [ -n "$p" ] || _topo_die "topo_create: no prefix" || return 1
  if ip netns list 2>/dev/null | grep -q "^$p-"; then
    _topo_die "namespaces with prefix $p already exist" || return 1
  fi
  rm -rf "${TOPO_TMP:?}/topo.$p"
  mkdir -p "$TOPO_TMP/topo.$p/logs" && : >"$TOPO_TMP/topo.$p/pids" || return 1
  TOPO_PREFIXES+=("$p")
  case $name in
    nat) _topo_nat "$p" 0 0 ;;
    nat6) _topo_nat "$p" 1 0 ;;
    fullnat) _topo_nat "$p" 0 1 ;;
    fullnat6) _topo_nat "$p" 1 1 ;;
    dr) _topo_dr "$p" 0 ;;
    dr6) _topo_dr "$p" 1 ;;
    tun) _topo_tun "$p" ;;
    dr-ecmp) _topo_dr_ecmp "$p" ;;
    *) _topo_die "unknown topology '$name'" ;;
  esac && _topo_flush "$p" || rc=1
  if [ $rc -ne 0 ]; then
    topo_destroy "$p"
    _topo_die "topo_create $name $p failed" || return 1
  fi
}

# topo_spawn PREFIX HOST CMD...: starts CMD in the background inside the
# host, output to $TOPO_TMP/topo.PREFIX/logs/HOST.N.log; sets TOPO_PID and
# TOPO_LOG and records the pid so cleanup kills it.
topo_spawn() {
  local p=$1 host=$2 dir="$TOPO_TMP/topo.$1"
  shift 2
  TOPO_LOG="$dir/logs/$host.$(wc -l <"$dir/pids").log"
  echo "# $host: $*" >"$TOPO_LOG"
  ip netns exec "$p-$host" "$@" >>"$TOPO_LOG" 2>&1 &
  TOPO_PID=$!
  echo "$TOPO_PID $TOPO_LOG" >>"$dir/pids"
}

# topo_track PREFIX PID: have cleanup kill a process started another way.
topo_track() { echo "$2 -" >>"$TOPO_TMP/topo.$1/pids"; }

# _topo_alive PID: the process exists and is not a zombie (no fork).
_topo_alive() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# _topo_stop PID...: SIGTERM, up to 2 s grace, then SIGKILL; reaps children.
_topo_stop() {
  local pid n=0 alive
  [ $# -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true  # some may be gone already (set -e callers)
  while [ $n -lt 40 ]; do
    alive=""
    for pid in "$@"; do _topo_alive "$pid" && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.05
    n=$((n + 1))
  done
  kill -9 "$@" 2>/dev/null || true
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
  return 0
}

# topo_kill PREFIX PID: stops one process started with topo_spawn now.
topo_kill() { _topo_stop "$2"; }

# topo_wait_file FILE [SECONDS]: waits until FILE exists (default 10 s).
topo_wait_file() {
  local n=0 max=$((${2:-10} * 20))
  while [ ! -s "$1" ]; do
    [ $n -ge $max ] && return 1
    sleep 0.05
    n=$((n + 1))
  done
}

# topo_wait_for SECONDS CMD...: runs CMD every 10 ms until it succeeds;
# fails after SECONDS.
topo_wait_for() {
  local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
  until "${@:2}"; do
    [ ${EPOCHREALTIME/./} -gt $end ] && return 1
    sleep 0.01
  done
}

# topo_serve PREFIX HOST NAME ARGS...: starts `$TOPO_ECHO serve --name NAME
# ARGS` in HOST and returns once every socket is bound (its pidfile is
# written). Sets TOPO_PID.
topo_serve() {
  local p=$1 host=$2 name=$3 pidfile
  shift 3
  pidfile="$TOPO_TMP/topo.$p/$host.$name.$RANDOM.pid"
  topo_spawn "$p" "$host" "$TOPO_ECHO" serve --name "$name" \
    --pidfile "$pidfile" "$@"
  if ! topo_wait_file "$pidfile" 10; then
    cat "$TOPO_LOG" >&2
    _topo_die "lvsnft_echo serve in $host did not start" || return 1
  fi
}

# topo_ping PREFIX HOST ADDR: one echo request, 2 s to answer.
topo_ping() { topo_exec "$1" "$2" ping -c 1 -W 2 "$3" >/dev/null 2>&1; }

# topo_destroy PREFIX: kills every process recorded for PREFIX and every
# process still inside its namespaces (only this run can have put them
# there), deletes the namespaces and the state directory. Idempotent.
topo_destroy() {
  local p=$1 ns pids=() pid rest
  [ -n "$p" ] || return 1
  if [ -f "$TOPO_TMP/topo.$p/pids" ]; then
    while read -r pid rest; do pids+=("$pid"); done <"$TOPO_TMP/topo.$p/pids"
  fi
  _topo_stop "${pids[@]}"
  for ns in $(ip netns list 2>/dev/null | awk -v p="$p-" 'index($1, p) == 1 {print $1}'); do
    pids=($(ip netns pids "$ns" 2>/dev/null))
    _topo_stop "${pids[@]}"
    ip netns del "$ns"
  done
  rm -rf "${TOPO_TMP:?}/topo.$p"
}

# topo_left PREFIX: lists namespaces that still carry PREFIX (empty = clean).
topo_left() { ip netns list 2>/dev/null | awk -v p="$1-" 'index($1, p) == 1 {print $1}'; }

# topo_logs PREFIX: prints the logs of the processes topo_spawn started.
topo_logs() {
  local f
  for f in "$TOPO_TMP/topo.$1"/logs/*.log; do
    [ -f "$f" ] && { echo "== $f"; tail -n 20 "$f"; }
  done
  return 0
}

# topo_cleanup_all [STATUS]: destroys every topology this shell created;
# with a non-zero STATUS the process logs are printed first (to stderr).
topo_cleanup_all() {
  local p
  for p in "${TOPO_PREFIXES[@]}"; do
    [ "${1:-0}" -ne 0 ] && topo_logs "$p" >&2
    topo_destroy "$p"
  done
  TOPO_PREFIXES=()
}

# topo_trap: on exit (any status) and on INT/TERM, clean everything up.
# The script's exit status is kept. Replaces the shell's EXIT/INT/TERM
# traps; a script with its own trap calls topo_cleanup_all from it.
topo_trap() {
  trap 'topo_cleanup_all $?' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# topo_check DESCRIPTION CMD...: one assertion. Prints "ok   DESCRIPTION
# (N ms)" or "FAIL DESCRIPTION (N ms)" followed by CMD's output; counts failures in
# TOPO_FAILS; returns CMD's success. CMD runs in the current shell
# (functions may set variables).
topo_check() {
  local desc=$1 out="$TOPO_TMP/check.$$.out" t0=${EPOCHREALTIME/./} ms
  shift
  if "$@" >"$out" 2>&1; then
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    echo "ok   $desc (${ms} ms)"
  else
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    echo "FAIL $desc (${ms} ms)"
    sed 's/^/     /' "$out"
    TOPO_FAILS=$((${TOPO_FAILS:-0} + 1))
    rm -f "$out"
    return 1
  fi
  rm -f "$out"
}

# topo_not CMD...: succeeds when CMD fails (for topo_check).
topo_not() { ! "$@"; }

# topo_summary NAME: prints "NAME: N failure(s)"; returns 0 only for none.
topo_summary() {
  echo "$1: ${TOPO_FAILS:-0} failure(s)"
  [ "${TOPO_FAILS:-0}" -eq 0 ]
}

# topo_json JSON KEY: a value from lvsnft_echo's one-line JSON without a
# JSON parser (works in the VM): KEY is a top-level field ("ok", "total",
# "mode") or OBJECT.NAME inside rs/seen/local/errors/latency_ms
# ("rs.rs1", "seen.192.168.10.13", "latency_ms.p99"). Missing: prints
# nothing and returns 1.
topo_json() {
  local json=$1 key=$2 obj
  if [ "${key#*.}" != "$key" ]; then
    obj=${key%%.*}
    key=${key#*.}
    json=$(printf '%s' "$json" | sed -n "s/.*\"$obj\":{\([^}]*\)}.*/\1/p")
  fi
  printf '%s\n' "$json" | tr ',{}' '\n\n\n' | grep -F "\"$key\":" |
    head -n 1 | sed 's/^"[^"]*"://; s/"//g' | grep .
}
