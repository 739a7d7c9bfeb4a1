#!/bin/bash
# Writes the keepalived.conf (keepalived 2.2.x) that runs the same health
# checks as an lvsnft config, for the side-by-side run of bench/kacheck.sh.
#
#   bench/kacheck_conf.sh LVSNFT.json > keepalived.conf
#
# One virtual_server per service (its first port; nat/dr/tun -> lb_kind
# NAT/DR/TUN, the scheduler by name), one real_server per real server, and
# per server the check lvsnft resolves for it (the server's health_check
# merged field by field over the service's, lvsnft's defaults):
#   tcp -> TCP_CHECK, http -> HTTP_GET (url path, status_code);
#   interval -> delay_loop, timeout -> connect_timeout, fall -> retry
#   fall - 1 (keepalived marks a server down after 1 + retry failed checks),
#   fast_interval -> delay_before_retry, initial_state down -> alpha,
#   check address/port -> connect_ip/connect_port.
# keepalived has no rise: a server is up again after one good check, so a
# rise other than 1 is reported on stderr (the two then differ there).
# Other check types, fullnat and port ranges are refused (exit 1): this is
# a benchmark tool, not a converter.
set -euo pipefail
[ $# = 1 ] && [ -f "$1" ] || { echo "usage: kacheck_conf.sh LVSNFT.json" >&2; exit 2; }

jq -r '
  def fail(m): error("kacheck_conf: " + m);
  def num: tostring;
  # The check of one server: the service check, then the override.
  def merged($svc; $rs):
    ($svc.health_check // {}) as $s | ($rs.health_check // {}) as $o |
    if ($o.type // $s.type) == null then null
    elif ($o.type != null and $s.type != null and $o.type != $s.type) then
      ($s | {interval, timeout, fast_interval, rise, fall, initial_state,
             address, port} | with_entries(select(.value != null))) + $o
    else $s + $o end;
  def status_codes: if type == "array" then map(tostring) | join(" ")
    else tostring end;
  def checker($svc; $rs):
    merged($svc; $rs) as $c |
    if $c == null then empty else
    ($c.interval // 2) as $iv |
    ([$iv, 5] | min) as $dto | ([$iv, 1] | min) as $dfast |
    (if $c.type == "tcp" then "TCP_CHECK"
     elif $c.type == "http" then "HTTP_GET"
     else fail("check type \($c.type) is not supported") end) as $kind |
    "        \($kind) {",
    (if $c.type == "http" then
      "            url {",
      "                path \($c.path // "/")",
      "                status_code \(($c.status // "200-399") | status_codes)",
      "            }" else empty end),
    (if $c.address then "            connect_ip \($c.address)" else empty end),
    (if $c.port then "            connect_port \($c.port)" else empty end),
    "            delay_loop \($iv | num)",
    "            connect_timeout \(($c.timeout // $dto) | num)",
    "            retry \((($c.fall // 3) - 1) | num)",
    "            delay_before_retry \(($c.fast_interval // $dfast) | num)",
    (if ($c.initial_state // "up") == "down" then "            alpha" else empty end),
    "        }" end;
  .services[] | . as $svc |
  (if .mode == "fullnat" then fail("fullnat has no keepalived form") else . end) |
  (.ports[0] | if type != "number" then fail("port ranges are not supported") else . end) as $port |
  "virtual_server \(.vip) \($port) {",
  "    lb_algo \(.scheduler // "wrr")",
  "    lb_kind \((.mode // "nat") | ascii_upcase)",
  "    protocol \((.protocol // "tcp") | ascii_upcase)",
  (.real_servers[] | . as $rs |
    "    real_server \(.address) \(.port // $port) {",
    "        weight \(.weight // 1)",
    checker($svc; $rs),
    "    }"),
  "}"' "$1"

# keepalived has no rise: say so when the config asks for another.
jq -r '[.services[] | (.health_check // empty | .rise // 2),
    (.real_servers[].health_check // empty | .rise // empty)]
  | map(select(. != 1)) | unique | .[] |
  "kacheck_conf: rise \(.) has no keepalived form (keepalived: up after one good check)"' \
  "$1" >&2
