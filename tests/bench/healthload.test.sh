#!/bin/bash
# Smoke run of the health-check load suite (bench/run healthload --smoke:
# 300 HTTP targets every 0.5 s for the engine, on loopback and in
# namespaces; a daemon on NAT 10×3 with and without http checks), so it
# cannot rot. Checks that both tables have their rows with figures, that
# no check failed and no server went DOWN, that the checked daemon ran
# checks, that every ctl set succeeded and that no namespace is left.
#   healthload.test.sh BUILD_DIR SOURCE_DIR
export BN_P=lvbn$$l
SUITE=healthload
. "$(dirname "${BASH_SOURCE[0]}")/smoke.sh"
md=$out/healthload.md
tsv=$out/healthload.tsv
val() { awk -F'\t' -v c="$1" -v m="$2" '$1 == c && $2 == m {print $4}' "$tsv" | sort -u | tr '\n' ' '; }
check "engine rows with figures (loopback, netns)" \
  test "$(grep -cE '^\| (loopback|netns) \| 600 \| [0-9]' "$md")" = 2
check "no engine check failed" test "$(val loopback failures)$(val netns failures)" = "0 0 "
check "daemon rows with figures (idle, checked)" \
  test "$(grep -cE '^\| nat 10×3 \| [a-z].* \| [0-9]' "$md")" = 2
check "no DOWN line in either daemon" \
  test "$(val 'nat 10×3' down.idle)$(val 'nat 10×3' down.checked)" = "0 0 "
check "the checked daemon ran checks ($(val 'nat 10×3' checks_per_s.checked)/s)" \
  awk -v v="$(val 'nat 10×3' checks_per_s.checked)" 'BEGIN { exit !(v > 0) }'
check "every ctl set exited 0" grep -q '^ctl set exit statuses other than 0: 0\.$' "$md"
check "no namespace of the run is left" test -z "$(ip netns list | grep "^$BN_P-")"
cat "$md"
smoke_done
