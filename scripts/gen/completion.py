#!/usr/bin/env python3
"""Writes the bash completion of lvsnft from the binary's `--help` output.

    completion.py LVSNFT_BINARY OUT

The script knows, per command path ("", "diff", "ctl set", ...), the
subcommands, the options, which options take a value and what that value
is: a choice list (from CLI11's `TEXT:{a,b}`), a file (config, output,
state and socket options), a directory (--state-dir), a network namespace
(--netns), or nothing to complete. Positionals described as .json files
complete file names. Everything comes from cli_help, like lvsnft(8).
"""

import sys

import cli_help

HEAD = """\
# bash completion for lvsnft. Generated from `lvsnft COMMAND --help` by
# scripts/gen/completion.py at build time; do not edit.

# _lvsnft_spec PATH: sets subs, opts, valued and files for a command path.
_lvsnft_spec() {
  subs='' opts='' valued='' files=0
  case "$1" in
"""

MIDDLE = """\
  esac
}

# _lvsnft_value 'PATH OPTION': what the option's value is (w:WORDS, f, d, n).
_lvsnft_value() {
  case "$1" in
"""

TAIL = """\
  esac
}

_lvsnft() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev='' path='' w i skip=0
  local subs opts valued files kind
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    _lvsnft_spec "$path"
    if [[ " $valued " == *" $w "* ]]; then
      skip=1
    elif [[ " $subs " == *" $w "* ]]; then
      path=${path:+$path }$w
    fi
  done
  _lvsnft_spec "$path"
  COMPREPLY=()
  if ((skip)); then
    kind=$(_lvsnft_value "${path:+$path }$prev")
    case "$kind" in
      w:*) mapfile -t COMPREPLY < <(compgen -W "${kind#w:}" -- "$cur") ;;
      f) compopt -o filenames 2>/dev/null
         mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
      d) compopt -o filenames 2>/dev/null
         mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
      n) mapfile -t COMPREPLY < <(compgen -W "$(ls /run/netns 2>/dev/null)" -- "$cur") ;;
    esac
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
  elif [[ -n $subs ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
  elif ((files)); then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
  return 0
}
complete -F _lvsnft lvsnft
"""

def value_kind(option):
    """w:WORDS, f (file), d (directory), n (netns) or '' for a value."""
    name = option["names"][-1]
    if option["choices"]:
        return "w:" + " ".join(option["choices"])
    if name == "--netns":
        return "n"
    if name.endswith("-dir"):
        return "d"
    if "file" in option["desc"].lower() or name.endswith(
            ("config", "output", "socket")):
        return "f"
    return ""


def spec_case(cmd):
    """One case arm of _lvsnft_spec."""
    opts = [n for o in cmd["options"] for n in o["names"]]
    valued = [n for o in cmd["options"] if o["value"] for n in o["names"]]
    subs = [s["path"][-1] for s in cmd["subcommands"]]
    files = any(".json" in p["desc"] or "file" in p["desc"].lower()
                for p in cmd["positionals"])
    return "    '%s') subs='%s' opts='%s' valued='%s' files=%d ;;" % (
        " ".join(cmd["path"]), " ".join(subs), " ".join(opts),
        " ".join(valued), files)


def value_cases(cmd):
    """The _lvsnft_value arms of one command's value-taking options."""
    arms = []
    for option in cmd["options"]:
        kind = value_kind(option) if option["value"] else ""
        if not kind:
            continue
        keys = "|".join("'%s'" % " ".join(cmd["path"] + [n])
                        for n in option["names"])
        arms.append("    %s) echo '%s' ;;" % (keys, kind))
    return arms


def script(root):
    commands = list(cli_help.walk(root))
    spec = [spec_case(c) for c in commands]
    values = [arm for c in commands for arm in value_cases(c)]
    return HEAD + "\n".join(spec) + "\n" + MIDDLE + "\n".join(values) + \
        "\n" + TAIL


def main():
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(script(cli_help.load(sys.argv[1])))


if __name__ == "__main__":
    main()
