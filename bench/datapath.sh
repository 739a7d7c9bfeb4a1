#!/bin/bash
# Datapath suite (host kernel, tests/lib/topo.sh namespaces). Called by
# bench/run with BN_SRC, BN_BUILD, BN_OUT, BN_DIR set; writes
# $BN_OUT/datapath.{tsv,md,log}.
#
# For NAT, FULLNAT and DR, one real server (rs1) runs `loadgen serve`; the
# client runs `loadgen run` (new TCP connections, then UDP flows, each with
# its own source port) against the VIP through the director, per
# repetition in this order:
#   plain     no LB rules: the client addresses rs1 itself, routed by the
#             director (same path; DR: the reply goes straight back)
#   lv1       lvsnft with the one benchmark service (tcp/80 + udp/53)
#   lv10k     lvsnft with 9,999 other services before it (10 servers each;
#             DR: 2 each)
#   interval10k  what-if: `nft -f` of lvsnft's compiled 10k ruleset with
#             interval (pipapo) dispatch maps (bn_interval in bench/lib.sh)
#   linear10k the same 10k services as one rule per service in a chain
#             (bench/psc_gen --dispatch linear), the benchmark service last
# The director's conntrack TIME_WAIT timeout is 1 s in every variant, so
# that the table does not fill up between trials.
set -uo pipefail
. "$BN_DIR/lib.sh"
. "$BN_SRC/tests/lib/topo.sh"
bn_suite datapath
W=$(mktemp -d)
TOPO_ECHO=$BN_BUILD/lvsnft_echo
LV=$BN_BUILD/lvsnft
LG=$BN_BUILD/bench/loadgen
trap 'topo_cleanup_all 0; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

if [ "${BN_SMOKE:-0}" = 1 ]; then
  MODES=${BN_MODES:-"nat fullnat dr"} REPS=${BN_REPS:-1} FILL=${BN_FILL:-50}
  TCP_S=0.5 UDP_S=0.3 BN_SETTLE=${BN_SETTLE:-0}
else
  MODES=${BN_MODES:-"nat fullnat dr"} REPS=${BN_REPS:-3} FILL=${BN_FILL:-9999}
  TCP_S=${BN_TCP_S:-3} UDP_S=${BN_UDP_S:-2}
fi
CONC=${BN_CONC:-32}
RS=192.168.1.10

# vip MODE: the VIP of the topology of MODE.
vip() { [ "$1" = dr ] && echo 192.168.1.100 || echo 192.168.10.100; }

# configs MODE: $W/MODE.1.json (benchmark service only) and
# $W/MODE.10k.json (FILL other services first, then the benchmark one).
configs() {
  local m=$1 v sched=rr port=', "port": 80' uport=', "port": 53' gen=(--reals 10)
  v=$(vip "$m")
  # DR fillers: 2 servers each (Maglev table 3): every DR server is a chain
  # of its own, and 100k of them would make each apply take minutes here.
  [ "$m" = dr ] && sched=mh port="" uport="" gen=(--reals 2 --table-size 3)
  cat >"$W/svc.json" <<EOF
[{"name": "bench", "vip": "$v", "protocol": "tcp", "ports": [80], "mode": "$m",
  "scheduler": "$sched", "real_servers": [{"address": "$RS"$port}]},
 {"name": "benchu", "vip": "$v", "protocol": "udp", "ports": [53], "mode": "$m",
  "scheduler": "$sched", "real_servers": [{"address": "$RS"$uport}]}]
EOF
  "$BN_BUILD/lvsnft_gen" --services "$FILL" --mode "$m" "${gen[@]}" |
    jq -c --slurpfile s "$W/svc.json" '.services += $s[0]' >"$W/$m.10k.json" &&
    jq -c '.services = .services[-2:]' "$W/$m.10k.json" >"$W/$m.1.json" &&
    "$BN_BUILD/bench/psc_gen" "$W/$m.10k.json" --dispatch linear >"$W/$m.linear.nft" &&
    "$LV" compile -c "$W/$m.10k.json" -o "$W/$m.10k.nft" &&
    bn_interval "$W/$m.10k.nft" "$W/$m.interval.nft"
}

# setup MODE P: topology, server on rs1, VIP on the director, routes for
# the plain variant, sysctls.
setup() {
  local m=$1 p=$2 v topo=$1
  v=$(vip "$m")
  topo_create "$topo" "$p" || return 1
  ip -n "$p-dir" addr add "$v/32" dev eth0 &&
    topo_sysctl "$p" dir net.netfilter.nf_conntrack_tcp_timeout_time_wait=1 net.ipv4.ip_forward=1 \
      net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0 &&
    topo_sysctl "$p" client net.ipv4.ip_local_port_range="1024 65535" || return 1
  if [ "$m" = dr ]; then
    ip -n "$p-rs1" addr add "$v/32" dev lo &&
      topo_sysctl "$p" rs1 net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 &&
      ip -n "$p-client" route add "$RS/32" via 192.168.1.2 || return 1
  else
    ip -n "$p-client" route add 192.168.1.0/24 via 192.168.10.2 || return 1
    [ "$m" = fullnat ] && { ip -n "$p-rs1" route add 192.168.10.0/24 via 192.168.1.100 || return 1; }
  fi
  topo_spawn "$p" rs1 "$LG" serve --tcp "$RS:80,$v:80" --udp "$RS:53,$v:53"
  sleep 0.3
  # Warm-up of the fresh topology (neighbours, caches): not measured.
  topo_exec "$p" client "$LG" run --tcp "$RS:80" --duration 1 >/dev/null 2>&1
}

# load P VARIANT MODE: puts the variant's rules on the director.
load() {
  local p=$1 var=$2 m=$3 st=$W/state
  case $var in
    plain) ip netns exec "$p-dir" nft flush ruleset ;;
    lv1) ip netns exec "$p-dir" nft flush ruleset && rm -rf "$st" &&
      "$LV" apply -c "$W/$m.1.json" --netns "$p-dir" --state-dir "$st" ;;
    lv10k) "$LV" apply -c "$W/$m.10k.json" --netns "$p-dir" --state-dir "$st" ;;
    interval10k) "$LV" destroy --netns "$p-dir" --state-dir "$st" &&
      ip netns exec "$p-dir" nft -f "$W/$m.interval.nft" ;;
    linear10k) ip netns exec "$p-dir" nft flush ruleset &&
      ip netns exec "$p-dir" nft -f "$W/$m.linear.nft" ;;
  esac >>"$BN_LOG" 2>&1
}

# trial P MODE VARIANT REP: warm-up, then TCP and UDP; records per_s and
# packets_per_s; fails when no transaction succeeded.
trial() {
  local p=$1 m=$2 var=$3 i=$4 target out proto secs
  target=$(vip "$m")
  [ "$var" = plain ] && target=$RS
  topo_exec "$p" client "$LG" run --tcp "$target:80" --duration 0.3 >/dev/null 2>&1
  for proto in tcp udp; do
    secs=$TCP_S port=80
    [ $proto = udp ] && secs=$UDP_S port=53
    out=$(topo_exec "$p" client "$LG" run --$proto "$target:$port" --duration "$secs" \
      --concurrency "$CONC" 2>>"$BN_LOG")
    echo "$m $var $i $out" >>"$BN_LOG"
    bn_rec "$m" "$var.$proto" "$i" "$(topo_json "$out" per_s || echo nan)"
    bn_rec "$m" "$var.$proto.pps" "$i" "$(topo_json "$out" packets_per_s || echo nan)"
    bn_rec "$m" "$var.$proto.failed" "$i" "$(topo_json "$out" failed || echo nan)"
    [ "$(topo_json "$out" ok)" -gt 0 ] 2>/dev/null || return 1
  done
}

# crosscheck P: loadgen vs wrk (Connection: close) on the NAT lv1 setup.
crosscheck() {
  local p=$1 out i secs
  secs=$(awk -v s="$TCP_S" 'BEGIN {d = int(s + 0.999); print d < 1 ? 1 : d}')
  for i in $(seq "$REPS"); do
    out=$(topo_exec "$p" client "$LG" run --tcp 192.168.10.100:80 --duration "$secs" \
      --concurrency "$CONC")
    bn_rec xcheck loadgen "$i" "$(topo_json "$out" per_s)"
    out=$(topo_exec "$p" client wrk -t1 -c"$CONC" -d"${secs}s" -H "Connection: close" \
      http://192.168.10.100/ 2>&1)
    echo "wrk $i: $out" >>"$BN_LOG"
    bn_rec xcheck wrk "$i" "$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')"
  done
}

for m in $MODES; do
  bn_say "datapath: $m: configs and topology"
  configs "$m" || { echo "datapath: cannot make configs for $m" >&2; exit 1; }
  p=$BN_P$m
  setup "$m" "$p" || { echo "datapath: cannot set up $m" >&2; exit 1; }
  for i in $(seq "$REPS"); do
    for var in plain lv1 lv10k interval10k linear10k; do
      load "$p" "$var" "$m" || { echo "datapath: cannot load $var ($m)" >&2; exit 1; }
      sleep "${BN_SETTLE:-1}"  # let deferred kernel work after a big load finish
      trial "$p" "$m" "$var" "$i" || { echo "datapath: no traffic: $m $var" >&2; tail -n 5 "$BN_LOG" >&2; exit 1; }
    done
    bn_say "datapath: $m: repetition $i done"
  done
  if [ "$m" = nat ] && command -v wrk >/dev/null; then
    load "$p" lv1 nat && crosscheck "$p"
  fi
  topo_destroy "$p"
done
echo "BN_MODE_LIST=\"$(echo $MODES)\"" >"$BN_OUT/datapath.vars"
BN_MODE_LIST=$MODES bash "$BN_DIR/datapath_report.sh" >"$BN_OUT/datapath.md"
bn_say "datapath: done"
