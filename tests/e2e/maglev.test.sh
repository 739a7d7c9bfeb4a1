#!/usr/bin/env bash
# Maglev in DR (scheduler mh over client address and source port, three
# equal servers, N = 3): what moves when a server is removed, and when it
# comes back.
#
# Measure ("new-flow assignments moved"): a fixed set F of 3000 flows, one
# client address and the source ports 30000-32999, each one short TCP
# connection to VIP:80. Each real server records, in its own nftables set
# (table e2e_seen, input hook), the source port of every SYN it receives:
# that gives the server each flow reached (every flow must be seen by
# exactly one server). Round A with all three servers; rs3 is removed
# with lvsnft apply; after flow_timeout (2 s here) + 1 s every A entry has
# left lvsnft's flow table, so the same 3000 flows are new flows again;
# round B. moved = |{f in F : server_A(f) != server_B(f)}| / |F|, which
# must be <= 1/N + 0.02 (the flows of the removed server must move; the
# rest should stay). Reported too: the flows that moved between the two
# remaining servers, and the Maglev table itself (slots whose target
# changed / 4093, from nft list map slots).
#
# Established flows: 200 long-lived connections (VIP:81, same service,
# `serve --hold`, one line every 100 ms) are open throughout. Removing rs3
# must break none of those on rs1/rs2 (only rs3's end, see drain.test.sh);
# adding rs3 back, which reassigns about a third of the table to rs3,
# must break none at all (lvsnft's flow table keeps established flows).
#   maglev.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"
VIP=192.168.1.100
N=3
TOL=0.02

# slots P: "slot target" of the Maglev table.
slots() {
  topo_exec "$1" dir nft -j list map netdev lvsnft slots |
    jq -r '.nftables[] | .map? | select(.) | .elem[] | "\(.[0] | (.elem? // .) | (.val? // .)) \(.[1])"' | sort
}

# round P LABEL: 3000 flows; the servers' record into $E2E_WORK/LABEL.
round() {
  local res
  e2e_seen_flush "$1" rs1 rs2 rs3
  res=$(e2e_client "$1" --tcp "$VIP:80" --count 3000 --parallel 4 --source-ports 30000-32999)
  e2e_check "round $2: 3000 flows answered" e2e_all_ok "$res" 3000 || return 1
  e2e_info "round $2: $(jf "$res" .rs)"
  e2e_flowmap "$1" rs1 rs2 rs3 >"$E2E_WORK/$2"
  e2e_check "round $2: each flow seen by exactly one server" \
    once "$E2E_WORK/$2"
}

# once FILE: 3000 "port server" lines, 3000 distinct ports.
once() {
  echo "$(wc -l <"$1") records, $(cut -d" " -f1 "$1" | sort -u | wc -l) flows"
  [ "$(cut -d" " -f1 "$1" | sort -u | wc -l)" = 3000 ] && [ "$(wc -l <"$1")" = 3000 ]
}

# moved A B: prints "total among_survivors from_removed" flows that moved.
moved() {
  join "$E2E_WORK/$1" "$E2E_WORK/$2" | awk '
    $2 != $3 { t++; if ($2 == "rs3") r++; else s++ }
    END { printf "%d %d %d\n", t, s, r }'
}

# long_ok JSON: 200 opened, at least 100 alive at the end (rs1/rs2's);
# broken ones (if any) are rs3's.
long_ok() {
  echo "$1"
  [ "$(jf "$1" .opened)" = 200 ] && [ "$(jf "$1" .ok)" -ge 100 ] &&
    jq -e '.breaks | all(.rs == "rs3")' <<<"$1" >/dev/null
}

e2e_check "dr topology" e2e_topo dr || exit 1
dirj='{"interface": "eth0", "flow_timeout": 2}'
e2e_cfg "$E2E_WORK/3.json" "$dirj" \
  "$(e2e_svc web dr tcp $VIP 80 - mh 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
e2e_jq "$E2E_WORK/3.json" '.services[0].ports = [80, 81]' "$E2E_WORK/all.json"
e2e_jq "$E2E_WORK/all.json" 'del(.services[0].real_servers[2])' "$E2E_WORK/2.json"
setup() {
  e2e_apply "$P" dir "$E2E_WORK/all.json" &&
    e2e_rs_setup "$P" "$E2E_WORK/all.json" rs1=192.168.1.10 rs2=192.168.1.11 rs3=192.168.1.12 &&
    e2e_serve "$P" "--tcp $VIP:80" "" && e2e_serve "$P" "--tcp $VIP:81" &&
    for h in rs1 rs2 rs3; do e2e_seen_install "$P" $h $VIP 80 tcp || return 1; done
}
e2e_check "lvsnft apply, rs-setup, servers, per-server flow records" setup || exit 1
slots "$P" >"$E2E_WORK/slots3"
long=""
e2e_spawn_client "$P" long --tcp "$VIP:81" --long 200 --duration 600 --source-ports 45000-45199
sleep 0.5
round "$P" A || exit 1
e2e_check "lvsnft apply: rs3 removed" e2e_apply "$P" dir "$E2E_WORK/2.json"
slots "$P" >"$E2E_WORK/slots2"
sleep 3
round "$P" B || exit 1
read -r total surv rem < <(moved A B)
frac=$(awk -v m="$total" 'BEGIN { printf "%.4f", m / 3000 }')
bound=$(awk -v n=$N -v t=$TOL 'BEGIN { printf "%.4f", 1 / n + t }')
table=$(join "$E2E_WORK/slots3" "$E2E_WORK/slots2" | awk '$2 != $3 { c++ } END { printf "%d/%d = %.4f", c, NR, c / NR }')
e2e_check "removing 1 of $N: moved $total/3000 = $frac <= 1/N + $TOL = $bound" \
  awk -v f="$frac" -v b="$bound" 'BEGIN { exit !(f <= b) }'
e2e_info "moved: $rem from the removed rs3 (all of its flows: $(awk '$2 == "rs3"' "$E2E_WORK/A" | wc -l)), $surv between rs1 and rs2; Maglev table slots changed: $table"
e2e_check "every flow of the removed rs3 moved, to rs1 or rs2" \
  test "$rem" = "$(awk '$2 == "rs3"' "$E2E_WORK/A" | wc -l)"

e2e_check "lvsnft apply: rs3 added back" e2e_apply "$P" dir "$E2E_WORK/all.json"
sleep 1
e2e_collect long stop
e2e_check "200 established flows: none on rs1/rs2 broke (removal, re-add)" long_ok "$long" &&
  e2e_info "long: $(jf "$long" .opened) opened, $(jf "$long" .broken) broken (rs3's at its removal), alive $(jf "$long" .rs), $(jf "$long" .exchanges) exchanges"
e2e_done maglev
