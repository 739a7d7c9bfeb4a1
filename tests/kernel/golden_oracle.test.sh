#!/usr/bin/env bash
# Oracle test (root, throw-away network namespaces): every golden ruleset is
# accepted by the distro's nft (`nft -c -f`), loads (`nft -f`), lists
# (`nft list ruleset`, `nft -j list ruleset` exit 0), and the JSON golden
# loaded with `nft -j -f` in a second namespace lists the same text except
# table/chain/set comments, which nft 1.0.6's JSON parser drops (see
# docs/JSON.md; rule comments are kept and compared).
set -euo pipefail
build=$1 src=$2
ns1=lvgo-a-$$ ns2=lvgo-b-$$
cleanup() { ip netns del $ns1 2>/dev/null || true; ip netns del $ns2 2>/dev/null || true; }
trap cleanup EXIT
fail=0
# Devices a golden file refers to: the director interface and, for TUN, the
# per-server ipip devices (veth stand-ins: fwd only needs an ifindex; the
# host kernel has no ipip).
make_devices() {
  local ns=$1 file=$2
  ip -n $ns link add eth0 type veth peer name eth0p
  ip -n $ns link set eth0 up
  for dev in $(sed -n 's/^#   ipip device \([^ ]*\) .*/\1/p' "$file"); do
    ip -n $ns link add "$dev" type veth peer name "${dev}p"
    ip -n $ns link set "$dev" up
  done
}
for nft_file in "$src"/tests/golden/*.nft; do
  name=$(basename "$nft_file" .nft)
  json_file="$src/tests/golden/$name.json"
  cleanup; ip netns add $ns1; ip netns add $ns2
  make_devices $ns1 "$nft_file"; make_devices $ns2 "$nft_file"
  step() { if ! "$@" > /tmp/lvgo.$$ 2>&1; then echo "FAIL $name: $*"; head -20 /tmp/lvgo.$$; fail=1; return 1; fi; }
  step ip netns exec $ns1 nft -c -f "$nft_file" || continue
  step ip netns exec $ns1 nft -f "$nft_file" || continue
  step ip netns exec $ns1 nft list ruleset || continue
  step ip netns exec $ns1 nft -j list ruleset || continue
  step ip netns exec $ns2 nft -j -f "$json_file" || continue
  step ip netns exec $ns2 nft -j list ruleset || continue
  nocomments() { grep -v -E '^[[:space:]]*comment "[^"]*"$'; }
  if ! diff <(ip netns exec $ns1 nft list ruleset | nocomments) \
            <(ip netns exec $ns2 nft list ruleset | nocomments) > /tmp/lvgo.$$; then
    echo "FAIL $name: nft -j -f of the JSON golden lists differently from nft -f of the text:"
    head -30 /tmp/lvgo.$$; fail=1; continue
  fi
  echo "ok   $name ($(ip netns exec $ns1 nft list ruleset | wc -l) lines listed)"
done
rm -f /tmp/lvgo.$$
exit $fail
