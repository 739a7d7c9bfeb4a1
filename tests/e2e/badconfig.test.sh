#!/usr/bin/env bash
# A bad configuration never disturbs a running director (NAT and DR):
# while a client keeps a stream of new connections (4 workers, each held
# 20 ms) and 20 long-lived ones, lvsnft apply is given one bad input after
# another: files that fail to parse or check (never reach the kernel), a
# director interface that does not exist (refused before the kernel), and
# a valid change whose transaction the kernel rejects (test-only fault
# injection by the test binary, lvsnft-test --test-fault batch: a last
# batch message the kernel refuses, so the whole transaction is rolled
# back).
# For every case: exit status 1, stderr exactly the expected text, and the
# director unchanged: `nft -s list ruleset` (stateless: counters aside),
# its addresses, and lvsnft's state file byte-identical. After all cases:
# zero failed connections, zero broken long connections, and lvsnft diff
# against the good file is still in sync (exit 0).
#   badconfig.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"

# bad_file NAME MODE VIP: writes case NAME's file to $E2E_WORK/NAME.json.
# The layout is fixed here, so the line:column in the messages is too.
bad_file() {
  local f=$E2E_WORK/$1.json mode=$2 vip=$3 sched=wrr
  [ "$mode" = dr ] && sched=mh
  case $1 in
    truncated) printf '{"version": 1,\n' >"$f" ;;
    port-range | overlap | rs-is-vip | unsafe-name | dr-wrr | no-iface)
      local iface=eth0 name=web rsport=', "port": 80' rs1=192.168.1.10 extra=""
      [ "$mode" = dr ] && rsport=""
      local rs1port=$rsport
      case $1 in
        port-range) rs1port=', "port": 70000' ;;
        overlap) extra=',
    { "name": "web2", "vip": "'$vip'", "protocol": "tcp", "ports": ["79-81"],
      "mode": "'$mode'", "scheduler": "'$sched'",
      "real_servers": [ { "address": "192.168.1.11"'$rsport' } ] }' ;;
        rs-is-vip) rs1=$vip ;;
        unsafe-name) name="web-1 x" ;;
        dr-wrr) mode=dr sched=wrr rsport="" ;;
        no-iface) iface=eth9 ;;
      esac
      cat >"$f" <<JSON
{
  "version": 1,
  "director": { "interface": "$iface" },
  "services": [
    { "name": "$name", "vip": "$vip", "protocol": "tcp", "ports": [80],
      "mode": "$mode", "scheduler": "$sched",
      "real_servers": [ { "address": "$rs1"$rs1port },
                        { "address": "192.168.1.11"$rsport } ] }$extra
  ]
}
JSON
      ;;
  esac
}

# cases MODE VIP TABLE: "name|description|line|token|expected stderr".
# For file errors the expected text starts with FILE:LINE:COL, COL being
# where TOKEN starts on LINE (the offending value); "\n" is a newline.
cases() {
  local f=$E2E_WORK
  cat <<T
truncated|not JSON: the file ends inside the object|2|-|: error: /: expected a string key or '}', got end of input
port-range|real-server port 70000|7|70000|: error: /services/0/real_servers/0/port: 70000 is out of range 1..65535
overlap|two services on $2 tcp port 80|9|"79-81"|: error: /services/1/ports/0: port range 79-81 overlaps port 80 of service "web" (/services/0/ports/0): $2 tcp port 80 would be served twice
rs-is-vip|a real server address equal to the VIP|7|"$2"|: error: /services/0/real_servers/0/address: real server address $2 is the VIP of service "web" (/services/0/vip)
unsafe-name|a service name that is not an nft identifier|5|"web-1 x"|: error: /services/0/name: service name "web-1 x" is not a safe identifier: use letters, digits and '_', start with a letter, at most 48 characters
dr-wrr|scheduler wrr in dr mode|6|"wrr"|: error: /services/0/scheduler: scheduler "wrr" cannot be used in dr mode: dr forwards at ingress without connection tracking, so every packet must pick the same server by hash; use sh, dh or mh
no-iface|director interface eth9 does not exist|-|-|lvsnft: apply: interface eth9 does not exist (director.interface; VIP $2 of service web)
missing|a file that does not exist|-|-|lvsnft: cannot read $f/missing.json: no such file or directory
fault|a valid change the kernel rejects (fault injection)|-|-|lvsnft: apply: the kernel rejected the transaction; nothing was changed\n  delete chain $3 lvsnft lvsnft-fault-injection: No such file or directory
T
}

# where NAME LINE TOKEN: "FILE:LINE:COL" of TOKEN on LINE of case NAME's
# file (column 1 when TOKEN is "-"), or nothing when LINE is "-".
where() {
  local f=$E2E_WORK/$1.json
  [ "$2" = - ] && return 0
  [ "$3" = - ] && { printf '%s:%d:1' "$f" "$2"; return 0; }
  awk -v n="$2" -v t="$3" -v f="$f" 'NR == n {
    printf "%s:%d:%d", f, n, index($0, t) }' "$f"
}

# snapshot P: what must not change: the ruleset without counters and
# without the contents of sets filled by traffic (flows4/6, persistence:
# flags dynamic or timeout; nft 1.0.6's JSON lists flows4 as "timeout"
# only), the addresses, lvsnft's state directory.
snapshot() {
  topo_exec "$1" dir nft -j -s list ruleset | jq -c '.nftables[]
    | if (.set.flags? // [] | any(. == "dynamic" or . == "timeout"))
      then del(.set.elem) else . end' 
  ip -n "$1-dir" -o addr show
  cat "$E2E_WORK/state.$1-dir"/*.json
}

# refuse P NAME WANT: apply of case NAME exits 1 with exactly WANT on
# stderr, and nothing changed.
refuse() {
  local p=$1 name=$2 want=$3 before rc err
  before=$(snapshot "$p")
  if [ "$name" = fault ]; then
    "$E2E_BUILD/lvsnft-test" --test-fault batch apply --netns "$p-dir" \
      --state-dir "$E2E_WORK/state.$p-dir" -c "$E2E_WORK/w7.json" >/dev/null 2>"$E2E_WORK/err"
  else
    e2e_lv apply "$p" dir -c "$E2E_WORK/$name.json" >/dev/null 2>"$E2E_WORK/err"
  fi
  rc=$?
  err=$(cat "$E2E_WORK/err")
  [ "$rc" = 1 ] || { echo "exit $rc, want 1"; return 1; }
  [ "$err" = "$(printf '%b' "$want")" ] || { diff <(printf '%b\n' "$want") <(echo "$err"); return 1; }
  diff <(echo "$before") <(snapshot "$p")
}

# scenario MODE TOPOLOGY VIP SCHED TABLE
scenario() {
  local mode=$1 topo=$2 vip=$3 sched=$4 table=$5 st long name desc line token want
  e2e_check "$mode: $topo topology" e2e_topo "$topo" || return 1
  e2e_cfg "$E2E_WORK/good.json" '{"interface": "eth0"}' \
    "$(e2e_svc web "$mode" tcp "$vip" 80 - "$sched" 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
  e2e_jq "$E2E_WORK/good.json" '.services[0].real_servers[1].weight = 7' "$E2E_WORK/w7.json"
  for name in truncated port-range overlap rs-is-vip unsafe-name dr-wrr no-iface; do
    bad_file "$name" "$mode" "$vip"
  done
  local spec="--tcp RSIP:80"
  [ "$mode" = dr ] && spec="--tcp $vip:80"
  e2e_check "$mode: lvsnft apply, servers up" \
    e2e_up "$P" "$mode" "$E2E_WORK/good.json" "$spec" || return 1
  e2e_spawn_client "$P" long --tcp "$vip:80" --long 20 --duration 600 --source-ports 40000-40019
  e2e_spawn_client "$P" st --tcp "$vip:80" --stream 600 --parallel 4 --hold-ms 20
  sleep 0.3
  while IFS='|' read -r name desc line token want; do
    e2e_check "$mode: $desc: refused with the exact message, director unchanged" \
      refuse "$P" "$name" "$(where "$name" "$line" "$token")$want"
  done < <(cases "$mode" "$vip" "$table")
  sleep 0.3
  e2e_collect st stop
  e2e_collect long stop
  e2e_check "$mode: stream during the bad applies: zero failed" \
    e2e_jtest "$st" '.total > 50 and .failed == 0' &&
    e2e_info "stream: $(jf "$st" .total) connections, $(jf "$st" .failed) failed; long: $(jf "$long" .opened) opened, $(jf "$long" .broken) broken"
  e2e_check "$mode: 20 long connections: none broken" \
    e2e_jtest "$long" '.opened == 20 and .broken == 0'
  e2e_check "$mode: lvsnft diff against the good file: in sync" \
    e2e_lv diff "$P" dir -c "$E2E_WORK/good.json"
  topo_destroy "$P"
}

scenario nat nat 192.168.10.100 wrr inet
scenario dr dr 192.168.1.100 mh netdev
e2e_done badconfig
