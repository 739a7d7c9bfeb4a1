#!/bin/bash
# Smoke run of the control-plane benchmark suite (bench/run control
# --smoke: 20 services x 3 servers, mixed and NAT, one repetition), so the
# suite cannot rot. Checks that every table has its rows with figures,
# that every timed command succeeded and that no namespace is left.
#   control.test.sh BUILD_DIR SOURCE_DIR
export BN_P=lvbn$$c
SUITE=control
. "$(dirname "${BASH_SOURCE[0]}")/smoke.sh"
md=$out/control.md
rows() { grep -c "^| $1 | [0-9]" "$md"; }
check "four tables each have a row with figures for mixed 20×3" test "$(rows 'mixed 20×3')" = 4
check "five tables (with the mh compile row) each have a row with figures for nat 20×3" \
  test "$(rows 'nat 20×3')" = 5
check "no empty cell (—) in the tables" test "$(grep -c '| — |' "$md")" = 0
check "every timed command exited 0" grep -q '^Every timed command exited 0' "$md"
check "14 metrics sampled per nat config (overhead, apply .. compile, mhcompile)" \
  test "$(awk -F'\t' '$1 == "nat:20:3" && $2 !~ /\./' "$out/control.tsv" | wc -l)" = 14
check "lvsnft diff finds the ruleset in sync after the one-RS change" \
  test "$(awk -F'\t' '$2 == "diff2.rc" {print $4}' "$out/control.tsv" | sort -u)" = 0
check "no namespace of the run is left" test -z "$(ip netns list | grep "^$BN_P-")"
smoke_done
