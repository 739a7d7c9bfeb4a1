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

# entries_of P PREFIX N: exactly N persist4 entries for client PREFIX.
entries_of() {
  local n
  n=$(entries "$1" | tee /dev/stderr | grep -c "^$2 ")
  [ "$n" = "$3" ]
}

# same_rs JSON N WANT: all N on one server, and it is WANT.
same_rs() { [ "$(one_rs "$1" "$2")" = "$3" ]; }

# new_rs VAR JSON N NOT...: all N on one server that is none of NOT;
# VAR gets its name.
new_rs() {
  local var=$1 json=$2 n=$3 got x
  shift 3
  got=$(one_rs "$json" "$n") || return 1
  printf -v "$var" '%s' "$got"
  for x in "$@"; do [ "$got" != "$x" ] || { echo "$got again"; return 1; }; done
}

# share JSON1 JSON2 N: both runs on one server each, the same one.
share() { [ "$(one_rs "$1" "$3")" = "$(one_rs "$2" "$3")" ]; }

# differ JSON1 JSON2 N: both on one server each, different ones.
differ() {
  local x y
  x=$(one_rs "$1" "$3") && y=$(one_rs "$2" "$3") && [ "$x" != "$y" ]
}

setup() {
  e2e_up "$P" nat "$E2E_WORK/pp.json" "--tcp RSIP:80,RSIP:81" &&
    ip -n "$P-client" addr add 192.168.10.14/24 dev eth0
}

e2e_check "nat topology" e2e_topo nat || exit 1
e2e_cfg "$E2E_WORK/p.json" '{"interface": "eth0"}' \
  "$(e2e_svc web nat tcp $VIP 80 - rr 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)" \
  "$(e2e_svc web24 nat tcp $VIP 81 - rr 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
e2e_jq "$E2E_WORK/p.json" "(.services[0].persistence = {timeout: $TIMEOUT})
  | (.services[1].persistence = {timeout: $TIMEOUT, netmask: 24})" "$E2E_WORK/pp.json"
e2e_check "lvsnft apply (persistence timeout ${TIMEOUT}s), servers up, client .14" \
  setup || exit 1

A=- B=- C=-
res=$(run "$P" 80 60)
e2e_check "60 connections in a row: one server A" new_rs A "$res" 60
e2e_check "persist4 holds one entry, for the client" entries_of "$P" 192.168.10.13 1
res=$(run "$P" 80 12 --interval-ms 250)
e2e_check "12 connections over 3 s (> timeout, refreshed on use): still A=$A" \
  same_rs "$res" 12 "$A"

sleep 2.6
e2e_check "after ${TIMEOUT}s + 0.6s idle: the entry has expired" \
  entries_of "$P" 192.168.10.13 0
res=$(run "$P" 80 60)
e2e_check "after expiry: 60 connections on one server B != A" new_rs B "$res" 60 "$A"
sleep 2.6
res=$(run "$P" 80 60)
e2e_check "after a second expiry: one server C, A, B, C all differ" \
  new_rs C "$res" 60 "$A" "$B"
e2e_info "affinity rounds: A=$A B=$B C=$C"

# netmask 24 (port 81) vs the default /32 (port 80, whose entry expired).
sleep 2.6
a=$(run "$P" 81 20 --bind 192.168.10.13) b=$(run "$P" 81 20 --bind 192.168.10.14)
e2e_check "netmask 24: .13 and .14 share one server" share "$a" "$b" 20
e2e_check "persist4: one entry for 192.168.10.0 (the /24)" \
  entries_of "$P" 192.168.10.0 1
a=$(run "$P" 80 20 --bind 192.168.10.13) b=$(run "$P" 80 20 --bind 192.168.10.14)
e2e_check "netmask 32: .13 and .14 get different servers" differ "$a" "$b" 20
e2e_done persistence
