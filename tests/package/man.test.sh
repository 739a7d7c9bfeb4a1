#!/usr/bin/env bash
# The generated man pages (build/man, made by the build from `--help` and
# the JSON Schema): both render with man and groff without a warning;
# every subcommand and every flag that `lvsnft ... --help` lists appears
# in lvsnft.8, every property of the schema in lvsnft.json.5; and the
# generators pick up what they have never seen (a new flag in --help, a
# new nested object in the schema) with no change of their own.
#   man.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
lvsnft=$build/lvsnft
. "$src/tests/lib/topo.sh"
. "$src/tests/package/lib.sh"
command -v groff >/dev/null && command -v man >/dev/null ||
  { echo "skip: groff or man missing"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
man8=$build/man/lvsnft.8 man5=$build/man/lvsnft.json.5

renders() {
  MANWIDTH=80 man -l "$1" >"$work/rendered" 2>"$work/man.err" &&
    [ ! -s "$work/man.err" ] && [ "$(wc -l <"$work/rendered")" -gt 20 ]
}
groff_quiet() {
  groff -ww -z -man "$1" 2>&1 | tee "$work/groff.err"
  [ ! -s "$work/groff.err" ]
}
for page in "$man8" "$man5"; do
  topo_check "$(basename "$page"): man -l renders, nothing on stderr" renders "$page"
  topo_check "$(basename "$page"): groff -ww -z -man: no warning" groff_quiet "$page"
  topo_check "$(basename "$page").gz is the same page" \
    cmp <(gzip -dc "$page.gz") "$page"
done

# Rendered text of lvsnft.8, one space between words.
MANWIDTH=200 man -l "$man8" 2>/dev/null | col -bx | tr -s ' ' >"$work/l8.txt"
# Every command path is a subsection heading, every flag of it appears.
missing_in_man8() {
  local path bad=0 flag
  while IFS= read -r path; do
    if [ -n "$path" ] && ! grep -qx " *$path" "$work/l8.txt"; then
      echo "no subsection for: $path"; bad=1
    fi
    for flag in $(help_flags "$lvsnft" $path); do
      grep -qE -- "(^|[ ,])$flag([ ,]|$)" "$work/l8.txt" ||
        { echo "flag missing: lvsnft $path $flag"; bad=1; }
    done
  done < <(help_paths "$lvsnft")
  return $bad
}
topo_check "lvsnft.8 has every command path and flag of --help" missing_in_man8
topo_check "lvsnft.8 has more than 10 commands (the walk found them)" \
  test "$(help_paths "$lvsnft" | wc -l)" -gt 10
topo_check "lvsnft.8 has an EXIT STATUS section" grep -qx "EXIT STATUS" "$work/l8.txt"

# Every property name anywhere in the schema is an entry of lvsnft.json.5.
MANWIDTH=200 man -l "$man5" 2>/dev/null | col -bx >"$work/l5.txt"
missing_in_man5() {
  local key bad=0
  for key in $(jq -r '.. | objects | .properties? // empty | keys[]' \
    "$src/schema/lvsnft-config.schema.json" | sort -u); do
    # Keys are matched literally: "$schema" starts with a regex anchor.
    local re; re=$(printf '%s' "$key" | sed 's/[][\.*^$]/\\&/g')
    grep -qE "^ +$re( |$)" "$work/l5.txt" || { echo "key missing: $key"; bad=1; }
  done
  return $bad
}
topo_check "lvsnft.json.5 has every schema property" missing_in_man5
topo_check "lvsnft.json.5 names a nested path (services[].real_servers[])" \
  grep -q "services\[\]\.real_servers\[\]" "$work/l5.txt"

# A schema with a key the generator has never seen: a nested object.
jq '.["$defs"].service.properties.probe_x = {"type": "object",
      "description": "A new object.", "properties": {"every_x":
      {"type": "integer", "minimum": 1, "default": 5,
       "description": "Seconds between probes."}}}' \
  "$src/schema/lvsnft-config.schema.json" >"$work/schema.json"
python3 "$src/scripts/gen/json_man.py" "$work/schema.json" 9.9 "$work/new.5"
topo_check "a new schema object and its key appear in lvsnft.json.5" \
  grep -q 'services\[\]\.probe_x' <(man -l "$work/new.5" 2>/dev/null | col -bx)
topo_check "... with its default and description" \
  grep -qE 'integer 1\.\.; default 5; optional\. Seconds between probes' \
  <(MANWIDTH=200 man -l "$work/new.5" 2>/dev/null | col -bx)

# A binary whose validate --help has a flag the generator has never seen,
# and whose top-level --help ends with an exit-code footer.
cat >"$work/lvsnft" <<SH
#!/bin/sh
if [ "\$*" = "--help" ]; then
  "$lvsnft" --help
  printf '\nExit codes:\n  0   success\n  77  made-up code for this test\n'
  exit 0
fi
"$lvsnft" "\$@" | sed '/^  -q,--quiet/a\\
  --brand-new-x TEXT:{a,b}=a  A flag added later'
SH
chmod +x "$work/lvsnft"
python3 "$src/scripts/gen/cli_man.py" "$work/lvsnft" 9.9 "$work/new.8"
MANWIDTH=200 man -l "$work/new.8" 2>/dev/null | col -bx | tr -s ' ' >"$work/new8.txt"
topo_check "a new flag appears in lvsnft.8 with its choices and default" \
  grep -qE -- '--brand-new-x TEXT.*A flag added later\. One of: a, b\. Default: a\.' \
  <(tr '\n' ' ' <"$work/new8.txt")
topo_check "the --help footer's exit codes are the EXIT STATUS section" \
  grep -qx ' *77 made-up code for this test' \
  <(sed -n '/^EXIT STATUS/,/^FILES/p' "$work/new8.txt")
topo_summary man
