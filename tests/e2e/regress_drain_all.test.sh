#!/usr/bin/env bash
# DR with every real server drained (issue 10, item 2: "drain everything
# for maintenance" could not be applied at all). Real traffic in the DR
# reference topology:
#   - 30 long-lived TCP connections (one line every 100 ms, `serve --hold`)
#     are opened over three servers;
#   - 1.5 s later all three are drained with lvsnft apply;
#   - 20 new connections right after must all fail (dropped by the service
#     chain: no server takes new flows, as NAT without servers);
#   - the long connections must all keep going until they end (the flow
#     table still pins them to their drained server);
#   - servers up again: 60 new connections are all answered.
#   regress_drain_all.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"

vip=192.168.1.100
cfg=$E2E_WORK/dr
e2e_check "dr topology" e2e_topo dr || exit 1
e2e_cfg "$cfg.json" '{"interface": "eth0"}' \
  "$(e2e_svc web dr tcp "$vip" 80 - mh 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
e2e_jq "$cfg.json" '.services[0].real_servers[].state = "drain"' "$cfg-drain.json"
e2e_check "lvsnft apply, servers up" e2e_up "$P" dr "$cfg.json" "--tcp $vip:80" || exit 1
e2e_spawn_client "$P" long --tcp "$vip:80" --long 30 --duration 5 --source-ports 40000-40029
sleep 1.5
e2e_check "lvsnft apply: every server drained" e2e_apply "$P" dir "$cfg-drain.json"
e2e_check "lvsnft diff: in sync" e2e_lv diff "$P" dir -c "$cfg-drain.json"
res=$(e2e_client "$P" --tcp "$vip:80" --count 20 --parallel 4 --timeout-ms 500 --source-ports 41000-41019)
e2e_check "20 new connections while all are drained: none answered" \
  e2e_jtest "$res" '.total == 20 and .ok == 0 and .failed == 20'
e2e_collect long
e2e_check "30 long connections spread over the servers, none broke while drained" \
  e2e_jtest "$long" '.opened == 30 and .broken == 0 and (.rs | length) >= 2'
e2e_check "lvsnft apply: servers up again" e2e_apply "$P" dir "$cfg.json"
res=$(e2e_client "$P" --tcp "$vip:80" --count 60 --parallel 2 --source-ports 42000-42059)
e2e_check "60 new connections after the undrain all answered" e2e_all_ok "$res" 60
e2e_done regress_drain_all
