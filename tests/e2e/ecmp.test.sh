#!/usr/bin/env bash
# Two DR directors with the same configuration behind an ECMP router
# (topology dr-ecmp: the router spreads flows to the VIP over dir and dir2
# by an L4 hash). Both get the same file through lvsnft apply
# (manage_vips false: the router routes the VIP to the directors, nobody
# ARPs for it); the real servers are set up with lvsnft rs-setup.
#
# 1. Per-flow choice: the router's VIP route is pinned to dir, 2000 flows
#    (client source ports 30000-31999) are sent; then pinned to dir2 and
#    the same 2000 flows are sent again (dir2 has never seen them: a fresh
#    decision). Each real server records the source port of every SYN it
#    receives (table e2e_seen). Every flow must reach the same server
#    through dir2 as through dir: 0 differences.
# 2. A flow whose packets alternate between directors: 100 long-lived
#    connections (VIP:81, one line every 100 ms) are opened through dir;
#    the route is then switched to dir2, back to dir, to dir2 and to ECMP
#    while they run (0.5 s each; the switched-to director's forwarding
#    counters must grow in a window with no other traffic). None may
#    break: dir2 picks the same server for packets of flows it never saw.
# 3. Under ECMP: 2000 new flows all answered, both directors forwarded
#    some of them (lvsnft's forwarding-rule counters on each).
#   ecmp.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"
VIP=192.168.1.100

# via P DIRECTOR|ecmp: the router's route to the VIP.
via() {
  case $2 in
    dir) ip -n "$1-router" route replace $VIP/32 via 192.168.1.2 dev eth1 ;;
    dir2) ip -n "$1-router" route replace $VIP/32 via 192.168.1.3 dev eth1 ;;
    ecmp) ip -n "$1-router" route replace $VIP/32 nexthop via 192.168.1.2 \
      dev eth1 nexthop via 192.168.1.3 dev eth1 ;;
  esac
}

# round P LABEL PORTS: 2000 flows; the servers' record into $E2E_WORK/LABEL.
round() {
  local res
  e2e_seen_flush "$1" rs1 rs2 rs3
  res=$(e2e_client "$1" --tcp "$VIP:80" --count 2000 --parallel 4 --source-ports "$3")
  e2e_check "$2: 2000 flows answered" e2e_all_ok "$res" 2000 || return 1
  e2e_info "$2: $(jf "$res" .rs)"
  e2e_flowmap "$1" rs1 rs2 rs3 >"$E2E_WORK/$2"
}

# same B C: every flow of B went to the same server in C (2000 compared).
same() {
  local n d
  n=$(join "$E2E_WORK/$1" "$E2E_WORK/$2" | wc -l)
  d=$(join "$E2E_WORK/$1" "$E2E_WORK/$2" | awk '$2 != $3' | wc -l)
  echo "$n flows compared, $d differ"
  [ "$n" = 2000 ] && [ "$d" = 0 ]
}

# grows P HOST: HOST's forwarding counters grow within 0.5 s.
grows() {
  local a b
  a=$(e2e_forwarded "$1" "$2")
  sleep 0.5
  b=$(e2e_forwarded "$1" "$2")
  echo "$2 forwarded $a -> $b packets"
  [ "$b" -gt "$a" ]
}

e2e_check "dr-ecmp topology" e2e_topo dr-ecmp || exit 1
e2e_cfg "$E2E_WORK/c.json" '{"interface": "eth0", "manage_vips": false}' \
  "$(e2e_svc web dr tcp $VIP 80 - mh 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
e2e_jq "$E2E_WORK/c.json" '.services[0].ports = [80, 81]' "$E2E_WORK/ecmp.json"
setup() {
  e2e_apply "$P" dir "$E2E_WORK/ecmp.json" && e2e_apply "$P" dir2 "$E2E_WORK/ecmp.json" &&
    e2e_rs_setup "$P" "$E2E_WORK/ecmp.json" rs1=192.168.1.10 rs2=192.168.1.11 rs3=192.168.1.12 &&
    e2e_serve "$P" "--tcp $VIP:80" "" && e2e_serve "$P" "--tcp $VIP:81" &&
    for h in rs1 rs2 rs3; do e2e_seen_install "$P" $h $VIP 80 tcp || return 1; done
}
e2e_check "lvsnft apply on dir and dir2, rs-setup, servers, flow records" setup || exit 1
# twins P: both directors list the same table (stateless: counters aside).
twins() {
  diff <(topo_exec "$1" dir nft -s list table netdev lvsnft) \
    <(topo_exec "$1" dir2 nft -s list table netdev lvsnft)
}
e2e_check "both directors hold the same ruleset (nft -s list table)" twins "$P"

via "$P" dir
long=""
e2e_spawn_client "$P" long --tcp "$VIP:81" --long 100 --duration 600 --source-ports 45000-45099
sleep 0.5
round "$P" via-dir 30000-31999
via "$P" dir2
round "$P" via-dir2 30000-31999
e2e_check "per flow: dir2 chose the server dir chose, for all 2000 flows" same via-dir via-dir2

e2e_check "long flows now cross dir2" grows "$P" dir2
via "$P" dir
e2e_check "long flows cross dir again" grows "$P" dir
via "$P" dir2
e2e_check "long flows cross dir2 again" grows "$P" dir2
via "$P" ecmp
before1=$(e2e_forwarded "$P" dir) before2=$(e2e_forwarded "$P" dir2)
round "$P" ecmp 20000-21999
d1=$(($(e2e_forwarded "$P" dir) - before1)) d2=$(($(e2e_forwarded "$P" dir2) - before2))
e2e_check "ECMP: both directors forwarded new flows (dir $d1, dir2 $d2 packets)" \
  test "$d1" -gt 1000 -a "$d2" -gt 1000
e2e_collect long stop
e2e_check "100 long flows whose packets crossed dir, dir2, dir, dir2, ECMP: none broke" \
  e2e_jtest "$long" '.opened == 100 and .broken == 0' &&
  e2e_info "long: $(jf "$long" .opened) opened, $(jf "$long" .broken) broken, per server $(jf "$long" .rs), $(jf "$long" .exchanges) exchanges"
e2e_done ecmp
