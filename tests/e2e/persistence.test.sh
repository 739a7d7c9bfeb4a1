#!/usr/bin/env bash
# Persistence (client affinity) on the NAT topology, with a short timeout
# (2 s) so that expiry can be watched. Scheduler rr over three equal
# servers: without affinity, consecutive new connections go to different
# servers, so "all on one server" is a real signal.
#   1. 60 connections from one client: all on one server A; persist4 holds
#      exactly one entry for the client.
#   2. 12 connections spaced 250 ms (3 s in all, longer than the timeout,
#      each within it of the previous): all still on A (the entry is
#      refreshed on use).
#   3. wait 2.6 s (timeout + 0.6 s): the entry is gone from persist4; 60
#      connections: all on one server B != A. Once more: C != B. With rr
#      the three expiry rounds must name three different servers.
#   4. netmask 24: two client addresses of one /24 (.13, .14) share a
#      server; with the default /32 they do not.
#   persistence.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"
VIP=192.168.10.100
TIMEOUT=2

# one_rs JSON N: N answers, all ok, all from one server; prints its name.
one_rs() {
  e2e_all_ok "$1" "$2" >/dev/null || { echo "not all ok: $1"; return 1; }
  [ "$(jq '.rs | length' <<<"$1")" = 1 ] || { echo "spread: $(jf "$1" .rs)"; return 1; }
  jf "$1" '.rs | keys[0]'
}

# entries P: persist4 elements as "client . slot" lines.
entries() {
  topo_exec "$1" dir nft -j list set inet lvsnft persist4 |
    jq -r '.nftables[] | .set? | select(.) | .elem[]? | (.elem? // .) | .val? // .
      | .concat | map(tostring) | join(" . ")'
}

# run P PORT COUNT [ARGS...]: a client run against VIP:PORT.
run() {
  local p=$1 port=$2 n=$3
  shift 3
  e2e_client "$p" --tcp "$VIP:$port" --count "$n" "$@"
}

e2e_check "nat topology" e2e_topo nat || exit 1
e2e_cfg "$E2E_WORK/p.json" '{"interface": "eth0"}' \
  "$(e2e_svc web nat tcp $VIP 80 - rr 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)" \
  "$(e2e_svc web24 nat tcp $VIP 81 - rr 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
e2e_jq "$E2E_WORK/p.json" "(.services[0].persistence = {timeout: $TIMEOUT})
  | (.services[1].persistence = {timeout: $TIMEOUT, netmask: 24})" "$E2E_WORK/pp.json"
e2e_check "servers up, lvsnft apply (persistence timeout ${TIMEOUT}s)" eval \
  'e2e_serve "$P" "--tcp RSIP:80,RSIP:81" && e2e_apply "$P" dir "$E2E_WORK/pp.json" &&
   ip -n "$P-client" addr add 192.168.10.14/24 dev eth0' || exit 1

res=$(run "$P" 80 60)
e2e_check "60 connections in a row: one server" one_rs "$res" 60 && A=$(one_rs "$res" 60)
e2e_check "persist4 holds one entry, for the client" eval \
  '[ "$(entries "$P" | tee /dev/stderr | grep -c "^192.168.10.13 ")" = 1 ]'
res=$(run "$P" 80 12 --interval-ms 250)
e2e_check "12 connections over 3 s (> timeout, refreshed on use): still ${A:-?}" \
  eval '[ "$(one_rs "$res" 12)" = "${A:-none}" ]'

sleep 2.6
e2e_check "after ${TIMEOUT}s + 0.6s idle: the entry has expired" eval \
  '! entries "$P" | grep "^192.168.10.13 "'
res=$(run "$P" 80 60)
e2e_check "after expiry: 60 connections on one server B != A" eval \
  'B=$(one_rs "$res" 60) && [ "$B" != "${A:-}" ]'
sleep 2.6
res=$(run "$P" 80 60)
e2e_check "after a second expiry: one server C != B, and A, B, C all differ" eval \
  'C=$(one_rs "$res" 60) && [ "$C" != "${B:-}" ] && [ "$C" != "${A:-}" ]'
e2e_info "affinity rounds: A=${A:-?} B=${B:-?} C=${C:-?}"

# netmask 24 (port 81) vs the default /32 (port 80, whose entry expired).
sleep 2.6
a=$(run "$P" 81 20 --bind 192.168.10.13) b=$(run "$P" 81 20 --bind 192.168.10.14)
e2e_check "netmask 24: .13 and .14 share one server" eval \
  '[ "$(one_rs "$a" 20)" = "$(one_rs "$b" 20)" ]'
e2e_check "persist4: one entry for 192.168.10.0 (the /24)" eval \
  '[ "$(entries "$P" | tee /dev/stderr | grep -c "^192.168.10.0 ")" = 1 ]'
a=$(run "$P" 80 20 --bind 192.168.10.13) b=$(run "$P" 80 20 --bind 192.168.10.14)
e2e_check "netmask 32: .13 and .14 get different servers" eval \
  'x=$(one_rs "$a" 20) && y=$(one_rs "$b" 20) && [ "$x" != "$y" ]'
e2e_done persistence
