#!/usr/bin/env bash
# Observation against real traffic: `lvsnft status` ActiveConn/InActConn,
# `lvsnft connections`, `status --rate` and the daemon's connection
# metrics, each cross-checked with an independent tool.
#   - NAT (rr over rs1..rs3): 6 TCP connections held open by the client
#     (lvsnft_echo --long), 9 closed ones and 6 UDP datagrams. ActiveConn
#     per server equals conntrack(8)'s ESTABLISHED entries with lvsnft's
#     mark range (conntrack -L -m 0x40000000/0xc0000000) per reply source,
#     6 in all, 2 a server; InActConn holds the 9 closed ones (TIME_WAIT)
#     and the UDP service the 6 datagrams. `connections` lists the same
#     (client, real server) pairs as conntrack, and --service filters.
#   - `status --rate`: web's connections per second > 0 under a stream of
#     new connections, exactly 0 when idle.
#   - the daemon's metrics: lvsnft_backend_connections_active sums to 6,
#     lvsnft_service_connections_total equals status; promtool accepts
#     the page.
#   - DR: 3 held connections are 3 flows; status's ActiveConn per server,
#     `connections` (state FLOW, client, real server) and the flow set
#     listed by nft agree.
#   observe.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"
command -v conntrack >/dev/null || { echo "SKIP: conntrack missing"; exit 77; }
MARK=0x40000000/0xc0000000

# ct_established P: "ADDR COUNT" per real server, from conntrack(8).
ct_established() {
  topo_exec "$1" dir conntrack -L -p tcp -m "$MARK" 2>/dev/null |
    awk '/ESTABLISHED/ { n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^src=/ && ++n == 2) print substr($i, 5) }' |
    sort | uniq -c | awk '{print $2, $1}'
}

# st_active P SERVICE: "ADDR COUNT" per real server with ActiveConn > 0.
st_active() {
  e2e_lv status "$1" dir --output json | jq -r --arg s "$2" '.services[]
    | select(.name == $s) | .real_servers[] | select(.active_conns > 0)
    | "\(.address | sub(":[0-9]+$"; "")) \(.active_conns)"' | sort
}

# sum_field P SERVICE FIELD: the sum of FIELD over SERVICE's servers.
sum_field() {
  e2e_lv status "$1" dir --output json | jq --arg s "$2" --arg f "$3" \
    '[.services[] | select(.name == $s) | .real_servers[] | .[$f]] | add'
}

# same TEXT_A TEXT_B: equal and not empty.
same() { echo "lvsnft: $1"; echo "oracle: $2"; [ -n "$1" ] && [ "$1" = "$2" ]; }

# pairs_ct P: "client server" of ESTABLISHED TCP entries (conntrack).
pairs_ct() {
  topo_exec "$1" dir conntrack -L -p tcp -m "$MARK" 2>/dev/null |
    awk '/ESTABLISHED/ { n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^src=/) s[++n] = substr($i, 5); print s[1], s[2] }' |
    sort
}

# pairs_lv P: the same from `lvsnft connections --output json`.
pairs_lv() {
  e2e_lv connections "$1" dir --output json | jq -r '.[]
    | select(.state == "ESTABLISHED")
    | "\(.client | sub(":[0-9]+$"; "")) \(.server | sub(":[0-9]+$"; ""))"' |
    sort
}

rate_cps() {
  e2e_lv status "$1" dir --rate --interval 1 --output json |
    jq '.services[] | select(.name == "web") | .rate.cps'
}

nat() {
  local cfg=$E2E_WORK/nat.json long out st
  e2e_check "nat: topology" e2e_topo nat || return 1
  e2e_cfg "$cfg" '{"interface": "eth0"}' \
    "$(e2e_svc web nat tcp 192.168.10.100 80 - rr 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)" \
    "$(e2e_svc dns nat udp 192.168.10.100 8053 - rr 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
  e2e_check "nat: apply, servers up" \
    e2e_up "$P" nat "$cfg" "--tcp RSIP:80 --udp RSIP:8053" || return 1
  e2e_spawn_client "$P" long --tcp 192.168.10.100:80 --long 6 --duration 600
  e2e_check "nat: 6 long connections established (conntrack)" \
    topo_wait_for 5 eval '[ "$(ct_established "$P" | awk "{s += \$2} END {print s}")" = 6 ]'
  out=$(e2e_client "$P" --tcp 192.168.10.100:80 --count 9)
  e2e_check "nat: 9 short connections answered" e2e_all_ok "$out" 9
  out=$(e2e_client "$P" --udp 192.168.10.100:8053 --count 6)
  e2e_check "nat: 6 datagrams answered" e2e_all_ok "$out" 6
  e2e_check "nat: ActiveConn per server = conntrack ESTABLISHED per server" \
    same "$(st_active "$P" web)" "$(ct_established "$P")"
  e2e_check "nat: ActiveConn 2 per server (rr)" \
    same "$(st_active "$P" web | awk '{print $2}' | tr '\n' ' ')" "2 2 2 "
  e2e_check "nat: InActConn of web = the 9 closed connections" \
    same "$(sum_field "$P" web inactive_conns)" "9"
  e2e_check "nat: InActConn of dns = the 6 UDP flows" \
    same "$(sum_field "$P" dns inactive_conns)" \
    "$(topo_exec "$P" dir conntrack -L -p udp -m "$MARK" 2>/dev/null | grep -c dport=8053)"
  e2e_check "nat: status text: ActiveConn 2, InActConn 3 on rs1" \
    eval 'e2e_lv status "$P" dir | tee /dev/stderr |
      grep -Eq "^  -> 192\.168\.1\.10 .* 2 +3$"'
  e2e_check "nat: connections = conntrack's (client, server) pairs" \
    same "$(pairs_lv "$P")" "$(pairs_ct "$P")"
  e2e_check "nat: connections --service dns lists only its 6 UDP flows" \
    same "$(e2e_lv connections "$P" dir --service dns --output json |
      jq -c '[length, ([.[] | .protocol] | unique), ([.[] | .vip] | unique)]')" \
    '[6,["udp"],["192.168.10.100:8053"]]'
  e2e_check "nat: connections text names the client and the service" \
    eval 'e2e_lv connections "$P" dir --service web |
      grep -Eq "^tcp  [0-9]+:[0-9]{2}    ESTABLISHED  192\.168\.10\.13:[0-9]+ +192\.168\.10\.100:80 +192\.168\.1\.1[0-2]:80 +web$"'
  e2e_check "nat: unknown --service is an error" \
    eval '! e2e_lv connections "$P" dir --service nosuch 2>"$E2E_WORK/err" &&
      grep -qx "lvsnft: connections: no service named \"nosuch\"" "$E2E_WORK/err"'
  nat_rate
  nat_metrics "$cfg"
  e2e_collect long stop
  e2e_check "nat: long connections never broke" e2e_jtest "$long" '.opened == 6 and .broken == 0'
}

nat_rate() {
  local cps stream
  e2e_spawn_client "$P" stream --tcp 192.168.10.100:80 --stream 4 --interval-ms 5
  sleep 0.5
  cps=$(rate_cps "$P")
  e2e_check "nat: --rate under load: web CPS > 0 ($cps)" \
    jq -e '. > 0' <<<"$cps"
  e2e_collect stream
  e2e_check "nat: --rate idle: web CPS = 0" same "$(rate_cps "$P")" 0
}

nat_metrics() {
  local port=9$((RANDOM % 900 + 100)) page="$E2E_WORK/metrics" dpid
  e2e_lv daemon "$P" dir -c "$1" --control-socket "$E2E_WORK/ctl.sock" \
    --metrics-listen 127.0.0.1:$port 2>"$E2E_WORK/daemon.log" &
  dpid=$!
  topo_track "$P" "$dpid"
  e2e_check "nat: daemon serves metrics" topo_wait_for 10 eval \
    'topo_exec "$P" dir curl -sf "http://127.0.0.1:$port/metrics" >"$page"'
  e2e_check "nat: promtool check metrics" eval 'promtool check metrics <"$page"'
  e2e_check "nat: lvsnft_backend_connections_active sums to 6 for web" \
    same "$(awk '/^lvsnft_backend_connections_active\{service="web"/ {s += $2} END {print s}' "$page")" 6
  e2e_check "nat: lvsnft_service_connections_total = status conns" \
    same "$(awk '/^lvsnft_service_connections_total\{service="web"\}/ {print $2}' "$page")" \
    "$(e2e_lv status "$P" dir --output json | jq '.services[] | select(.name == "web") | .conns')"
  kill "$dpid"
  wait "$dpid" 2>/dev/null
}

dr() {
  local cfg=$E2E_WORK/dr.json long flows
  e2e_check "dr: topology" e2e_topo dr || return 1
  e2e_cfg "$cfg" '{"interface": "eth0"}' \
    "$(e2e_svc web dr tcp 192.168.1.100 80 - mh 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
  e2e_check "dr: apply, rs-setup, servers up" \
    e2e_up "$P" dr "$cfg" "--tcp 192.168.1.100:80" || return 1
  e2e_spawn_client "$P" long --tcp 192.168.1.100:80 --long 3 --duration 600
  flows() { topo_exec "$P" dir nft -j list set netdev lvsnft flows4 |
    jq -r '[.nftables[] | .set? | select(.) | .elem[]?] | length'; }
  e2e_check "dr: 3 flows in the flow table (nft)" topo_wait_for 5 eval '[ "$(flows)" = 3 ]'
  e2e_check "dr: ActiveConn sums to the flows" same "$(sum_field "$P" web active_conns)" 3
  e2e_check "dr: connections lists 3 flows from the client" \
    same "$(e2e_lv connections "$P" dir --output json |
      jq -c '[length, ([.[] | .state] | unique), ([.[] | .client | sub(":[0-9]+$"; "")] | unique)]')" \
    '[3,["FLOW"],["192.168.1.13"]]'
  e2e_check "dr: connections per server = ActiveConn per server" \
    same "$(e2e_lv connections "$P" dir --output json |
      jq -r '.[] | .server | sub(":[0-9]+$"; "")' | sort | uniq -c | awk '{print $2, $1}')" \
    "$(st_active "$P" web)"
  e2e_check "dr: expiry within the flow timeout" eval \
    'e2e_lv connections "$P" dir --output json | jq -e "all(.[]; .expires > 0 and .expires <= 900)"'
  e2e_collect long stop
  e2e_check "dr: long connections never broke" e2e_jtest "$long" '.opened == 3 and .broken == 0'
  # The flows stay in the table (timeout) after the client closed them.
  e2e_check "dr: ActiveConn per server = the servers the client reached" \
    same "$(e2e_lv status "$P" dir --output json | jq -c '[.services[]
      | select(.name == "web") | .real_servers[] | select(.active_conns > 0)
      | {key: ("rs" + (.address | capture("1(?<n>[0-2])$").n | tonumber + 1
               | tostring)), value: .active_conns}] | from_entries')" \
    "$(jq -c '.rs' <<<"$long")"
}

nat
dr
e2e_done observe
