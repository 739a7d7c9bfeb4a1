#!/bin/bash
# Smoke run of the control-plane benchmark suite (bench/run control
# --smoke: mixed 20×3, NAT 20×3 and 40×3, one repetition), so the suite
# cannot rot. Checks that every table has its rows with figures (the
# kernel's share, the kernel floor per object, the growth tables), that
# the goals table's verdicts follow from its medians and targets, that a
# failed command is shown as failed (a re-rendered copy with one failure),
# that every timed command succeeded and that no namespace is left.
#   control.test.sh BUILD_DIR SOURCE_DIR
export BN_P=lvbn$$c
SUITE=control
. "$(dirname "${BASH_SOURCE[0]}")/smoke.sh"
md=$out/control.md
rows() { grep -c "^| $1 | [0-9]" "$md"; }
# section TITLE: the lines of the table under the heading TITLE.
section() { awk -v t="$1" 'index($0, t) == 1 {on = 1; next} on && /^#/ {exit} on && /^\|/' "$md"; }
# col N LINE: the N-th cell of a table line (1 = first).
col() { echo "$2" | awk -F' [|] ' -v n="$1" '{sub(/^\| /, ""); sub(/ \|$/, ""); print $n}'; }
# num X: X is a number (a marginal cost from tiny smoke sizes may be < 0).
num() { [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?(e-?[0-9]+)?$ ]]; }

check "five tables each have a row with figures for mixed 20×3" test "$(rows 'mixed 20×3')" = 5
check "six tables (with the mh compile row) each have a row with figures for nat 20×3" \
  test "$(rows 'nat 20×3')" = 6
check "no empty cell (—) and no failure in the tables" test "$(grep -c '| — |\|failed' "$md")" = 0
check "every timed command exited 0" grep -q '^Every timed command exited 0' "$md"
check "the metrics of a nat config" test "$(awk -F'\t' '$1 == "nat:20:3" && $2 !~ /\./ {print $2}' \
  "$out/control.tsv" | sort | tr '\n' ' ')" = "addelem apply chains compile diff diff2 difffull elems \
incr list mhcompile nftf nftfiv overhead psc reload rules "
check "lvsnft diff finds the ruleset in sync after the one-RS change" \
  test "$(awk -F'\t' '$2 == "diff2.rc" {print $4}' "$out/control.tsv" | sort -u)" = 0

# The kernel's share: chains, elements, kernel (s), user-space (s), µs per element.
for c in 'nat 20×3' 'mixed 20×3' 'nat 40×3'; do
  l=$(section "### The kernel's share" | grep "^| $c |")
  check "$c: chains, elements, kernel, user-space and per-element figures" \
    bash -c '[[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[1-9][0-9]*$ && "$3" =~ ^[0-9.]+\  && "$4" =~ ^-?[0-9.]+\  && "$5" =~ ^[0-9.]+$ ]]' \
    _ "$(col 2 "$l")" "$(col 3 "$l")" "$(col 5 "$l")" "$(col 6 "$l")" "$(col 8 "$l")"
done
check "the kernel's share is part of the apply (kernel < apply, nat 20×3)" awk -F'\t' '
  $1 == "nat:20:3" && $2 == "apply" {a = $4} $1 == "nat:20:3" && $2 == "apply.kern" {k = $4}
  END {exit !(k > 0 && k < a)}' "$out/control.tsv"
for kind in chain 'map element'; do
  l=$(section "### The kernel's cost per object" | grep "^| $kind")
  check "kernel floor per $kind has a figure" num "$(col 6 "$l")"
done

# Growth tables: nine costs; NAT has 20 and 40 and a growth figure, mixed only 20.
check "nine growth tables" test "$(grep -c '^#### ' "$md")" = 9
check "every NAT growth row has figures at 20 and 40 services and a growth factor" \
  test "$(grep '^| nat ×3 |' "$md" | awk -F' [|] ' '$2 ~ /^[0-9.]+ (s|MiB) · [0-9.]+ (µs|KiB)\/svc$/ &&
    $3 ~ /^[0-9.]+ (s|MiB) · / && $4 ~ /^-?[0-9.]+ \|$/' | wc -l)" = 9
check "every mixed growth row has its 20 and says 'not run' for 40" \
  test "$(grep '^| mixed ×3 |' "$md" | awk -F' [|] ' '$2 ~ /^[0-9.]+ (s|MiB) · / && $3 == "not run"' | wc -l)" = 9

# Goals: each verdict is met or missed and follows from median vs target.
goals=$(section "### Goals (issue 14)" | grep -E '^\| (nat|mixed) 20×3 \|')
check "ten goal rows (eight NAT, two mixed)" test "$(echo "$goals" | wc -l)" = 10
bad=$(echo "$goals" | awk -F' [|] ' '{
  split($3, t, " "); op = t[1]; thr = t[2] + 0; sub(/×$/, "", t[2]); thr = t[2] + 0
  m = $4; sub(/[ ×].*$/, "", m); v = $6; sub(/ \|$/, "", v)
  isnum = m ~ /^[0-9.e+-]+$/; m += 0
  ok = (op == "<") ? m < thr : (op == ">") ? m > thr : m >= thr
  if (!isnum || (v != "met" && v != "**missed**") || v != (ok ? "met" : "**missed**")) print }')
check "every goal verdict is met/missed and matches its median vs target" test -z "$bad"
[ -z "$bad" ] || echo "$bad"

# A failed command is visible: the report of a copy whose nat 20×3 apply failed.
f=$out/failcopy
mkdir -p "$f" && cp "$out/control.tsv" "$out/control.vars" "$f/"
awk -F'\t' -v OFS='\t' '$1 == "nat:20:3" && $2 == "apply.rc" {$4 = 1} 1' "$out/control.tsv" >"$f/control.tsv"
(set -a && . "$f/control.vars" && BN_DIR=$src/bench BN_OUT=$f bash "$src/bench/control_report.sh" >"$f/control.md")
check "a failed apply shows as failed in its fresh-apply cells" \
  grep -q '^| nat 20×3 | \*\*failed\*\* | \*\*failed\*\* | [0-9].* | \*\*failed\*\* |' "$f/control.md"
check "... and fails its goal rows instead of a verdict" \
  test "$(grep -c '^| nat 20×3 | fresh apply.*| \*\*failed\*\* |$' "$f/control.md")" = 3
check "... and is listed under the commands that exited non-zero" \
  grep -q '^\*\*Commands that exited non-zero.*nat 20×3: .*apply' "$f/control.md"
check "no namespace of the run is left" test -z "$(ip netns list | grep "^$BN_P-")"
smoke_done
