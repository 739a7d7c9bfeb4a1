#!/usr/bin/env bash
# The command-line conventions: exit codes (0 ok, 1 failure, 2 pending,
# 64 usage), did-you-mean for mistyped commands, --output text|json on
# every command that prints results (old spellings kept as hidden
# aliases), warnings and --strict, and README.md's command table against
# `lvsnft --help`. No root: only validate, compile, offline diff and
# option errors are run.
# Usage: cli.test.sh BUILD_DIR SOURCE_DIR
. "$(dirname "$0")/cli_check.sh" "$1" "$2"

cd "$src"

# --- usage errors: 64, with did-you-mean for commands ---
check "mistyped command" 64 "" \
  "lvsnft: unknown command 'valdate'; did you mean 'validate'?" \
  -- "$lvsnft" valdate -c examples/nat.json
check "mistyped ctl command" 64 "" \
  "lvsnft: unknown command 'stauts'; did you mean 'status'?" \
  -- "$lvsnft" ctl --control-socket /nonexistent stauts
check "nothing close" 64 "" \
  "lvsnft: unknown command 'frobnicate'; commands: validate compile apply diff status connections destroy rs-setup daemon ctl" \
  -- "$lvsnft" frobnicate
check_rc "no command" 64 -- "$lvsnft"
check_rc "unknown option" 64 -- "$lvsnft" validate -c examples/nat.json --bogus
check_rc "missing required option" 64 -- "$lvsnft" validate
check_rc "bad --output value" 64 -- "$lvsnft" validate -c examples/nat.json --output yaml
check "diff with neither form" 64 "" \
  "lvsnft: diff: use either -c FILE (live kernel) or OLD.json NEW.json" \
  -- "$lvsnft" diff
check "rs-setup without --config" 64 "" \
  "lvsnft: rs-setup: --config is required (except with --undo)" \
  -- "$lvsnft" rs-setup
check "rs-setup with a bad --self" 64 "" \
  "lvsnft: rs-setup: invalid --self address \"nope\"" \
  -- "$lvsnft" rs-setup -c examples/dr.json --self nope
check_rc "--help" 0 -- "$lvsnft" --help
check_rc "--version" 0 -- "$lvsnft" --version
# The version has one source, CMakeLists.txt's project(); --version and
# the .deb (CPack) both take it from there.
want=$(sed -nE 's/^project\(lvsnft VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
if [ -n "$want" ] && [ "$("$lvsnft" --version)" = "lvsnft $want" ]; then
  echo "ok: --version prints the project version ($want)"
else
  echo "FAIL: --version prints '$("$lvsnft" --version)', CMakeLists.txt says '$want'"
  failures=$((failures + 1))
fi

# --- the exit code table is in --help ---
"$lvsnft" --help >"$work/help"
for line in "  0   success; diff and rs-setup --check: in sync" \
            "  1   invalid config or failed operation (nothing half-changed)" \
            "  2   diff and rs-setup --check: changes pending" \
            "  64  usage error (unknown command or option, bad option value)"; do
  if grep -qxF -- "$line" "$work/help"; then
    echo "ok: --help lists \"$line\""
  else
    echo "FAIL: --help lacks \"$line\""
    failures=$((failures + 1))
  fi
done

# --- --output on every command that prints results; old spellings hidden ---
for cmd in validate apply diff status rs-setup ctl; do
  if "$lvsnft" "$cmd" --help | grep -qE -- '--output TEXT:\{text,json\}'; then
    echo "ok: $cmd --help has --output text|json"
  else
    echo "FAIL: $cmd --help lacks --output text|json"
    failures=$((failures + 1))
  fi
done
for hidden in "apply --json" "rs-setup --state"; do
  set -- $hidden
  if "$lvsnft" "$1" --help | grep -qE -- "(^| |,)$2( |$)"; then
    echo "FAIL: $1 --help shows the deprecated $2"
    failures=$((failures + 1))
  else
    echo "ok: $1 --help hides the deprecated $2"
  fi
done
if "$lvsnft" rs-setup --help | grep -qF -- "--state-dir"; then
  echo "ok: rs-setup takes --state-dir"
else
  echo "FAIL: rs-setup lacks --state-dir"
  failures=$((failures + 1))
fi
check_rc "apply --json still parses" 1 \
  -- "$lvsnft" apply --json -c "$work/none.json"

# --- warnings, --strict and JSON output ---
cat >"$work/warn.json" <<'JSON'
{
  "$schema": "../schema/lvsnft-config.schema.json",
  "comment": "a web front",
  "version": 1,
  "director": { "interface": "eth0" },
  "services": [
    { "name": "web", "vip": "10.0.0.1", "ports": [80], "scheduler": "sh",
      "persistence": { "timeout": 60 },
      "real_servers": [ { "address": "10.1.0.1", "state": "down" } ] }
  ]
}
JSON
w1="$work/warn.json:7:5: warning: /services/0: no real server of service \"web\" takes new connections (each one is down, drain or weight 0): they are dropped"
w2="$work/warn.json:8:22: warning: /services/0/persistence: persistence is redundant with the sh scheduler, which already sends each client address to the same real server"
check "warnings are located, the config stays valid" 0 \
  "$work/warn.json: ok (1 service, 1 real server)" "$w1
$w2" \
  -- "$lvsnft" validate -c "$work/warn.json"
check "--strict makes them errors" 1 "" "${w1/warning:/error:}
${w2/warning:/error:}" \
  -- "$lvsnft" validate --strict -c "$work/warn.json"
check_rc "compile --strict" 1 -- "$lvsnft" compile --strict -c "$work/warn.json"
check_rc "compile warns but compiles" 0 -- "$lvsnft" compile -c "$work/warn.json"
q() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
check "validate --output json carries warnings" 0 "{
  \"file\": \"$work/warn.json\",
  \"valid\": true,
  \"services\": 1,
  \"real_servers\": 1,
  \"errors\": [],
  \"warnings\": [
    $(q "$w1"),
    $(q "$w2")
  ]
}" "" -- "$lvsnft" validate --output json -c "$work/warn.json"
check "validate --output json --strict" 1 "{
  \"file\": \"$work/warn.json\",
  \"valid\": false,
  \"services\": 0,
  \"real_servers\": 0,
  \"errors\": [
    $(q "${w1/warning:/error:}"),
    $(q "${w2/warning:/error:}")
  ],
  \"warnings\": []
}" "" -- "$lvsnft" validate --output json --strict -c "$work/warn.json"
"$lvsnft" diff --output json examples/nat.json "$work/warn.json" \
  >"$work/diff.json" 2>"$work/diff.err"
rc=$?
if [ "$rc" = 2 ] &&
   python3 - "$work/diff.json" "$w1" "$w2" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if j["warnings"] == sys.argv[2:] and not j["in_sync"] else 1)
PY
then
  echo "ok: offline diff --output json: exit 2, warnings carried"
else
  echo "FAIL: offline diff --output json (rc $rc): $(cat "$work/diff.json")"
  failures=$((failures + 1))
fi
check_rc "diff --strict" 1 -- "$lvsnft" diff --strict examples/nat.json "$work/warn.json"
check_rc "diff in sync" 0 -- "$lvsnft" diff examples/nat.json examples/nat.json

# --- README's command table names exactly the commands of --help ---
help_cmds=$(awk '/^(SUBCOMMANDS|Subcommands):/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on=0}' \
  "$work/help" | sort -u)
readme_cmds=$(sed -n 's/^| `lvsnft \([a-z-]*\).*/\1/p' README.md | sort -u)
if [ -n "$help_cmds" ] && [ "$help_cmds" = "$readme_cmds" ]; then
  echo "ok: README command table matches --help ($(echo $help_cmds))"
else
  echo "FAIL: README command table differs from --help"
  diff <(echo "$help_cmds") <(echo "$readme_cmds")
  failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
