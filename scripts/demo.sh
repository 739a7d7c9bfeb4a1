#!/usr/bin/env bash
# The README's demo: the main job on an embedded default.
#
# Builds lvsnft, creates the NAT topology of tests/lib/topo.sh in
# network namespaces (client 192.168.10.13, director with VIP
# 192.168.10.100, real servers 192.168.1.10-.12 running a small HTTP server),
# applies examples/nat.json with lvsnft into the director namespace, sends
# real HTTP requests from the client, shows which real server answered each,
# prints `lvsnft status`, and cleans up. Nothing outside its own namespaces
# is touched.
#
#   scripts/demo.sh [REQUESTS]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
requests=${1:-12}
build=${LVSNFT_BUILD_DIR:-$src/build}

echo "== installing dependencies (apt-get, only what is missing)"
"$src/scripts/install-deps.sh"
echo "== building lvsnft"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
make -C "$build" -j"$(nproc)" --no-print-directory lvsnft >/dev/null
lvsnft=$build/lvsnft

. "$src/tests/lib/topo.sh"
P=$(topo_prefix lvdemo)
state=$(mktemp -d)
demo_cleanup() {
  local rc=$?
  ip netns exec "$(topo_ns "$P" dir)" "$lvsnft" destroy --state-dir "$state" >/dev/null 2>&1 || true
  topo_cleanup_all "$rc"
  rm -rf "$state"
}
trap demo_cleanup EXIT INT TERM

echo "== creating the NAT reference topology (namespaces $P-*)"
topo_create nat "$P"
for i in 1 2 3; do
  www=$state/www$i
  mkdir -p "$www"
  echo "hello from rs$i (192.168.1.1$((i - 1)))" >"$www/index.html"
  topo_spawn "$P" "rs$i" busybox httpd -f -p 80 -h "$www"
done
for i in 1 2 3; do
  for _ in $(seq 50); do
    topo_exec "$P" dir curl -s -o /dev/null "http://192.168.1.1$((i - 1))/" && break
    sleep 0.1
  done
done

echo "== lvsnft apply -c examples/nat.json --netns $(topo_ns "$P" dir)"
cat "$src/examples/nat.json"
"$lvsnft" apply -c "$src/examples/nat.json" --netns "$(topo_ns "$P" dir)" \
  --state-dir "$state"

echo "== $requests HTTP requests from the client (192.168.10.13) to http://192.168.10.100/"
for n in $(seq "$requests"); do
  printf '  request %2d -> %s\n' "$n" \
    "$(topo_exec "$P" client curl -s --max-time 3 http://192.168.10.100/)"
done

echo "== lvsnft status"
"$lvsnft" status --netns "$(topo_ns "$P" dir)" --state-dir "$state"

echo "== nft list table inet lvsnft (what lvsnft put in the kernel)"
topo_exec "$P" dir nft list table inet lvsnft | head -40

echo "== cleaning up (lvsnft destroy, namespaces removed)"
