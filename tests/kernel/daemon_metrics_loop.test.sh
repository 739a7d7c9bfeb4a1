#!/usr/bin/env bash
# A metrics scrape that reads the connection families (a full dump of the
# tables and of conntrack, with the applied config parsed and lowered for
# the labels: about a second at 10k services, 4000 here) must not stop
# the daemon's event loop: `ctl status` sent while the scrape runs is
# answered in less than half the scrape's time (blocked, it would wait
# for the rest of the scrape). The page is still right (promtool, one
# lvsnft_service_connections_total sample per NAT service; the counts
# under traffic: tests/e2e/observe.test.sh), and a second scrape
# within 5 s reuses the reading (no new dump: it answers at once).
#   daemon_metrics_loop.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/daemon.sh"
daemon_need promtool
daemon_init lvdx
services=${DAEMON_METRICS_SERVICES:-4000}

"$build/lvsnft_gen" --services "$services" --reals 10 --mode nat >"$cfg"
daemon_netns "$NS"
daemon_start --metrics-listen 127.0.0.1:$port
scrape() { ip netns exec "$NS" curl -sf "http://127.0.0.1:$port/metrics"; }
topo_check "daemon ready with $services services" daemon_ready 120 || exit 1
# A warm-up scrape: the first reading.
scrape >/dev/null

reads() { grep -c 'metrics: connections read in' "$work/daemon.log"; }
# Background scrape (the reading is over 5 s old), then ctl while it runs.
sleep 5.1
t0=${EPOCHREALTIME/./}
(scrape >"$work/page.txt"; echo $(((${EPOCHREALTIME/./} - t0) / 1000)) \
  >"$work/scrape.ms") &
cpid=$!
daemon_track "$cpid"
sleep 0.2
t1=${EPOCHREALTIME/./}
ctl --output json status >"$work/status.json"
ctl_ms=$(((${EPOCHREALTIME/./} - t1) / 1000))
wait "$cpid"
cpid=""
scrape_ms=$(cat "$work/scrape.ms")
# At once (within 5 s of the reading's end): the cached reading.
scrape >"$work/page2.txt"
echo "scrape ${scrape_ms} ms; ctl status sent 200 ms into it: ${ctl_ms} ms"
# Blocked, ctl would wait for the rest of the scrape (scrape - 200 ms).
topo_check "ctl status answered while the scrape runs (under half its time)" \
  test $((ctl_ms * 2)) -lt "$scrape_ms"
topo_check "ctl status replied" jq -e '.ok == true' "$work/status.json"
topo_check "the scrape succeeded" test -s "$work/page.txt"
topo_check "promtool check metrics passes the scrape" \
  sh -c "promtool check metrics <'$work/page.txt'"
topo_check "one lvsnft_service_connections_total per NAT service" \
  test "$(grep -c '^lvsnft_service_connections_total{' "$work/page.txt")" \
  -eq "$services"
topo_check "backend state gauges present" \
  grep -q '^lvsnft_backend_state{' "$work/page.txt"
topo_check "two readings (warm-up, timed); the scrape within 5 s reused" \
  test "$(reads)" -eq 2
topo_check "the same connection families" \
  cmp <(grep '^lvsnft_backend_connections' "$work/page.txt") \
  <(grep '^lvsnft_backend_connections' "$work/page2.txt")
topo_check "daemon still running" kill -0 "$dpid"
topo_summary daemon_metrics_loop
