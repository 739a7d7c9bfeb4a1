#!/usr/bin/env bash
# The README's demo: the main job on an embedded default.
#
# Builds lvsnft, creates the NAT topology of tests/lib/topo.sh in
# network namespaces (client 192.168.10.13, director with VIP
# 192.168.10.100, real servers 192.168.1.10-.12 running a small HTTP server),
# applies examples/nat.json with lvsnft into the director namespace, sends
# real HTTP requests from the client, shows which real server answered each,
# prints `lvsnft status`. Then it runs `lvsnft daemon` on the same config
# and shows it live: `lvsnft ctl set` drains one server (requests stop
# reaching it), `ctl clear` brings it back, and an `nft flush ruleset` in
# the director namespace is repaired by the daemon (requests balanced
# again). The daemon's config is examples/nat.json with a tcp health
# check (every 0.5 s, fall 2, rise 2): rs3's HTTP server is killed (by its
# pid), the daemon logs it DOWN and requests avoid it, `lvsnft ctl status`
# shows it; the server is restarted, the daemon logs it UP and it is back
# in the split. It stops the daemon and cleans up. Nothing outside its
# own namespaces is touched.
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
dpid=""
demo_cleanup() {
  local rc=$?
  [ -z "$dpid" ] || { kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null; } || true
  ip netns exec "$(topo_ns "$P" dir)" "$lvsnft" destroy --state-dir "$state" >/dev/null 2>&1 || true
  topo_cleanup_all "$rc"
  rm -rf "$state"
}
trap demo_cleanup EXIT INT TERM

echo "== creating the NAT reference topology (namespaces $P-*)"
topo_create nat "$P"
httpd_pid=()
# start_httpd N: starts rs N's HTTP server (busybox httpd in the foreground: the
# spawned pid is the server itself); its pid in httpd_pid[N].
start_httpd() {
  local www=$state/www$1
  mkdir -p "$www"
  echo "hello from rs$1 (192.168.1.1$(($1 - 1)))" >"$www/index.html"
  topo_spawn "$P" "rs$1" busybox httpd -f -p 80 -h "$www"
  httpd_pid[$1]=$TOPO_PID
}
for i in 1 2 3; do start_httpd "$i"; done
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

dir=$(topo_ns "$P" dir)
# answers N: N requests, one line: who answered each, then the tally.
answers() {
  local who=()
  for _ in $(seq "$1"); do
    who+=("$(topo_exec "$P" client curl -s --max-time 3 http://192.168.10.100/ |
      awk '{print $3}')")
  done
  printf '  %s requests answered by: %s\n' "$1" "${who[*]}"
  printf '  tally: %s\n' "$(printf '%s\n' "${who[@]:-}" | sed 's/^$/FAILED/' |
    sort | uniq -c | awk '{print $2 " x" $1}' | paste -sd, | sed 's/,/, /g')"
}
# daemon_log PATTERN: the daemon's log lines matching PATTERN, indented.
daemon_log() { grep -- "$1" "$state/daemon.log" | sed 's/^/  daemon log: /'; }
wait_log() {  # wait_log PATTERN: up to 10 s for a log line.
  for _ in $(seq 100); do
    grep -q -- "$1" "$state/daemon.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: daemon log has no '$1'" >&2
  return 1
}
ctl() {
  echo "  \$ lvsnft ctl $*"
  "$lvsnft" ctl --control-socket "$state/control.sock" "$@"
}

# The daemon's config: examples/nat.json with a tcp health check.
jq '.services[0].health_check = {type: "tcp", interval: 0.5, fall: 2, rise: 2}' \
  "$src/examples/nat.json" >"$state/nat-health.json"
echo "== lvsnft daemon -c nat-health.json --netns $dir (keeps the kernel in sync)"
echo "  nat-health.json is examples/nat.json with, on service web:"
echo "  \"health_check\": $(jq -c '.services[0].health_check' "$state/nat-health.json")"
"$lvsnft" daemon -c "$state/nat-health.json" --netns "$dir" --state-dir "$state" \
  2>"$state/daemon.log" &
dpid=$!
wait_log '^<5>ready:'
daemon_log 'sync (start)'

echo "== drain rs2 (192.168.1.11) through the daemon: new requests avoid it"
ctl set web 192.168.1.11:80 --state drain
answers 9
echo "== clear the override: rs2 is back"
ctl clear web 192.168.1.11:80
answers 9

echo "== nft flush ruleset in the director namespace: the daemon repairs it"
t0=${EPOCHREALTIME/./}
topo_exec "$P" dir nft flush ruleset
for _ in $(seq 200); do
  topo_exec "$P" dir nft list table inet lvsnft >/dev/null 2>&1 && break
  sleep 0.005
done
echo "  table inet lvsnft back after $(((${EPOCHREALTIME/./} - t0) / 1000)) ms"
wait_log 'drift repaired'
daemon_log 'drift repaired'
answers 9

echo "== health check: kill rs3's HTTP server (pid ${httpd_pid[3]}); the daemon takes it out"
kill "${httpd_pid[3]}"
t0=${EPOCHREALTIME/./}
wait_log 'web 192.168.1.12[:0-9]* DOWN'
echo "  DOWN logged $(((${EPOCHREALTIME/./} - t0) / 1000)) ms after the kill"
daemon_log 'web 192.168.1.12[:0-9]* DOWN'
answers 9
ctl status | sed -n '/^health checks:/,$p'
echo "== restart rs3's HTTP server: after rise x interval it is back"
start_httpd 3
wait_log 'web 192.168.1.12[:0-9]* UP'
daemon_log 'web 192.168.1.12[:0-9]* UP'
answers 9

echo "== stopping the daemon (SIGTERM to pid $dpid; the ruleset stays)"
kill -TERM "$dpid"
wait "$dpid"
dpid=""
daemon_log 'SIGTERM'

echo "== cleaning up (lvsnft destroy, namespaces removed)"
