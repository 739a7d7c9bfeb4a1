# shellcheck shell=bash
# Shared helpers of the e2e tier (sourced by tests/e2e/*.test.sh; not a
# test itself). Every scenario drives the director and the real servers
# only through lvsnft (apply/diff/status/destroy on the director
# namespace, rs-setup on each DR real server); namespaces come from
# tests/lib/topo.sh. What the tests add themselves is observation only:
# nftables counter/set tables named e2e_* in their own namespaces
# (independent oracles: the real servers' and the client's view).
#
#   . "$SRC/tests/e2e/lib.sh" BUILD_DIR SOURCE_DIR
#   e2e_topo nat                  # sets P; cleaned up on exit
#   e2e_apply "$P" dir CFG        # lvsnft apply into $P-dir
#   out=$(e2e_client "$P" --tcp 192.168.10.100:80 --count 600)
#   e2e_check "description" CMD...   # one assertion (topo_check)
#   e2e_done NAME                 # summary, exit status
set -uo pipefail
E2E_BUILD=$(cd "${1:?usage: TEST BUILD_DIR SOURCE_DIR}" && pwd)
E2E_SRC=$(cd "${2:?usage: TEST BUILD_DIR SOURCE_DIR}" && pwd)
LV=$E2E_BUILD/lvsnft
TOPO_ECHO=$E2E_BUILD/lvsnft_echo
TOPO_TAG=lve2
# shellcheck source=../lib/topo.sh
. "$E2E_SRC/tests/lib/topo.sh"

[ "$(id -u)" -eq 0 ] || { echo "FAIL: needs root (network namespaces)"; exit 1; }
for _t in "$LV" "$TOPO_ECHO"; do
  [ -x "$_t" ] || { echo "FAIL: $_t not built"; exit 1; }
done
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit 77; }

E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/lve2.XXXXXX")
E2E_T0=${EPOCHREALTIME/./}
E2E_N=0

# e2e_cleanup STATUS: namespaces (with every process in them), work dir.
e2e_cleanup() {
  topo_cleanup_all "$1"
  rm -rf "$E2E_WORK"
}
trap 'e2e_cleanup $?' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# e2e_topo NAME: creates topology NAME under a fresh prefix, sets P to it
# (not in a subshell: the counter must advance).
e2e_topo() {
  E2E_N=$((E2E_N + 1))
  P="$(topo_prefix lve2)$E2E_N"
  topo_create "$1" "$P"
}

# e2e_info TEXT: a measured figure, printed in the test log.
e2e_info() { echo "     $*"; }

# e2e_check DESCRIPTION CMD...: one assertion (see topo_check). CMD runs
# in this shell; beware that topo_check's locals (desc, out, t0, ms) hide
# globals of the same name from CMD.
e2e_check() { topo_check "$@"; }

# e2e_done NAME: prints the summary and the run time; exit status.
e2e_done() {
  local ms=$(((${EPOCHREALTIME/./} - E2E_T0) / 1000))
  echo "$1: ${ms} ms"
  topo_summary "$1"
}

# e2e_lv CMD P HOST ARGS...: lvsnft CMD against $P-HOST with its own
# state directory.
e2e_lv() {
  local cmd=$1 p=$2 host=$3
  shift 3
  mkdir -p "$E2E_WORK/state.$p-$host"
  "$LV" "$cmd" --netns "$p-$host" --state-dir "$E2E_WORK/state.$p-$host" "$@"
}

# e2e_apply P HOST CFG: lvsnft apply, output kept in $E2E_WORK/apply.log.
e2e_apply() {
  e2e_lv apply "$1" "$2" -c "$3" >>"$E2E_WORK/apply.log" 2>&1 ||
    { tail -n 20 "$E2E_WORK/apply.log"; return 1; }
}

# e2e_rs_setup P CFG "HOST=ADDR[ ADDR]"...: lvsnft rs-setup on each real
# server namespace with its own address(es) as --self.
e2e_rs_setup() {
  local p=$1 cfg=$2 hs host a args
  shift 2
  for hs in "$@"; do
    host=${hs%%=*}
    args=()
    for a in ${hs#*=}; do args+=(--self "$a"); done
    "$LV" rs-setup -c "$cfg" --netns "$p-$host" "${args[@]}" \
      --state "$E2E_WORK/rs.$p-$host.json" >>"$E2E_WORK/rs.log" 2>&1 ||
      { tail -n 20 "$E2E_WORK/rs.log"; return 1; }
  done
}

# e2e_serve P ADDRS [FLAGS]: lvsnft_echo on rs1..rs3 (FLAGS default
# --hold: connections stay open and answer each line); ADDRS holds one
# "--tcp A:P --udp A:P" word list with RSIP standing for each server's
# address (IPv4 .1N, RSIP6 for 2001:db8:1::1N). Waits until bound.
e2e_serve() {
  local p=$1 spec=$2 flags=${3---hold} i a
  for i in 1 2 3; do
    a=${spec//RSIP6/2001:db8:1::1$((i - 1))}
    a=${a//RSIP/192.168.1.1$((i - 1))}
    # shellcheck disable=SC2086
    topo_serve "$p" "rs$i" "rs$i" $flags $a || return 1
  done
}

# e2e_up P MODE CFG SPEC [FLAGS] [RS_CFG]: lvsnft apply of CFG on the
# director; for DR, lvsnft rs-setup with RS_CFG (default CFG) on rs1..rs3
# (192.168.1.10-.12); then lvsnft_echo on rs1..rs3 (e2e_serve SPEC FLAGS).
e2e_up() {
  local p=$1 mode=$2 cfg=$3 spec=$4 flags=${5---hold} rscfg=${6:-$3}
  e2e_apply "$p" dir "$cfg" || return 1
  if [ "$mode" = dr ]; then
    e2e_rs_setup "$p" "$rscfg" rs1=192.168.1.10 rs2=192.168.1.11 \
      rs3=192.168.1.12 || return 1
  fi
  e2e_serve "$p" "$spec" "$flags"
}

# e2e_client P ARGS...: one lvsnft_echo client run in the client host;
# prints its JSON summary (and nothing else).
e2e_client() {
  local p=$1
  shift
  topo_exec "$p" client "$TOPO_ECHO" client "$@" 2>>"$E2E_WORK/client.err"
}

# e2e_spawn_client P VAR ARGS...: the client in the background (stream or
# long mode); VAR gets the handle "PID LOGFILE" for e2e_collect.
e2e_spawn_client() {
  local p=$1 var=$2
  shift 2
  topo_spawn "$p" client "$TOPO_ECHO" client "$@"
  printf -v "$var" '%s %s' "$TOPO_PID" "$TOPO_LOG"
}

# e2e_collect VAR [stop]: waits for the client whose handle VAR holds
# (SIGTERM first with "stop": stream mode then reports) and replaces VAR
# with its JSON summary. Not in a subshell: only this shell can wait.
e2e_collect() {
  local _h=${!1} _pid _log
  _pid=${_h%% *} _log=${_h#* }
  [ "${2:-}" = stop ] && kill -TERM "$_pid" 2>/dev/null
  wait "$_pid" 2>/dev/null
  printf -v "$1" '%s' "$(grep '^{' "$_log" | tail -n 1)"
}

# jf JSON FILTER: one value of a JSON document (jq -r; "null" if absent).
jf() { jq -cr "$2" <<<"$1"; }

# e2e_jtest JSON EXPR: prints JSON, succeeds when the jq EXPR is true.
e2e_jtest() {
  echo "$1"
  jq -e "$2" <<<"$1" >/dev/null
}

# e2e_all_ok JSON N: exactly N outcomes, all ok (no failure of any kind).
e2e_all_ok() {
  echo "$1"
  [ "$(jf "$1" .total)" = "$2" ] && [ "$(jf "$1" .ok)" = "$2" ] &&
    [ "$(jf "$1" .failed)" = 0 ]
}

# e2e_split JSON "rs1:3 rs2:1 rs3:1" TOL: every server's share of the ok
# outcomes lies within TOL percentage points of its weight share, every
# server with a weight got traffic, and no other server answered. Prints
# "rs1 60.0% (want 60.0 ±TOL)" per server.
e2e_split() {
  local out
  out=$(jq -r --arg w "$2" --argjson tol "$3" '
    .ok as $n | .rs as $rs
    | ($w | split(" ") | map(split(":") | {k: .[0], w: (.[1] | tonumber)})) as $ws
    | ($ws | map(.w) | add) as $sum
    | ($ws[] | (100 * .w / $sum) as $want
       | (if $n > 0 then 100 * ($rs[.k] // 0) / $n else 0 end) as $got
       | "\(.k) \($got * 10 | round / 10)% (want \($want * 10 | round / 10) ±\($tol))"
         + (if (($got - $want) | fabs) <= $tol and (.w == 0 or ($rs[.k] // 0) > 0)
            then "" else " OFF" end)),
      ($rs | keys[] | select(. as $k | $ws | map(.k) | index($k) | not)
       | "\(.) answered but has no weight OFF")' <<<"$1") || return 1
  echo "split over $(jf "$1" .ok): $(echo "$out" | paste -sd, | sed 's/,/, /g')"
  ! grep -q OFF <<<"$out"
}

# --- configurations -------------------------------------------------------

# e2e_svc NAME MODE PROTO VIP PORT RSPORT SCHED SERVER...: one service
# object (one line of JSON). SERVER is ADDR=WEIGHT[=STATE]; RSPORT "-"
# leaves the real-server port out (= the VIP port).
e2e_svc() {
  local name=$1 mode=$2 proto=$3 vip=$4 port=$5 rsport=$6 sched=$7
  shift 7
  jq -nc --arg n "$name" --arg m "$mode" --arg p "$proto" --arg v "$vip" \
    --argjson port "$port" --arg rp "$rsport" --arg s "$sched" '
    {name: $n, vip: $v, protocol: $p, ports: [$port], mode: $m, scheduler: $s,
     real_servers: ($ARGS.positional | map(split("=")
       | {address: .[0], weight: (.[1] | tonumber)}
         + (if .[2] then {state: .[2]} else {} end)
         + (if $rp != "-" then {port: ($rp | tonumber)} else {} end)))}' \
    --args "$@"
}

# e2e_cfg FILE DIRECTOR_JSON SERVICE_JSON...: writes a version-1 config.
e2e_cfg() {
  local file=$1 dir=$2
  shift 2
  printf '%s\n' "$@" | jq -s --argjson d "$dir" \
    '{version: 1, director: $d, services: .}' >"$file"
}

# e2e_jq FILE FILTER OUT: OUT = FILTER applied to FILE (jq, no args).
e2e_jq() { jq "$2" "$1" >"$3"; }

# --- observation tables (oracles, in the test's own namespaces) -----------

# e2e_nft P HOST: nft -f - inside the host (the ruleset text on stdin).
e2e_nft() { topo_exec "$1" "$2" nft -f -; }

# e2e_counter P HOST FAMILY TABLE NAME: packets of a named counter.
e2e_counter() {
  topo_exec "$1" "$2" nft -j list counter "$3" "$4" "$5" |
    jq '[.nftables[] | .counter? | select(.) | .packets] | add // 0'
}

# e2e_seen_install P HOST VIP PORT PROTO: in the real server, a set of the
# (client address . source port) of every new flow to VIP:PORT that
# reaches its IP input (TCP: the SYN; UDP: every datagram). It is the
# server's own record of which flows it received.
e2e_seen_install() {
  local p=$1 h=$2 vip=$3 port=$4 proto=$5 match
  match="$proto dport $port"
  [ "$proto" = tcp ] && match+=" tcp flags & (syn | ack) == syn"
  e2e_nft "$p" "$h" <<NFT
table ip e2e_seen {
  set flows { type ipv4_addr . inet_service; size 65535; flags dynamic; }
  chain in {
    type filter hook input priority -300; policy accept;
    ip daddr $vip $match add @flows { ip saddr . $proto sport }
  }
}
NFT
}

# e2e_seen P HOST: "SPORT HOST" lines for the flows the host received.
e2e_seen() {
  topo_exec "$1" "$2" nft -j list set ip e2e_seen flows |
    jq -r --arg h "$2" '.nftables[] | .set? | select(.) | .elem[]?
      | (.elem? // .) | .concat[1] | "\(.) \($h)"'
}

# e2e_seen_flush P HOST...: forgets the recorded flows.
e2e_seen_flush() {
  local p=$1 h
  shift
  for h in "$@"; do topo_exec "$p" "$h" nft flush set ip e2e_seen flows; done
}

# e2e_flowmap P HOST...: "SPORT HOST" for every flow any of the hosts got,
# sorted by port.
e2e_flowmap() {
  local p=$1 h
  shift
  for h in "$@"; do e2e_seen "$p" "$h"; done | sort -n
}

# --- assertions over a client summary -------------------------------------

# e2e_seen_all JSON ADDR N: the real servers saw ADDR as client N times.
e2e_seen_all() {
  echo "seen: $(jf "$1" .seen)"
  [ "$(jf "$1" ".seen[\"$2\"]")" = "$3" ]
}

# e2e_local_all JSON REGEX N: N answers came from a local address:port
# matching REGEX (the address the real server answered on).
e2e_local_all() {
  echo "local: $(jf "$1" .local)"
  [ "$(jq --arg re "$2" '[.local | to_entries[] | select(.key | test($re))
        | .value] | add // 0' <<<"$1")" = "$3" ]
}

# e2e_status_matches P SERVICE JSON: lvsnft status --output json counts
# per real server of SERVICE equal what the servers themselves answered
# (rs1..rs3 are 192.168.1.10-.12 / 2001:db8:1::10-12).
e2e_status_matches() {
  local st want
  st=$(e2e_lv status "$1" dir --output json | jq -c --arg s "$2" '
    [.services[] | select(.name == $s) | .real_servers[] | select(.conns > 0)
     | {key: ("rs" + (.address | capture("1(?<n>[0-2])\\]?(:[0-9]+)?$").n
                     | tonumber + 1 | tostring)), value: .conns}]
    | from_entries')
  want=$(jq -c '.rs' <<<"$3")
  echo "status: $st, servers: $want"
  [ -n "$st" ] && [ "$(jq -S . <<<"$st")" = "$(jq -S . <<<"$want")" ]
}

# e2e_forwarded P HOST: packets counted by lvsnft's DR forwarding rules
# (chains rs_*) in the director HOST.
e2e_forwarded() {
  topo_exec "$1" "$2" nft -j list table netdev lvsnft | jq '[.nftables[]
    | .rule? | select(.) | select(.chain | startswith("rs_")) | .expr[]
    | .counter? | select(.) | .packets] | add // 0'
}
