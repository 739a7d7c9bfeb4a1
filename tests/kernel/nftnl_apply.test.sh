#!/bin/bash
# Sends lvsnft's batch for a complete plan (tests/unit/kernel/nft/nft_kernel_plan_*.cc:
# inet NAT/persistence/FULLNAT services, netdev DR service on a veth) into
# one throw-away netns, loads the same ruleset written by hand with
# `nft -f` into a second one, and requires:
#   - the batch (many pages, split element messages, generation id) to be
#     accepted, a stale generation id to be refused with nothing applied,
#     and a kernel error to be traced back to the element's service;
#   - `nft list ruleset` and `nft -j list ruleset` to succeed in both;
#   - both listings (text and JSON, handles included) to be identical.
#
# Usage: nftnl_apply.test.sh BUILD_DIR [SOURCE_DIR]; needs root.
set -euo pipefail
build=$1
if [ "$(id -u)" != 0 ]; then
  echo "nftnl_apply: must run as root (creates network namespaces)" >&2
  exit 1
fi
ns_lvs="lvnl$$l"   # lvsnft's batch
ns_nft="lvnl$$n"   # nft -f of the hand-written text
ns_err="lvnl$$e"   # error reporting
tmp=$(mktemp -d)
cleanup() {
  for ns in "$ns_lvs" "$ns_nft" "$ns_err"; do
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

for ns in "$ns_lvs" "$ns_nft" "$ns_err"; do
  ip netns add "$ns"
  ip -n "$ns" link add vA type veth peer name vB
done

run_gtest() {  # NS FILTER
  if ! LVSNFT_KERNEL_NETNS=1 LVSNFT_KERNEL_TEXT="$tmp/plan.nft" \
      ip netns exec "$1" "$build/tests/unit_tests" --gtest_filter="$2" \
      >"$tmp/gtest.log" 2>&1; then
    cat "$tmp/gtest.log"
    echo "FAIL gtest $2"
    exit 1
  fi
  if grep -q SKIPPED "$tmp/gtest.log" || ! grep -q "PASSED" "$tmp/gtest.log"; then
    cat "$tmp/gtest.log"
    echo "FAIL gtest $2 did not run"
    exit 1
  fi
  grep -E '^\[       OK \]' "$tmp/gtest.log" | sed 's/^/PASS /'
}

run_gtest "$ns_lvs" 'NftKernelApply.StaleGeneration*:NftKernelApply.FullPlan*'
run_gtest "$ns_err" 'NftKernelApply.ErrorNames*'

ip netns exec "$ns_nft" nft -f "$tmp/plan.nft"

for side in lvs nft; do
  ns_var="ns_$side"
  ns=${!ns_var}
  if ! ip netns exec "$ns" nft list ruleset >"$tmp/$side.txt"; then
    echo "FAIL nft list ruleset exits non-zero after $side"
    exit 1
  fi
  if ! ip netns exec "$ns" nft -j list ruleset >"$tmp/$side.json"; then
    echo "FAIL nft -j list ruleset exits non-zero after $side"
    exit 1
  fi
done
echo "PASS nft list ruleset and nft -j list ruleset exit 0 after both"

if ! grep -q 'table netdev lvsnft' "$tmp/lvs.txt" ||
   ! grep -q 'table inet lvsnft' "$tmp/lvs.txt"; then
  echo "FAIL the lvsnft tables are missing from the listing"
  cat "$tmp/lvs.txt"
  exit 1
fi
if ! diff -u --label "nft -f (hand-written)" --label "lvsnft batch" \
    "$tmp/nft.txt" "$tmp/lvs.txt"; then
  echo "FAIL nft list ruleset differs"
  exit 1
fi
echo "PASS nft list ruleset identical ($(wc -l <"$tmp/lvs.txt") lines)"
if ! diff <(tr ',' '\n' <"$tmp/nft.json") <(tr ',' '\n' <"$tmp/lvs.json"); then
  echo "FAIL nft -j list ruleset differs"
  exit 1
fi
echo "PASS nft -j list ruleset identical"
