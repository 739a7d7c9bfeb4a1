#!/usr/bin/env bash
# lvsnft daemon in a throw-away namespace, checked with nft, ip, curl,
# promtool and a stand-in for systemd's notify socket: it adopts a ruleset
# made by `lvsnft apply` without a transaction, applies ctl overrides,
# repairs `nft flush ruleset` and a removed VIP within 1 s (counted in the
# metrics) but does not sync for an address that is not its own, rejects an invalid SIGHUP reload keeping the running state,
# refuses non-root clients and bad requests, and leaves the ruleset in
# place on SIGTERM.
#   daemon.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/daemon.sh"
daemon_need promtool setpriv
daemon_init lvdm

cp "$src/examples/nat.json" "$cfg"
daemon_netns "$NS"
# A table of someone else: the daemon must never touch it.
ip netns exec "$NS" nft add table inet foreign
ip netns exec "$NS" nft add chain inet foreign keep
"$lvsnft" apply -c "$cfg" --netns "$NS" --state-dir "$state" >/dev/null

# systemd's side of sd_notify: a datagram socket writing one line each.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode() + "\n")
        f.flush()
' "$work/notify.sock" "$work/notify.log" &
daemon_track $!
# Bound before the daemon starts (a loaded machine starts python slowly).
topo_wait_for 10 test -S "$work/notify.sock" || { echo "notify listener did not start"; exit 1; }
# Every nftables change while the daemon starts (none expected).
ip netns exec "$NS" nft monitor >"$work/monitor.log" 2>&1 &
mpid=$!
daemon_track "$mpid"
sleep 0.3

start_daemon() {
  NOTIFY_SOCKET=$work/notify.sock WATCHDOG_USEC=400000 \
    daemon_start --metrics-listen 127.0.0.1:$port
}
wait_for() { topo_wait_for "$@"; }
ready_count() { grep -c '^READY=1$' "$work/notify.log" 2>/dev/null; }
readies_over() { [ "$(ready_count)" -gt "$1" ]; }
metrics() { ip netns exec "$NS" curl -sf "http://127.0.0.1:$port/metrics"; }
metric() { metrics | awk -v m="$1" '$1 == m {print $2}'; }
ruleset() { ip netns exec "$NS" nft -j list ruleset; }
has_table() { ip netns exec "$NS" nft list table inet lvsnft >/dev/null 2>&1; }

# --- start: adopts what `lvsnft apply` made ----------------------------
start_daemon
topo_check "start: READY=1 sent" wait_for 10 readies_over 0
topo_check "start: commits 0 transactions (nft monitor saw nothing)" \
  test ! -s "$work/monitor.log"
kill "$mpid"; mpid=""
topo_check "start: log says already in sync" \
  grep -q '^<7>sync (start): already in sync' "$work/daemon.log"
topo_check "watchdog: WATCHDOG=1 at half of WATCHDOG_USEC" \
  wait_for 2 grep -q '^WATCHDOG=1$' "$work/notify.log"
topo_check "control socket is mode 0600" test "$(stat -c %a "$sock")" = 600

# --- ctl set: an override, committed before ctl returns ----------------
topo_check "ruleset names 192.168.1.11 before the drain" \
  sh -c "ip netns exec $NS nft -j list ruleset | grep -q 192.168.1.11"
t0=${EPOCHREALTIME/./}
topo_check "ctl set --state drain" ctl set web 192.168.1.11:80 --state drain
set_ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
topo_check "drained server gone from nft -j list ruleset when ctl returns" \
  sh -c "! ip netns exec $NS nft -j list ruleset | grep -q 192.168.1.11"
topo_check "foreign table untouched" ip netns exec "$NS" nft list chain inet foreign keep
topo_check "ctl status lists the override" \
  sh -c "'$lvsnft' ctl --control-socket '$sock' status | grep -qx '  web 192.168.1.11:80 state=drain'"
topo_check "metrics: backend state drain" test \
  "$(metric 'lvsnft_backend_state{service="web",backend="192.168.1.11:80",state="drain"}')" = 1
# diff applies the persisted overrides (daemon_overrides.test.sh has more).
"$lvsnft" diff -c "$cfg" --netns "$NS" --state-dir "$state" >"$work/diff.out" 2>&1
topo_check "diff knows the override (exit 0, the drain is not pending)" \
  test $? = 0
ctl_log_lines=$(grep -c 'service web' "$work/daemon.log")
topo_check "log lines name the service" test "$ctl_log_lines" -gt 0

# --- drift repair -------------------------------------------------------
repairs0=$(metric lvsnft_drift_repairs_total)
t0=${EPOCHREALTIME/./}
ip netns exec "$NS" nft flush ruleset
topo_check "nft flush ruleset: lvsnft tables back within 1 s" wait_for 1 has_table
flush_ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
topo_check "repair keeps the override (192.168.1.11 still drained)" \
  sh -c "! ip netns exec $NS nft -j list ruleset | grep -q 192.168.1.11"
topo_check "repair counted in lvsnft_drift_repairs_total" \
  test "$(metric lvsnft_drift_repairs_total)" -gt "$repairs0"
vip_back() { ip -n "$NS" -j addr show dev eth0 | grep -q '"192.168.10.100"'; }
if vip_back; then
  t0=${EPOCHREALTIME/./}
  ip -n "$NS" addr del 192.168.10.100/32 dev eth0
  topo_check "VIP removed by hand: back within 1 s" wait_for 1 vip_back
  vip_ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
fi
# An address that is not lvsnft's: its rtnetlink event must not cost a
# full sync (each once did, "sync (kernel event): already in sync", 1.2 s
# at mixed 10k x 10 on the daemon's loop; the daemon's own VIPs echo back
# the same way after every start).
event_syncs() { grep -c 'sync (kernel event)' "$work/daemon.log"; }
syncs0=$(event_syncs)
ip -n "$NS" addr add 10.123.0.1/32 dev eth0
sleep 0.5  # ten debounce periods
topo_check "unrelated address added: no sync (was $syncs0 event syncs, now $(event_syncs))" \
  test "$(event_syncs)" = "$syncs0"
ip -n "$NS" addr del 10.123.0.1/32 dev eth0

# --- control socket abuse -----------------------------------------------
raw() {  # raw TEXT: sends TEXT, prints the reply.
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode()); s.shutdown(1)
print(s.makefile().read(), end="")' "$sock" "$1"
}
same() { [ "$1" = "$2" ] || { echo "got:  $1"; echo "want: $2"; false; }; }
topo_check "malformed request: error reply" \
  same "$(raw '{"command":')" '{"ok":false,"error":"request is not valid JSON"}'
topo_check "oversized request: error reply" \
  same "$(raw "$(head -c 70000 /dev/zero | tr '\0' x)")" '{"ok":false,"error":"request larger than 65536 bytes"}'
topo_check "set on an unknown server: error reply" \
  sh -c "'$lvsnft' ctl --control-socket '$sock' set web 10.9.9.9 --weight 2 2>&1 | grep -qx 'error: service \"web\" has no real server 10.9.9.9'"
topo_check "daemon still serves after bad requests" ctl status
topo_check "uid 65534: 0600 socket refuses to connect" \
  topo_not setpriv --reuid 65534 --regid 65534 --clear-groups "$lvsnft" ctl --control-socket "$sock" status
chmod 755 "$work" "$state"; chmod 666 "$sock"
setpriv --reuid 65534 --regid 65534 --clear-groups "$lvsnft" ctl --control-socket "$sock" status >"$work/nobody.out" 2>&1
topo_check "uid 65534 on an open socket: refused by SO_PEERCRED" \
  grep -q '^error: permission denied' "$work/nobody.out"
chmod 600 "$sock"; chmod 700 "$state"

# --- SIGHUP with an invalid file: rejected, state kept -------------------
before=$(ruleset | jq -S 'del(.nftables[0])')
cp "$cfg" "$work/good.json"
printf '{\n  "version": 1,\n  "services": [ { "name": "web", "vip": "300.1.1.1" } ]\n}\n' >"$cfg"
kill -HUP "$dpid"
topo_check "invalid reload: located error logged" \
  wait_for 2 grep -q "^<3>$cfg:3:[0-9]*: error: /services/0" "$work/daemon.log"
topo_check "invalid reload: ruleset unchanged" \
  test "$before" = "$(ruleset | jq -S 'del(.nftables[0])')"
topo_check "invalid reload: RELOADING=1 then READY=1" \
  sh -c "grep -x 'RELOADING=1\|READY=1' '$work/notify.log' | tail -2 | tr '\n' ' ' | grep -qx 'RELOADING=1 READY=1 '"
topo_check "metrics: reload error counted" \
  test "$(metric 'lvsnft_config_reloads_total{result="error"}')" = 1
cp "$work/good.json" "$cfg"
topo_check "ctl reload of the fixed file: ok" ctl reload

# --- metrics ------------------------------------------------------------
metrics >"$work/metrics.txt"
topo_check "promtool check metrics passes the scrape" \
  sh -c "promtool check metrics <'$work/metrics.txt'"

# --- SIGTERM leaves the ruleset; a restart keeps the override ------------
topo_check "SIGTERM: daemon exits 0" daemon_stop
topo_check "SIGTERM: STOPPING=1 sent" grep -qx 'STOPPING=1' "$work/notify.log"
topo_check "SIGTERM: ruleset stays" has_table
readies=$(ready_count)
start_daemon
topo_check "restart: READY=1" wait_for 10 readies_over "$readies"
topo_check "restart: override survived, start changes nothing" \
  sh -c "tail -n 3 '$work/daemon.log' | grep -q 'sync (start): already in sync' && ! ip netns exec $NS nft -j list ruleset | grep -q 192.168.1.11"
daemon_stop

echo "figures: ctl set -> committed ${set_ms} ms; nft flush -> repaired ${flush_ms} ms; VIP removed -> back ${vip_ms:-n/a} ms"
[ "${TOPO_FAILS:-0}" -ne 0 ] && sed 's/^/  log: /' "$work/daemon.log"
topo_summary daemon
