#!/usr/bin/env bash
# Incremental apply, NAT and DR, with traffic: two services, "web" (port
# 80) and "api" (port 8080, NAT: persistence 300 s). Three changes to web
# only, one after the other: a weight change (rs2 1 -> 4), a server added
# (rs3), a server drained (rs1). Before each, api gets 20 connections.
# For each change:
#   - lvsnft diff exits 2 and its report names service web and the server
#     with the change, and does not name api;
#   - lvsnft apply succeeds, then diff exits 0;
#   - what was not touched is preserved, read with nft -j list: the
#     counter of api's element in the dispatch map svc4; the counters of
#     every scheduler-map element that had counted packets (NAT: be4, all
#     api's: web gets no traffic); NAT: the persistence set persist4 (same
#     entries); DR: the rules of the forwarding-target chains rs_* (same
#     handles, same counters) and the flow table flows4 (same entries).
#   incremental.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"

# keep P MODE: the objects that must survive a change to web, one per line.
keep() {
  local t=inet
  [ "$2" = dr ] && t=netdev
  topo_exec "$1" dir nft -j list table $t lvsnft | jq -c '.nftables[]
    | (.map? | select(.) | select(.name == "svc4") | .elem[]
       | select(.[0].elem.val.concat[2] == 8080) | {svc4_api: .}),
      (.map? | select(.) | select(.name == "be4") | .elem[]
       | select(.[0].elem.counter.packets > 0) | {be4: .}),
      (.set? | select(.) | select(.name == "persist4" or .name == "flows4")
       | {(.name): [.elem[]? | .elem.val]}),
      (.rule? | select(.) | select(.chain | startswith("rs_"))
       | {rule: {chain, handle, counter: [.expr[] | .counter? | select(.)]}})'
}

# preserved BEFORE P MODE: BEFORE had counted api's traffic, and keep
# lists exactly the same now.
preserved() {
  grep -q '"svc4_api".*"packets":[1-9]' <<<"$1" || { echo "api counted nothing"; return 1; }
  diff <(echo "$1") <(keep "$2" "$3")
}

# changes MODE: "name|jq filter on web|report regex naming the server".
changes() {
  local p=":80"
  [ "$1" = dr ] && p=""
  cat <<T
weight|.real_servers[1].weight = 4|~ 192\\.168\\.1\\.11$p weight 1 -> 4
added|.real_servers += [{address: "192.168.1.12"$([ "$1" = nat ] && echo ', port: 80')}]|\\+ 192\\.168\\.1\\.12$p weight 1, up
drained|.real_servers[0].state = "drain"|~ 192\\.168\\.1\\.10$p state up -> drain
T
}

# names REPORT REGEX: diff's report has "service web:", the server line,
# and nothing about api.
names() {
  echo "$1"
  grep -q '^service web:' <<<"$1" && grep -Eq "^  config  $2\$" <<<"$1" &&
    ! grep -q 'api' <<<"$1"
}

# scenario MODE TOPOLOGY VIP SCHED
scenario() {
  local mode=$1 topo=$2 vip=$3 sched=$4 cfg=$E2E_WORK/$1 name filter re n=0
  local before report rc res what="persistence entries"
  [ "$mode" = dr ] && what="target-chain rules, flow table"
  e2e_check "$mode: $topo topology" e2e_topo "$topo" || return 1
  e2e_cfg "$cfg.0.json" '{"interface": "eth0"}' \
    "$(e2e_svc web "$mode" tcp "$vip" 80 - "$sched" 192.168.1.10=1 192.168.1.11=1)" \
    "$(e2e_svc api "$mode" tcp "$vip" 8080 - "$sched" 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
  [ "$mode" = nat ] && e2e_jq "$cfg.0.json" '.services[1].persistence = {timeout: 300}' "$cfg.p" &&
    mv "$cfg.p" "$cfg.0.json"
  [ "$mode" = nat ] && sed -i 's/"address": "\([0-9.]*\)"/"address": "\1", "port": 80/' "$cfg.0.json" &&
    e2e_jq "$cfg.0.json" '.services[1].real_servers[].port = 8080' "$cfg.p" && mv "$cfg.p" "$cfg.0.json"
  setup() {
    e2e_apply "$P" dir "$cfg.0.json" || return 1
    if [ "$mode" = dr ]; then
      e2e_rs_setup "$P" "$cfg.0.json" rs1=192.168.1.10 rs2=192.168.1.11 rs3=192.168.1.12 &&
        e2e_serve "$P" "--tcp $vip:80,$vip:8080" ""
    else
      e2e_serve "$P" "--tcp RSIP:80,RSIP:8080" ""
    fi
  }
  e2e_check "$mode: lvsnft apply, servers up" setup || return 1
  while IFS='|' read -r name filter re; do
    e2e_jq "$cfg.$n.json" "(.services[] | select(.name == \"web\")) |= ($filter)" "$cfg.$((n + 1)).json"
    n=$((n + 1))
    res=$(e2e_client "$P" --tcp "$vip:8080" --count 20)
    e2e_check "$mode: 20 connections to api" e2e_all_ok "$res" 20
    before=$(keep "$P" "$mode")
    report=$(e2e_lv diff "$P" dir -c "$cfg.$n.json")
    rc=$?
    e2e_check "$mode $name: lvsnft diff exits 2" test "$rc" = 2
    e2e_check "$mode $name: the report names web and the server, not api" names "$report" "$re"
    e2e_check "$mode $name: lvsnft apply" e2e_apply "$P" dir "$cfg.$n.json"
    e2e_check "$mode $name: lvsnft diff exits 0 afterwards" e2e_lv diff "$P" dir -c "$cfg.$n.json"
    e2e_check "$mode $name: api's counters, $what preserved" \
      preserved "$before" "$P" "$mode" &&
      e2e_info "preserved: $(grep -c . <<<"$before") objects, e.g. $(grep -m1 svc4_api <<<"$before")"
  done < <(changes "$mode")
  topo_destroy "$P"
}

scenario nat nat 192.168.10.100 wrr
scenario dr dr 192.168.1.100 mh
e2e_done incremental
