# shellcheck shell=bash
# Shared by tests/package/*.test.sh: what the CLI's own --help says,
# read here with grep/sed independently of scripts/gen/cli_help.py (the
# generators' parser), so that a parser bug cannot hide itself.

# help_subcommands LVSNFT [PATH...]: the names under "Subcommands:".
help_subcommands() {
  local bin=$1
  shift
  "$bin" "$@" --help | sed -n '/^Subcommands:/,/^$/p' |
    awk 'NR > 1 && /^  [a-z]/ {print $1}'
}

# help_flags LVSNFT [PATH...]: every -x / --long name under "Options:".
help_flags() {
  local bin=$1
  shift
  "$bin" "$@" --help | sed -n '/^Options:/,/^[A-Z]/p' |
    grep -E '^  -' | awk '{print $1}' | tr ',' '\n' | grep -E '^--?[A-Za-z]'
}

# help_paths LVSNFT: every command path, one per line ("" is the root).
help_paths() {
  local bin=$1 sub subsub
  echo ""
  for sub in $(help_subcommands "$bin"); do
    echo "$sub"
    for subsub in $(help_subcommands "$bin" "$sub"); do
      echo "$sub $subsub"
    done
  done
}

# verify_units ROOT UNITDIR: `systemd-analyze verify --root=ROOT` of the
# lvsnft units in ROOT/UNITDIR prints nothing about them. It exits 0 even
# for unknown keys or bad dependencies, so its output is what counts. The
# units they refer to (nftables.service, network-online.target) and
# /bin/kill come from the host, copied into ROOT as on a real system; man
# pages are checked elsewhere (--man=no: it would ask the host's man).
verify_units() {
  local root=$1 dir=$2 out
  mkdir -p "$root/lib/systemd" "$root/bin"
  cp -r /lib/systemd/system "$root/lib/systemd/" && cp /bin/kill "$root/bin/" ||
    return 1
  out=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no \
    --root="$root" "$dir"/lvsnft*.service 2>&1) || { echo "$out"; return 1; }
  echo "$out"
  [ -z "$out" ]
}

# exec_bins UNIT...: the programs the units' Exec*= lines run, sorted.
exec_bins() {
  grep -h '^Exec' "$@" | sed 's/^[A-Za-z]*=//' | awk '{print $1}' | sort -u
}
