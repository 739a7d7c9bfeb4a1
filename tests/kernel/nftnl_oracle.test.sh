#!/bin/bash
# Oracle for the netlink lowering: for every case of the table in
# tests/unit/nft_oracle_*.cc, nft 1.0.6 compiles the hand-written text
# (`nft --debug=netlink -c -f`, inside a throw-away netns) and the bytecode
# it prints must equal, line for line, what lvsnft builds from the plan.
#
# Nothing is normalised: set ids and sequence numbers, the only values that
# legitimately differ, are not part of nft's debug output. Chains are
# printed the way nft prints them (before it adds table, name and policy).
#
# Usage: nftnl_oracle.test.sh BUILD_DIR [SOURCE_DIR]; needs root.
set -euo pipefail
build=$1
if [ "$(id -u)" != 0 ]; then
  echo "nftnl_oracle: must run as root (creates a network namespace)" >&2
  exit 1
fi
ns="lvnl$$"
tmp=$(mktemp -d)
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$ns"
# Netdev cases attach to and forward through vA.
ip -n "$ns" link add vA type veth peer name vB

LVSNFT_ORACLE_DIR="$tmp" ip netns exec "$ns" \
  "$build/tests/unit_tests" --gtest_filter=NftOracleDump.WriteCases \
  --gtest_brief=1 >"$tmp/gtest.log" || { cat "$tmp/gtest.log"; exit 1; }

count=0
failed=0
while IFS=$'\t' read -r name desc; do
  count=$((count + 1))
  if ! ip netns exec "$ns" nft --debug=netlink -c -f "$tmp/$name.nft" \
      >"$tmp/$name.nftout" 2>"$tmp/$name.err"; then
    echo "FAIL $name: nft rejects the text: $(cat "$tmp/$name.err")"
    failed=$((failed + 1))
    continue
  fi
  if diff -u --label "nft $name" --label "lvsnft $name" \
      "$tmp/$name.nftout" "$tmp/$name.expected" >"$tmp/$name.diff"; then
    echo "PASS $name: $desc"
  else
    echo "FAIL $name: $desc"
    cat "$tmp/$name.diff"
    failed=$((failed + 1))
  fi
done <"$tmp/cases.list"

if [ "$count" -eq 0 ]; then
  echo "nftnl_oracle: no cases written" >&2
  exit 1
fi
echo "nftnl_oracle: $((count - failed))/$count cases identical"
[ "$failed" -eq 0 ]
