#!/bin/bash
# Smoke run of the resident-daemon benchmark suite (bench/run daemon
# --smoke: 20 services x 3 servers, NAT and mixed, a few changes), so the
# suite cannot rot. Checks that the three tables have their rows with figures,
# that every timed command succeeded, that the daemon took the incremental
# path for every ctl set and reload, that `lvsnft diff` found the kernel in
# sync afterwards and that no namespace is left.
#   daemon.test.sh BUILD_DIR SOURCE_DIR
export BN_P=lvbn$$d
SUITE=daemon
. "$(dirname "${BASH_SOURCE[0]}")/smoke.sh"
md=$out/daemon.md
tsv=$out/daemon.tsv
rows() { grep -c "^| $1 | [0-9]" "$md"; }
values() { awk -F'\t' -v m="$1" '$2 == m {print $4}' "$tsv" | sort -u | tr '\n' ' '; }
# Three tables: ctl set, the client's floor (process start), reload/RSS.
check "three tables each have a row with figures for nat 20×3" test "$(rows 'nat 20×3')" = 3
check "three tables each have a row with figures for mixed 20×3" test "$(rows 'mixed 20×3')" = 3
check "no empty cell (—) in the tables" test "$(grep -c '| — |' "$md")" = 0
check "every timed command exited 0" grep -q '^Every timed command exited 0' "$md"
check "every ctl set was incremental" test "$(values ctlincr)" = "0 "
check "every one-service reload was incremental" test "$(values reloadincr)" = "0 "
check "lvsnft diff in sync after the changes" test "$(values insync)" = "0 "
check "the daemon's RSS was sampled" test "$(awk -F'\t' '$2 == "rss" && $4 > 0' "$tsv" | wc -l)" = 2
check "no namespace of the run is left" test -z "$(ip netns list | grep "^$BN_P-")"
smoke_done
