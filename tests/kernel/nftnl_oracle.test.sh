#!/bin/bash
# Oracle for the netlink lowering: for every case of the table in
# tests/unit/kernel/nft/nft_oracle_*.cc, nft 1.0.6 compiles the hand-written text
# inside a throw-away netns, and lvsnft builds the same table from the plan.
#
# 1. Bytecode: `nft --debug=netlink -c -f` output must equal lvsnft's
#    printer output line for line. Nothing is normalised (set ids and
#    sequence numbers, the values that legitimately differ, are not
#    printed). Chains are printed as nft prints them (before it adds table,
#    name and policy by hand).
# 2. Messages: `nft --debug=mnl -c -f` (every byte nft sends) must equal
#    lvsnft's batch dumped the same way, after mnl_canon.py drops sequence
#    numbers and sorts top-level attributes by type (nft writes table/name
#    attributes by hand before libnftnl's, so their order differs). This
#    covers what the debug output does not show: set userdata, key types,
#    concat field lengths, set ids, element userdata, flags attributes.
#
# Usage: nftnl_oracle.test.sh BUILD_DIR [SOURCE_DIR]; needs root.
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
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
  if ! diff -u --label "nft $name" --label "lvsnft $name" \
      "$tmp/$name.nftout" "$tmp/$name.expected" >"$tmp/$name.diff"; then
    echo "FAIL $name (bytecode): $desc"
    cat "$tmp/$name.diff"
    failed=$((failed + 1))
    continue
  fi
  ip netns exec "$ns" nft --debug=mnl -c -f "$tmp/$name.nft" \
    >"$tmp/$name.nftmnl" 2>&1
  python3 "$here/mnl_canon.py" "$tmp/$name.nftmnl" >"$tmp/$name.nftcanon"
  python3 "$here/mnl_canon.py" "$tmp/$name.mnl" >"$tmp/$name.canon"
  if ! grep -q '^message type 2566' "$tmp/$name.canon" ||
     ! diff -u --label "nft $name" --label "lvsnft $name" \
      "$tmp/$name.nftcanon" "$tmp/$name.canon" >"$tmp/$name.diff"; then
    echo "FAIL $name (messages): $desc"
    cat "$tmp/$name.diff"
    failed=$((failed + 1))
    continue
  fi
  echo "PASS $name (bytecode and messages): $desc"
done <"$tmp/cases.list"

if [ "$count" -eq 0 ]; then
  echo "nftnl_oracle: no cases written" >&2
  exit 1
fi
echo "nftnl_oracle: $((count - failed))/$count cases identical"
[ "$failed" -eq 0 ]
