#!/bin/bash
# Runs inside the lab VM (Linux 6.1, tests/vm/vmrun.sh) for bench/ipvs.sh:
# the same topology and service configured once with ipvsadm (IPVS) and
# once with lvsnft, per mode (NAT, DR, TUN) and repetition, in alternating
# order; then the time to load 1k services x 10 real servers with
# ipvsadm-restore vs lvsnft apply, each into a fresh namespace.
# Prints samples as "BN <tab> CONFIG <tab> METRIC <tab> REP <tab> VALUE".
# Parameters come from /lab/params (REPS, SECS, CONC, MODES).
. /lab/topo.sh
. /lab/params
topo_trap
L=/lab
RS1=192.168.1.10 RS2=192.168.1.11

vip() {
  case $1 in nat) echo 192.168.10.100 ;; dr) echo 192.168.1.100 ;; tun) echo 202.10.1.101 ;; esac
}
sample() { printf 'BN\t%s\t%s\t%s\t%s\n' "$@"; }

# rs_setup P HOST MODE VIP: what a real server of MODE needs.
rs_setup() {
  local p=$1 h=$2 m=$3 v=$4
  case $m in
    dr) ip -n "$p-$h" addr add "$v/32" dev lo &&
      topo_sysctl "$p" "$h" net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 ;;
    tun) topo_sysctl "$p" "$h" net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 \
      net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 &&
      ip -n "$p-$h" link set tunl0 up && ip -n "$p-$h" addr add "$v/32" dev tunl0 &&
      topo_sysctl "$p" "$h" net.ipv4.conf.tunl0.rp_filter=0 ;;
  esac
}

# ipvs_on P MODE VIP: the IPVS service (rr for NAT, mh for DR/TUN, as lvsnft).
ipvs_on() {
  local p=$1 m=$2 v=$3 fw=-m sched=rr r
  [ "$m" = dr ] && fw=-g sched=mh
  [ "$m" = tun ] && fw=-i sched=mh
  topo_exec "$p" dir ipvsadm -A -t "$v:80" -s $sched || return 1
  for r in $RS1 $RS2; do
    topo_exec "$p" dir ipvsadm -a -t "$v:80" -r "$r:80" $fw || return 1
  done
}

# trial P MODE KIND REP: warm-up, then one measured loadgen run.
trial() {
  local p=$1 m=$2 kind=$3 i=$4 v out
  v=$(vip "$m")
  topo_exec "$p" client $L/loadgen run --tcp "$v:80" --duration 0.5 --timeout-ms 5000 >/dev/null
  out=$(topo_exec "$p" client $L/loadgen run --tcp "$v:80" --duration "$SECS" \
    --concurrency "$CONC" --timeout-ms 5000)
  echo "# $m $kind $i $out" >&2
  sample "$m" "$kind" "$i" "$(topo_json "$out" per_s)"
  sample "$m" "$kind.failed" "$i" "$(topo_json "$out" failed)"
  [ "$(topo_json "$out" ok)" -gt 0 ] 2>/dev/null
}

run_ipvs() {
  ipvs_on "$1" "$2" "$(vip "$2")" && trial "$1" "$2" ipvs "$3"
  local rc=$?
  topo_exec "$1" dir ipvsadm -C
  return $rc
}

run_lvsnft() {
  local st=/tmp/lvst.$2 rc
  $L/lvsnft apply -c "$L/cfg/$2.json" --netns "$1-dir" --state-dir "$st" >/dev/null &&
    trial "$1" "$2" lvsnft "$3"
  rc=$?
  $L/lvsnft destroy --netns "$1-dir" --state-dir "$st" >/dev/null
  return $rc
}

# mode_suite MODE: one topology, REPS alternating IPVS/lvsnft trials.
mode_suite() {
  local m=$1 p v h i
  p=$(topo_prefix lvbn)$m
  v=$(vip "$m")
  topo_create "$m" "$p" || return 1
  ip -n "$p-dir" addr add "$v/32" dev eth0 &&
    topo_sysctl "$p" dir net.netfilter.nf_conntrack_tcp_timeout_time_wait=1 || return 1
  for h in rs1:$RS1 rs2:$RS2; do
    rs_setup "$p" "${h%:*}" "$m" "$v" || return 1
    topo_spawn "$p" "${h%:*}" $L/loadgen serve --tcp "$v:80,${h#*:}:80"
  done
  sleep 1
  for i in $(seq "$REPS"); do
    if [ $((i % 2)) = 1 ]; then
      run_ipvs "$p" "$m" "$i" && run_lvsnft "$p" "$m" "$i" || return 1
    else
      run_lvsnft "$p" "$m" "$i" && run_ipvs "$p" "$m" "$i" || return 1
    fi
    echo "# $m: repetition $i done ($(cut -d' ' -f1 /proc/uptime) s)" >&2
  done
  topo_destroy "$p"
}

# fresh NAME: a namespace with lo and a director interface eth0.
fresh() {
  ip netns add "$1" && ip -n "$1" link set lo up &&
    ip -n "$1" link add eth0 type veth peer name eth0p && ip -n "$1" link set eth0 up
}

# load_suite: ipvsadm-restore vs lvsnft apply of 1k x 10, fresh namespaces.
load_suite() {
  local i a b out
  for i in $(seq "$REPS"); do
    a=lvbn$$la$i b=lvbn$$lb$i
    fresh "$a" && fresh "$b" || return 1
    out=$(ip netns exec "$a" $L/benchtime 600 bash $L/ipvsadm-restore <$L/cfg/load.ipvs)
    sample load ipvsadm-restore "$i" "${out%% *}"
    sample load ipvsadm-restore.rc "$i" "${out##* }"
    out=$(ip netns exec "$b" $L/benchtime 600 $L/lvsnft apply -c $L/cfg/load.json --state-dir /tmp/lvst.load$i)
    sample load lvsnft "$i" "${out%% *}"
    sample load lvsnft.rc "$i" "${out##* }"
    sample load ipvs.services "$i" "$(ip netns exec "$a" ipvsadm -Ln | grep -c '^TCP')"
    sample load ipvs.reals "$i" "$(ip netns exec "$a" ipvsadm -Ln | grep -c -- '->.*Masq')"
    ip netns del "$a"
    ip netns exec "$b" nft flush ruleset
    ip netns del "$b"
    echo "# load: repetition $i done" >&2
  done
}

sample env kernel 0 "$(uname -r)"
fails=0
for m in $MODES; do
  mode_suite "$m" || { echo "ipvs bench: $m failed" >&2; fails=$((fails + 1)); topo_cleanup_all 1; }
done
load_suite || fails=$((fails + 1))
echo "ipvs bench: $fails failure(s)"
[ $fails = 0 ]
