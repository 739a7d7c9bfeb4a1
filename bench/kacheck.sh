#!/bin/bash
# keepalived vs lvsnft health checks, side by side in one Linux 6.1 VM run
# (QEMU TCG, one vCPU, tests/vm/vmrun.sh). Called by bench/run with BN_SRC,
# BN_BUILD, BN_OUT, BN_DIR set; writes $BN_OUT/kacheck.{tsv,md,vars}.
#
# The same checks for both: an lvsnft config (NAT, services of 10 real
# servers each: NT tcp targets on port 80, NH http targets on port 8080,
# interval 1 s, timeout 1 s, fall 3, rise 1) and the keepalived.conf
# bench/kacheck_conf.sh writes from it, checked on the host with
# `keepalived --config-test` first. The measurements run in
# bench/kacheck.vm.sh.
set -uo pipefail
. "$BN_DIR/lib.sh"
bn_suite kacheck
W=$(mktemp -d) && mkdir "$W/cfg" && trap 'rm -rf "$W"' EXIT || exit 1
if [ "${BN_SMOKE:-0}" = 1 ]; then
  NT=${BN_TCP_TARGETS:-10} NH=${BN_HTTP_TARGETS:-10} REPS=${BN_REPS:-1}
  WINDOW=${BN_WINDOW:-4} KILLS=${BN_KILLS:-1}
else
  NT=${BN_TCP_TARGETS:-30} NH=${BN_HTTP_TARGETS:-30} REPS=${BN_REPS:-3}
  WINDOW=${BN_WINDOW:-20} KILLS=${BN_KILLS:-2}
fi
IV=1
[ $((NT % 10)) = 0 ] && [ $((NH % 10)) = 0 ] && [ "$NT" -ge 10 ] && [ "$NH" -ge 10 ] &&
  [ "$NT" -le 250 ] && [ "$NH" -le 250 ] ||
  { echo "kacheck: target counts must be multiples of 10 in 10..250" >&2; exit 2; }

# config NT NH: the lvsnft side (VIPs 10.1.1.k / 10.1.2.k, targets
# 10.2.1.i:80 / 10.2.2.i:8080).
config() {
  jq -n --argjson nt "$1" --argjson nh "$2" --argjson iv "$IV" '
    def check($t): {type: $t, interval: $iv, timeout: $iv, fast_interval: $iv,
                    fall: 3, rise: 1} + (if $t == "http" then {path: "/", status: 200} else {} end);
    def svc($t; $net; $port; $k): {name: "\($t)\($k)", vip: "10.1.\($net).\($k)",
      protocol: "tcp", ports: [80], mode: "nat", scheduler: "rr", health_check: check($t),
      real_servers: [range(1; 11) | {address: "10.2.\($net).\(($k - 1) * 10 + .)", port: $port}]};
    {version: 1, director: {interface: "eth0", manage_vips: false},
     services: ([range(1; $nt / 10 + 1) | svc("tcp"; 1; 80; .)] +
                [range(1; $nh / 10 + 1) | svc("http"; 2; 8080; .)])}'
}
config "$NT" "$NH" >"$W/cfg/lvsnft.json"
"$BN_DIR/kacheck_conf.sh" "$W/cfg/lvsnft.json" >"$W/cfg/keepalived.conf" 2>>"$BN_LOG" || exit 1
"$BN_BUILD/lvsnft" validate -c "$W/cfg/lvsnft.json" >>"$BN_LOG" 2>&1 ||
  { bn_say "kacheck: lvsnft rejects the generated config"; exit 1; }
keepalived --config-test="$W/cfgtest.log" -f "$W/cfg/keepalived.conf" >>"$BN_LOG" 2>&1
ctest=$?
cat "$W/cfgtest.log" >>"$BN_LOG" 2>/dev/null
bn_rec env keepalived.config_test 0 "$ctest"
[ $ctest = 0 ] || { bn_say "kacheck: keepalived --config-test failed (see $BN_LOG)"; exit 1; }
# The listeners: every target but the two victims (10.2.1.1:80, 10.2.2.1:8080)
# in one process; each victim in its own, so it can be killed alone.
{ seq 2 "$NT" | sed 's/^/10.2.1./; s/$/:80/'; seq 2 "$NH" | sed 's/^/10.2.2./; s/$/:8080/'; } |
  paste -sd, >"$W/cfg/bulk.list"
cat >"$W/params" <<EOF
REPS=$REPS
WINDOW=$WINDOW
KILLS=$KILLS
IV=$IV
NT=$NT
NH=$NH
EOF

bn_say "kacheck: booting the VM (Linux 6.1, TCG): $NT tcp + $NH http targets, $REPS repetition(s) of ${WINDOW}s"
LVSNFT_VM_TIMEOUT=${BN_VM_TIMEOUT:-$([ "${BN_SMOKE:-0}" = 1 ] && echo 600 || echo 1800)} "$BN_SRC/tests/vm/vmrun.sh" "$BN_DIR/kacheck.vm.sh" \
  "$BN_BUILD/lvsnft" "$BN_BUILD/bench/loadgen" "$W/params" "$W/cfg" >"$W/vm.out" 2>>"$BN_LOG"
rc=$?
grep -v '^BN	' "$W/vm.out" >>"$BN_LOG"
grep '^BN	' "$W/vm.out" | cut -f2- >>"$BN_TSV"
tail -n 3 "$BN_LOG" >&2
printf 'BN_VM_RC=%s\nBN_NT=%s\nBN_NH=%s\nBN_WINDOW=%s\nBN_IV=%s\nBN_KA_VERSION="%s"\n' \
  "$rc" "$NT" "$NH" "$WINDOW" "$IV" "$(keepalived --version 2>&1 | head -n 1)" >"$BN_OUT/kacheck.vars"
(set -a && . "$BN_OUT/kacheck.vars" && bash "$BN_DIR/kacheck_report.sh" >"$BN_OUT/kacheck.md")
bn_say "kacheck: done (VM exit $rc)"
exit $rc
