#!/usr/bin/env bash
# The generated bash completion (build/completion/lvsnft), exercised the
# way bash calls it: in a bash subshell that sources it, sets COMP_WORDS /
# COMP_CWORD and calls _lvsnft, then COMPREPLY is compared with what
# `lvsnft ... --help` lists (read by tests/package/lib.sh, not by the
# generator): every subcommand at each level, every flag per command, file
# names after -c/--config, choices after --format/--output, nothing after
# a flag whose value is free text.
#   completion.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
lvsnft=$build/lvsnft
. "$src/tests/lib/topo.sh"
. "$src/tests/package/lib.sh"
script=$build/completion/lvsnft
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cfgdir"
touch "$work/cfgdir/nat.json" "$work/cfgdir/dr.json" "$work/cfgdir/other.txt"

# complete WORD...: COMPREPLY, sorted, one per line, for the command line
# "lvsnft WORD..." with the cursor on the last word.
complete_words() {
  bash -c '
    source "$1" || exit 1
    shift
    COMP_WORDS=(lvsnft "$@")
    COMP_CWORD=$(($# ))
    COMP_LINE="lvsnft $*"
    _lvsnft || exit 1
    printf "%s\n" "${COMPREPLY[@]}"' _ "$script" "$@" | sed '/^$/d' | sort
}
same() { diff <(echo "$1" | sed '/^$/d' | sort) <(echo "$2" | sed '/^$/d' | sort); }

topo_check "bash -n accepts the script" bash -n "$script"
topo_check "complete -p lvsnft is registered by sourcing" \
  bash -c "source '$script' && complete -p lvsnft | grep -q -- '-F _lvsnft'"

every_level() {
  local path bad=0 subs
  while IFS= read -r path; do
    # Subcommands offered for an empty word are exactly --help's (a
    # command without subcommands may offer file names instead).
    subs=$(help_subcommands "$lvsnft" $path)
    if [ -n "$subs" ]; then
      same "$(complete_words $path '')" "$subs" ||
        { echo "subcommands differ at '$path'"; bad=1; }
    fi
    # Flags offered for "-" are exactly --help's.
    same "$(complete_words $path -)" "$(help_flags "$lvsnft" $path)" ||
      { echo "flags differ at '$path'"; bad=1; }
  done < <(help_paths "$lvsnft")
  return $bad
}
topo_check "every level: subcommands and flags equal --help's" every_level
topo_check "lvsnft val -> validate" same "$(complete_words val)" validate
topo_check "lvsnft ctl s -> set, status" same "$(complete_words ctl s)" "set
status"
topo_check "flags complete after an option with a value" \
  same "$(complete_words apply -c x.json --dry)" "--dry-run"
topo_check "validate -c DIR/ completes files" \
  same "$(complete_words validate -c "$work/cfgdir/")" \
  "$(printf '%s\n' "$work/cfgdir/dr.json" "$work/cfgdir/nat.json" "$work/cfgdir/other.txt")"
topo_check "apply --config DIR/n completes files" \
  same "$(complete_words apply --config "$work/cfgdir/n")" "$work/cfgdir/nat.json"
topo_check "diff OLD NEW positionals complete files" \
  same "$(complete_words diff "$work/cfgdir/d")" "$work/cfgdir/dr.json"
topo_check "compile --format -> nft, json" \
  same "$(complete_words compile --format '')" "json
nft"
topo_check "diff --output j -> json" same "$(complete_words diff --output j)" json
topo_check "apply --state-dir completes directories only" \
  same "$(complete_words apply --state-dir "$work/")" "$work/cfgdir"
topo_check "ctl set --weight: free text, nothing offered" \
  same "$(complete_words ctl set --weight '')" ""
topo_summary completion
