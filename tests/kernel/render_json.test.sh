#!/bin/bash
# Kernel test of the nft JSON renderer against Debian 12's nft (1.0.6).
#
# For every case written by tests/kernel/render_json/render_json_cases.cc
# (a plan rendered with RenderJson plus the same ruleset written by hand in
# nft syntax), load the JSON with `nft -j -f` and the text with `nft -f`
# into two throw-away network namespaces (each with a veth lvjs0/lvjs1 for
# netdev chains) and compare `nft list ruleset`. Expectations (cases.tsv):
#   same        both load; the listings are identical
#   nocomments  both load; the JSON listing equals the text listing minus
#               its table/set/chain comment lines, and there were some (nft
#               1.0.6's JSON parser ignores those comments)
#   fail        the text loads; `nft -j -f` exits with status NAME.rc and
#               prints exactly NAME.err on stderr
# `nft -j list ruleset` must succeed after every successful load.
# Usage: render_json.test.sh BUILD_DIR [SOURCE_DIR]
set -u
build=${1:?usage: render_json.test.sh BUILD_DIR [SOURCE_DIR]}

if [ "$(id -u)" != 0 ]; then
  echo "render_json: needs root (network namespaces)" >&2
  exit 1
fi

tag=lvjs$$
work=$(mktemp -d /tmp/$tag.XXXXXX)
namespaces=()
cleanup() {
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh namespace with a veth pair whose lvjs0 end netdev chains use.
new_ns() {
  ip netns add "$1" || return 1
  namespaces+=("$1")
  ip -n "$1" link add lvjs0 type veth peer name lvjs1 &&
    ip -n "$1" link set lvjs0 up && ip -n "$1" link set lvjs1 up
}

"$build/render_json_cases" "$work" || { echo "driver failed" >&2; exit 1; }

failures=0
n=0
fail() {
  echo "FAIL $1: $2" >&2
  failures=$((failures + 1))
}

check_case() {
  local name=$1 expect=$2 dir=$work
  local nj=$tag-j$n nt=$tag-t$n
  new_ns "$nj" && new_ns "$nt" || { fail "$name" "cannot create netns"; return; }
  if ! ip netns exec "$nt" nft -f "$dir/$name.nft" 2>"$dir/$name.tstderr"; then
    fail "$name" "nft -f of the text failed: $(cat "$dir/$name.tstderr")"
    return
  fi
  # In a subshell so that a crash of nft is reported as its status only.
  (ip netns exec "$nj" nft -j -f "$dir/$name.json" 2>"$dir/$name.jstderr")
  local jrc=$?
  if [ "$expect" = fail ]; then
    [ "$jrc" = "$(cat "$dir/$name.rc")" ] ||
      { fail "$name" "nft -j -f exit status $jrc, want $(cat "$dir/$name.rc")"; return; }
    cmp -s "$dir/$name.err" "$dir/$name.jstderr" ||
      fail "$name" "stderr differs: $(diff "$dir/$name.err" "$dir/$name.jstderr")"
    return
  fi
  [ "$jrc" = 0 ] || { fail "$name" "nft -j -f failed: $(cat "$dir/$name.jstderr")"; return; }
  ip netns exec "$nt" nft list ruleset >"$dir/$name.tlist"
  ip netns exec "$nj" nft list ruleset >"$dir/$name.jlist"
  for ns in "$nt" "$nj"; do
    ip netns exec "$ns" nft -j list ruleset >/dev/null ||
      fail "$name" "nft -j list ruleset failed in $ns"
  done
  local want=$dir/$name.tlist
  if [ "$expect" = nocomments ]; then
    grep -v '^[[:space:]]*comment "[^"]*"$' "$dir/$name.tlist" >"$dir/$name.twant"
    cmp -s "$dir/$name.tlist" "$dir/$name.twant" &&
      fail "$name" "expected table/set/chain comments in the text listing"
    want=$dir/$name.twant
  fi
  diff -u "$want" "$dir/$name.jlist" >"$dir/$name.diff" ||
    fail "$name" "listings differ:
$(cat "$dir/$name.diff")"
}

while IFS=$'\t' read -r name expect desc; do
  n=$((n + 1))
  echo "case $name ($expect): $desc"
  check_case "$name" "$expect"
done <"$work/cases.tsv"

[ "$n" -gt 0 ] || { echo "no cases" >&2; exit 1; }
echo "$n cases, $failures failures"
[ "$failures" = 0 ]
