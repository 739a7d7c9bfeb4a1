#!/usr/bin/env bash
# Drain, in NAT (conntrack keeps a drained server's connections) and in DR
# (lvsnft's flow table keeps them, netdev ingress, no conntrack):
#   - 30 long-lived TCP connections (lvsnft_echo client --long, one line
#     exchanged every 100 ms with `serve --hold`) are opened over three
#     equal servers; rs1 must hold some of them;
#   - 1.5 s later rs1 is set to "drain" with lvsnft apply;
#   - 300 new connections right after: none reaches rs1, rs2/rs3 share
#     them 1:1 within ±5 percentage points; lvsnft status says drain;
#   - 2 s after the drain rs1 is removed from the configuration while its
#     long connections are still open, and they run 2.5 s more.
# Expected: no long connection breaks while rs1 is drained (a stalled one
# would time out after 2 s, a moved one would be reset by a server that
# does not know it). After the removal: NAT keeps rs1's connections
# (conntrack still translates them, rs1 still runs), so none breaks at
# all; DR ends exactly rs1's connections, right after the removal, and no
# other: without conntrack the flow-table entries of a removed server
# point to a target that no longer exists, the flows are hashed anew and
# reset by the other servers (IPVS would keep them; this is why DR
# changes should drain first). That DR figure is asserted so that a change
# of behaviour shows up.
#   drain.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"

# drained_status P SERVICE: status --output json shows 192.168.1.10 drained.
drained_status() {
  e2e_lv status "$1" dir --output json | jq -e --arg s "$2" '.services[]
    | select(.name == $s) | .real_servers[]
    | select(.address | startswith("192.168.1.10")) | .state == "drain"'
}

# long_ok JSON MODE CUTOFF_MS: 30 opened, rs1 held some (answering or
# broken: the summary's rs counts only live ones); NAT: none broken; DR:
# exactly rs1's broke, each reset after CUTOFF_MS (the removal).
long_ok() {
  local rs1
  echo "$1"
  rs1=$(jq '(.rs.rs1 // 0) + ([.breaks[] | select(.rs == "rs1")] | length)' <<<"$1")
  echo "rs1 held $rs1"
  [ "$(jf "$1" .opened)" = 30 ] && [ "$rs1" -gt 0 ] || return 1
  if [ "$2" = nat ]; then
    [ "$(jf "$1" .broken)" = 0 ]
  else
    [ "$(jf "$1" .broken)" = "$rs1" ] &&
      jq -e --argjson c "$3" '.breaks | all(.rs == "rs1" and .t_ms >= $c
        and .error == "ECONNRESET")' <<<"$1"
  fi
}

# drain MODE TOPOLOGY VIP SCHED: the scenario in one topology.
drain() {
  local mode=$1 topo=$2 vip=$3 sched=$4 cfg=$E2E_WORK/$1 long res t0 cut
  e2e_check "$mode: $topo topology" e2e_topo "$topo" || return 1
  e2e_cfg "$cfg.json" '{"interface": "eth0"}' \
    "$(e2e_svc web "$mode" tcp "$vip" 80 - "$sched" 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
  e2e_jq "$cfg.json" '.services[0].real_servers[0].state = "drain"' "$cfg-drain.json"
  e2e_jq "$cfg.json" 'del(.services[0].real_servers[0])' "$cfg-removed.json"
  local spec="--tcp RSIP:80"
  [ "$mode" = dr ] && spec="--tcp $vip:80"
  e2e_check "$mode: lvsnft apply, servers up" \
    e2e_up "$P" "$mode" "$cfg.json" "$spec" || return 1
  t0=${EPOCHREALTIME/./}
  e2e_spawn_client "$P" long --tcp "$vip:80" --long 30 --duration 6 --source-ports 40000-40029
  sleep 1.5
  e2e_check "$mode: lvsnft apply: rs1 drain" e2e_apply "$P" dir "$cfg-drain.json"
  res=$(e2e_client "$P" --tcp "$vip:80" --count 300 --parallel 2 --source-ports 41000-41299)
  e2e_check "$mode: 300 new connections after the drain all answered" e2e_all_ok "$res" 300
  e2e_check "$mode: none on rs1, rs2:rs3 = 1:1 within ±5 pp" e2e_split "$res" "rs2:1 rs3:1" 5 &&
    e2e_info "$(e2e_split "$res" "rs2:1 rs3:1" 5)"
  e2e_check "$mode: lvsnft status shows rs1 drained" drained_status "$P" web
  sleep $((3500 - (${EPOCHREALTIME/./} - t0) / 1000))e-3
  cut=$(((${EPOCHREALTIME/./} - t0) / 1000 - 200))
  e2e_check "$mode: lvsnft apply: rs1 removed" e2e_apply "$P" dir "$cfg-removed.json"
  e2e_collect long
  local want="none broken"
  [ "$mode" = dr ] && want="exactly rs1's broke (reset), after the removal"
  e2e_check "$mode: 30 long connections: none broke while drained; after removal $want" \
    long_ok "$long" "$mode" "$cut" &&
    e2e_info "long connections: alive $(jf "$long" .rs), $(jf "$long" .broken) broken (first at $(jf "$long" '.breaks[0].t_ms // "-"') ms, removal at $((cut + 200)) ms), $(jf "$long" .exchanges) exchanges"
  topo_destroy "$P"
}

drain nat nat 192.168.10.100 wrr
drain dr dr 192.168.1.100 mh
e2e_done drain
