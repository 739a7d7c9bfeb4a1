#!/usr/bin/env bash
# Reproduction (not a ctest case; about 80 s): in NAT, a new connection can
# be refused while lvsnft apply shrinks a service's slot range.
#
# A stream of new connections (8 workers, no pause) runs while the
# configuration alternates between weights 4:1:1 (6 slots) and a single
# server (1 slot), N times each. A counter in the director's input hook
# (table e2e_leak) records SYNs to VIP:80 that reached the director's own
# stack, i.e. were not DNATed, with their ct mark (the slot).
# It is a race with a window of microseconds, so runs differ: on Linux
# 6.18 (2 cores, busy) one run of 800 applies had 4 ECONNREFUSED in 247 000
# connections, each with a leaked SYN whose slot (ct mark 0x5e5a1001-05)
# exists only in the 6-slot configuration; a quieter run had none in
# 282 000. The e2e churn test hit it once (1 refused in about 650).
# Why: nft_do_chain reads the generation bit once, so a packet that entered
# the nat chain before a commit runs the old rule (numgen mod 6) to the
# end, but the be4 lookup in `dnat ip to ct mark map @be4` uses the current
# generation's elements: the slot is gone, the lookup fails, the rule does
# not DNAT, and the SYN is delivered to the VIP on the director, which
# answers RST.
#   tests/e2e/repro_nat_slot_race.sh BUILD_DIR SOURCE_DIR [N]   (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"
N=${3:-400}
VIP=192.168.10.100

e2e_topo nat || exit 1
e2e_cfg "$E2E_WORK/a.json" '{"interface": "eth0"}' \
  "$(e2e_svc web nat tcp $VIP 80 - wrr 192.168.1.10=4 192.168.1.11=1 192.168.1.12=1)"
e2e_cfg "$E2E_WORK/b.json" '{"interface": "eth0"}' \
  "$(e2e_svc web nat tcp $VIP 80 - wrr 192.168.1.10=1)"
e2e_up "$P" nat "$E2E_WORK/a.json" "--tcp RSIP:80" "" || exit 1
e2e_nft "$P" dir <<'NFT' || exit 1
table inet e2e_leak {
  set leak { type inet_service . mark; size 65535; flags dynamic; }
  counter n { }
  chain in {
    type filter hook input priority 0; policy accept;
    ip daddr 192.168.10.100 tcp dport 80 counter name "n" add @leak { tcp sport . ct mark }
  }
}
NFT
e2e_spawn_client "$P" st --tcp $VIP:80 --stream 3600 --parallel 8 --interval-ms 0
sleep 0.2
for _ in $(seq "$N"); do
  e2e_apply "$P" dir "$E2E_WORK/a.json" && e2e_apply "$P" dir "$E2E_WORK/b.json" || exit 1
done
e2e_collect st stop
echo "stream: $(jf "$st" '{total, failed, errors}')"
echo "SYNs not DNATed (client port . slot):"
topo_exec "$P" dir nft -j list set inet e2e_leak leak |
  jq -r '.nftables[] | .set? | select(.) | .elem[]? | .concat | "  \(.[0]) . \(.[1] | tostring)"'
echo "slots of the 1-slot configuration:"
topo_exec "$P" dir nft -j list map inet lvsnft be4 |
  jq -r '.nftables[] | .map? | select(.) | .elem[] | "  \(.[0].elem.val)"'
[ "$(jf "$st" .failed)" = 0 ]
