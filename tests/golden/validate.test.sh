#!/usr/bin/env bash
# `lvsnft validate`: exit codes, the ok line, --quiet, stdin, and the exact
# diagnostics for an invalid file.
# Usage: validate.test.sh BUILD_DIR SOURCE_DIR
. "$(dirname "$0")/cli_check.sh" "$1" "$2"

cd "$src"
check "nat example" 0 "examples/nat.json: ok (1 service, 3 real servers)" "" \
  -- "$lvsnft" validate -c examples/nat.json
check "showcase example" 0 \
  "examples/showcase.json: ok (8 services, 18 real servers)" "" \
  -- "$lvsnft" validate -c examples/showcase.json
check "--quiet prints nothing when valid" 0 "" "" \
  -- "$lvsnft" validate --quiet -c examples/dr.json
check "stdin" 0 "<stdin>: ok (1 service, 1 real server)" "" \
  -- sh -c "\"$lvsnft\" validate -c - < examples/tun.json"

cat >"$work/bad.json" <<'JSON'
{
  "version": 1,
  "director": { "interface": "eth0" },
  "services": [
    { "name": "web", "vip": "192.168.10.100", "ports": [80],
      "real_servers": [ { "address": "192.168.1.10", "weigth": 2 } ] },
    { "name": "web", "vip": "192.168.1.100", "ports": [80], "mode": "dr",
      "scheduler": "wrr",
      "real_servers": [ { "address": "192.168.1.10", "port": 8080 } ] }
  ]
}
JSON
# One run reports every problem: the parser's (an unknown key) and the
# semantic ones of the parts that parsed.
check "unknown key and every semantic error" 1 "" \
  "$work/bad.json:6:54: error: /services/0/real_servers/0/weigth: unknown key \"weigth\" (did you mean \"weight\"?)
$work/bad.json:7:15: error: /services/1/name: duplicate service name \"web\" (first used at /services/0/name)
$work/bad.json:8:20: error: /services/1/scheduler: scheduler \"wrr\" cannot be used in dr mode: dr forwards at ingress without connection tracking, so every packet must pick the same server by hash; use sh, dh or mh
$work/bad.json:9:62: error: /services/1/real_servers/0/port: port mapping is not possible in dr mode: the packet is forwarded unchanged (remove \"port\" or set it to 80)" \
  -- "$lvsnft" validate -c "$work/bad.json"
sed -i 's/weigth/weight/' "$work/bad.json"
check "every semantic error, --quiet keeps errors" 1 "" \
  "$work/bad.json:7:15: error: /services/1/name: duplicate service name \"web\" (first used at /services/0/name)
$work/bad.json:8:20: error: /services/1/scheduler: scheduler \"wrr\" cannot be used in dr mode: dr forwards at ingress without connection tracking, so every packet must pick the same server by hash; use sh, dh or mh
$work/bad.json:9:62: error: /services/1/real_servers/0/port: port mapping is not possible in dr mode: the packet is forwarded unchanged (remove \"port\" or set it to 80)" \
  -- "$lvsnft" validate -q -c "$work/bad.json"
check "health-checks example" 0 \
  "examples/health-checks.json: ok (3 services, 8 real servers)" "" \
  -- "$lvsnft" validate -c examples/health-checks.json

cat >"$work/hc.json" <<'JSON'
{
  "version": 1,
  "director": { "interface": "eth0" },
  "services": [
    { "name": "web", "vip": "192.168.10.100", "ports": [80, 443],
      "health_check": { "type": "http", "timeout": 3, "regex": "(ok" },
      "quorum": 5,
      "real_servers": [ { "address": "192.168.1.10", "weight": 2 },
        { "address": "192.168.1.11", "port": 8080,
          "health_check": { "type": "tcp", "path": "/" } } ] }
  ]
}
JSON
check "health check: every error in one run" 1 "" \
  "$work/hc.json:6:52: error: /services/0/health_check/timeout: timeout 3 s is longer than interval 2 s
$work/hc.json:6:64: error: /services/0/health_check/regex: invalid regular expression \"(ok\": unmatched '(' or ')', or a '*', '+' or '?' that repeats nothing
$work/hc.json:7:17: error: /services/0/quorum: quorum 5 is more than the weight 3 of the servers that are up: it could never be reached
$work/hc.json:8:25: error: /services/0/real_servers/0: health_check needs a port: real server 192.168.1.10 has none and the service has several ports (set \"port\" in the real server or in its health_check)
$work/hc.json:10:52: error: /services/0/real_servers/1/health_check/path: path applies only to http and https checks (this check is tcp)" \
  -- "$lvsnft" validate -c "$work/hc.json"
check "missing file" 1 "" \
  "lvsnft: cannot read $work/none.json: no such file or directory" \
  -- "$lvsnft" validate -c "$work/none.json"

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
