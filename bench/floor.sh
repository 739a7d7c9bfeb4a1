#!/bin/bash
# The kernel's own cost of loading a ruleset, without lvsnft: nft -f of two
# synthetic rulesets into a fresh namespace, timed by bench/benchtime --cpu.
#   chains: C regular chains of one rule each (`ct mark set numgen inc mod 2
#           offset N`, the shape of lvsnft's per-service chains)
#   elems:  one map `type mark : ipv4_addr` (lvsnft's be4) with E elements
# Each is loaded at its size and at half of it; the sys-time difference
# divided by the object difference is the kernel's marginal cost per chain
# / per element (fixed costs cancel; nft's own page faults for the objects
# are in it, so it is an upper bound of the kernel's share). Called by
# bench/control.sh with BN_TSV, BN_LOG, BN_W (scratch), BN_FLOOR_CHAINS,
# BN_FLOOR_ELEMS and BN_FLOOR_REPS set; records config "floor", metrics
# chainsN, elemsN (wall; .sys, .rc) per repetition.
set -uo pipefail
. "$BN_DIR/lib.sh"
C=$BN_FLOOR_CHAINS E=$BN_FLOOR_ELEMS

# gen_chains N: a table of N one-rule chains.
gen_chains() {
  awk -v n="$1" 'BEGIN {
    print "table inet lvbnfloor {"
    for (i = 0; i < n; i++)
      printf "\tchain c%d {\n\t\tct mark set numgen inc mod 2 offset %d\n\t}\n", i, i * 2
    print "}" }'
}

# gen_elems N: a table with one map of N elements.
gen_elems() {
  awk -v n="$1" 'BEGIN {
    print "table inet lvbnfloor {\n\tmap be4 {\n\t\ttype mark : ipv4_addr\n\t}\n}"
    print "add element inet lvbnfloor be4 {"
    for (i = 0; i < n; i++)
      printf "\t0x%08x : 172.%d.%d.%d%s\n", i, 16 + int(i / 65536) % 16,
        int(i / 256) % 256, i % 256, i < n - 1 ? "," : ""
    print "}" }'
}

for kind in chains elems; do
  n=$C
  [ $kind = elems ] && n=$E
  for size in $((n / 2)) "$n"; do
    "gen_$kind" "$size" >"$BN_W/floor.$kind.$size.nft"
  done
done
for i in $(seq "$BN_FLOOR_REPS"); do
  for kind in chains elems; do
    n=$C
    [ $kind = elems ] && n=$E
    for size in $((n / 2)) "$n"; do
      ns=$(bn_ns_new floor) || exit 1
      bn_settle  # the last size's ruleset may still be being freed
      bn_run "$ns" nft -f "$BN_W/floor.$kind.$size.nft"
      for k in "" .sys .rc; do
        v=$BN_WALL
        [ "$k" = .sys ] && v=$BN_SYS
        [ "$k" = .rc ] && v=$BN_RC
        bn_rec floor "$kind$size$k" "$i" "$v"
      done
      bn_ns_del "$ns"
    done
  done
done
