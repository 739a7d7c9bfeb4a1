#!/bin/bash
# Self-test of tests/lib/topo.sh on the host kernel: builds every reference
# topology, checks which hosts reach which (ping, both ways where routing
# matters, and the paths that must NOT work), serves lvsnft_echo on a real
# server over TCP and UDP, destroys the topology and checks that nothing with
# its prefix is left. Also checks the cleanup trap on failure and on SIGTERM.
#   topo_selftest.test.sh BUILD_DIR SOURCE_DIR      (root)
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "${2:-.}" && pwd)
. "$SRC/tests/lib/topo.sh"
TOPO_ECHO=$BUILD/lvsnft_echo
[ "$(id -u)" -eq 0 ] || { echo "FAIL: needs root (network namespaces)"; exit 1; }
[ -x "$TOPO_ECHO" ] || { echo "FAIL: $TOPO_ECHO not built"; exit 1; }
topo_trap
check() { topo_check "$@"; }
not() { topo_not "$@"; }

# Reachability table: "topology from to expect description"; expect is
# ok / no (one ping) or via:GW / none (the route FROM uses towards TO).
reach_cases() {
  cat <<'T'
nat client 192.168.10.2 ok client reaches the director's VIP side
nat dir 192.168.1.12 ok director reaches rs3 inside
nat rs1 192.168.10.2 ok rs1 reaches the director's client side via its gateway
nat rs1 192.168.10.13 via:192.168.1.100 rs1 routes to the client via the director
nat client 192.168.1.10 no client has no route to the real servers
nat client 192.168.1.10 none client has no route to the real servers (route)
fullnat dir 192.168.1.11 ok director reaches rs2 inside
fullnat rs1 192.168.10.13 none rs1 has no route back to the client (only SNAT helps)
fullnat rs1 192.168.10.2 no rs1 cannot reach the director's client side
dr client 192.168.1.2 ok client reaches the director on the segment
dr client 192.168.1.11 ok client reaches rs2 on the segment
dr rs3 192.168.1.13 ok rs3 reaches the client directly
nat6 client 2001:db8:10::2 ok client reaches the director over IPv6
nat6 rs2 2001:db8:10::2 ok rs2 reaches the director's client side over IPv6
nat6 rs2 2001:db8:10::13 via:2001:db8:1::100 rs2 routes to the client via the director (IPv6)
nat6 client 192.168.10.2 ok nat6 is dual-stack
nat6 client 2001:db8:1::10 none client has no IPv6 route to the real servers
fullnat6 rs1 2001:db8:10::13 none rs1 has no IPv6 route back to the client
fullnat6 dir 2001:db8:1::12 ok director reaches rs3 over IPv6
dr6 client 2001:db8:1::12 ok client reaches rs3 over IPv6 on the segment
dr6 dir 2001:db8:1::10 ok director reaches rs1 over IPv6
tun client 202.10.1.2 ok client reaches the director's public side
tun dir 192.168.1.11 ok director reaches rs2 inside
tun rs1 202.10.1.10 ok rs1 reaches the client through the router
tun rs1 202.10.1.10 via:192.168.1.1 rs1's route to the client avoids the director
dr-ecmp client 192.168.1.3 ok client reaches the second director via the router
dr-ecmp rs2 192.168.10.13 ok rs2 reaches the client through the router
dr-ecmp dir2 192.168.1.12 ok second director reaches rs3
T
}

# route_is P FROM TO GW: FROM's route to TO goes via GW ("none": no route).
route_is() {
  local r
  r=$(ip -n "$1-$2" route get "$3" 2>/dev/null) || { [ "$4" = none ]; return; }
  [ "$4" != none ] && echo "$r" | grep -q " via $4 "
}

# Echo table: "topology server-addr client-host seen-addr": lvsnft_echo on
# rs1, queried from the director over TCP and UDP.
echo_cases() {
  cat <<'T'
nat 192.168.1.10 dir 192.168.1.100
fullnat 192.168.1.10 dir 192.168.1.100
dr 192.168.1.10 dir 192.168.1.2
nat6 [2001:db8:1::10] dir 2001:db8:1::100
fullnat6 [2001:db8:1::10] dir 2001:db8:1::100
dr6 [2001:db8:1::10] dir 2001:db8:1::2
tun 192.168.1.10 dir 192.168.1.100
dr-ecmp 192.168.1.10 dir2 192.168.1.3
T
}

# echo_check P ADDR FROM SEEN PROTO: 4 requests; all answered by rs1, which
# saw the director's address.
echo_check() {
  local out n=4
  out=$(topo_exec "$1" "$3" "$TOPO_ECHO" client "--$5" "$2:8080" --count $n \
    --parallel 2 --timeout-ms 3000)
  [ "$(topo_json "$out" ok)" = $n ] && [ "$(topo_json "$out" rs.rs1)" = $n ] &&
    [ "$(topo_json "$out" "seen.$4")" = $n ] || { echo "  got: $out"; return 1; }
}

ecmp_route() {  # the router spreads the VIP over two next hops
  [ "$(ip -n "$1-router" route show 192.168.1.100 | grep -c nexthop)" = 2 ]
}

run_topology() {
  local name=$1 p t0 from to expect desc srv addr seen
  p="$(topo_prefix lvlb)t"
  t0=$EPOCHREALTIME
  check "$name: created" topo_create "$name" "$p" || return
  echo "     ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.2f", b - a}') s" \
    "to create $(topo_hosts "$p" | wc -l) hosts)"
  while read -r topo from to expect desc; do
    [ "$topo" = "$name" ] || continue
    case $expect in
      ok) check "$name: $desc" topo_ping "$p" "$from" "$to" ;;
      no) check "$name: $desc" not topo_ping "$p" "$from" "$to" ;;
      *) check "$name: $desc" route_is "$p" "$from" "$to" "${expect#via:}" ;;
    esac
  done < <(reach_cases)
  while read -r topo addr from seen; do
    [ "$topo" = "$name" ] || continue
    check "$name: lvsnft_echo serves on rs1" topo_serve "$p" rs1 rs1 \
      --tcp "$addr:8080" --udp "$addr:8080"
    srv=$TOPO_PID
    check "$name: rs1 answers TCP from $from" echo_check "$p" "$addr" "$from" "$seen" tcp
    check "$name: rs1 answers UDP from $from" echo_check "$p" "$addr" "$from" "$seen" udp
  done < <(echo_cases)
  [ "$name" = dr-ecmp ] && check "dr-ecmp: VIP route has two next hops" ecmp_route "$p"
  topo_destroy "$p"
  check "$name: no namespace with prefix $p left" test -z "$(topo_left "$p")"
  check "$name: server process gone" not kill -0 "$srv" 2>/dev/null
  check "$name: state directory removed" test ! -e "$TOPO_TMP/topo.$p"
}

# A child script: builds a topology, starts a server, then ends with
# status $3 (or "hang": a tracked sleep, waiting for SIGTERM).
CHILD='. "$1/tests/lib/topo.sh"; TOPO_ECHO=$2; topo_trap
  p="$(topo_prefix lvlb)c"; topo_create dr "$p" || exit 99
  topo_serve "$p" rs1 rs1 --tcp 192.168.1.10:80 || exit 98
  echo "$p $TOPO_PID" > "$4"
  if [ "$3" = hang ]; then sleep 60 & topo_track "$p" $!; wait; fi
  exit "$3"'

trap_cases() {
  local info="$TOPO_TMP/lvlb$$.child" p pid rc cpid
  bash -c "$CHILD" child "$SRC" "$TOPO_ECHO" 3 "$info" 2>/dev/null
  rc=$?
  read -r p pid <"$info"
  check "trap: a failing script keeps its exit status (3)" test "$rc" = 3
  check "trap: failing script left no namespace" test -z "$(topo_left "$p")"
  check "trap: failing script's server was killed" not kill -0 "$pid" 2>/dev/null
  rm -f "$info"
  bash -c "$CHILD" child "$SRC" "$TOPO_ECHO" hang "$info" 2>/dev/null &
  cpid=$!
  topo_wait_file "$info" 20
  read -r p pid <"$info"
  kill -TERM "$cpid"
  wait "$cpid"
  rc=$?
  check "trap: SIGTERM ends the script with 143" test "$rc" = 143
  check "trap: SIGTERM left no namespace" test -z "$(topo_left "$p")"
  check "trap: SIGTERM killed the server" not kill -0 "$pid" 2>/dev/null
  rm -f "$info"
}

guard_cases() {
  local p err
  p="$(topo_prefix lvlb)g"
  topo_create dr "$p" >/dev/null
  err=$(topo_create dr "$p" 2>&1)
  check "guard: a used prefix is refused with a precise message" \
    test "$err" = "topo: namespaces with prefix $p already exist"
  err=$(topo_create ring "$(topo_prefix lvlb)h" 2>&1)
  check "guard: unknown topology is refused" test "$err" = "topo: unknown topology 'ring'
topo: topo_create ring $(topo_prefix lvlb)h failed"
  check "guard: failed create left nothing" test -z "$(topo_left "$(topo_prefix lvlb)h")"
  topo_destroy "$p"
}

# lvsnft_echo binds a VIP before it exists (IP(V6)_FREEBIND), as a real
# server does before rs-setup puts the VIP on lo.
freebind_cases() {
  local p out
  p="$(topo_prefix lvlb)b"
  topo_create dr6 "$p" >/dev/null
  check "freebind: serve on the absent VIPs starts" topo_serve "$p" rs2 rs2 \
    --tcp 192.168.1.100:80,[2001:db8:1::100]:80 --udp 192.168.1.100:53
  ip -n "$p-rs2" addr add 192.168.1.100/32 dev lo
  ip -n "$p-rs2" addr add 2001:db8:1::100/128 dev lo nodad
  out=$(topo_exec "$p" rs2 "$TOPO_ECHO" client --tcp 192.168.1.100:80 --count 2)
  check "freebind: IPv4 VIP answers once added" test "$(topo_json "$out" local.192.168.1.100:80)" = 2
  out=$(topo_exec "$p" rs2 "$TOPO_ECHO" client --tcp [2001:db8:1::100]:80 --count 2)
  check "freebind: IPv6 VIP answers once added" test "$(topo_json "$out" "local.[2001:db8:1::100]:80")" = 2
  out=$(topo_exec "$p" rs2 "$TOPO_ECHO" client --udp 192.168.1.100:53 --count 2)
  check "freebind: UDP reply comes from the VIP" test "$(topo_json "$out" local.192.168.1.100:53)" = 2
  # Only rs2 holds the VIP here, so it answers ARP for it: the client's
  # datagrams reach a wildcard socket, whose reply must leave from the VIP
  # (IP_PKTINFO) or the client's connected socket would drop it.
  topo_serve "$p" rs2 rs2w --udp 0.0.0.0:54 >/dev/null
  out=$(topo_exec "$p" client "$TOPO_ECHO" client --udp 192.168.1.100:54 --count 2)
  check "wildcard UDP server answers from the address asked" \
    test "$(topo_json "$out" local.192.168.1.100:54)" = 2
  topo_destroy "$p"
}

start=$(date +%s)
for t in nat fullnat dr nat6 fullnat6 dr6 tun dr-ecmp; do run_topology "$t"; done
freebind_cases
trap_cases
guard_cases
echo "$(($(date +%s) - start)) s"
topo_summary topo_selftest
