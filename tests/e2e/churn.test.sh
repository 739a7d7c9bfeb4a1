#!/usr/bin/env bash
# Change under load, NAT and DR: while a client keeps a steady stream of new
# TCP connections (lvsnft_echo client --stream, 8 workers, each connection
# held 20 ms after its greeting and then asked once more, so that
# established connections exist whenever a change lands) and holds 20
# long-lived ones, lvsnft apply re-applies 100 configuration changes: rs1's
# weight, rs2/rs3 added, removed, drained, re-weighted; rs1 always stays up.
# The long connections are opened while rs1 is the only server.
# Expected: every apply succeeds; zero failed stream connections, zero
# resets; zero broken long connections; the stream reached more than one
# server (the changes took effect); the final diff is in sync.
#
# DR removes a server only after it has been drained for at least two
# steps (about 100 ms, longer than any stream connection lives): DR has no
# conntrack, and a server's established flows end when it is removed (its
# flow-table entries point to a target that no longer exists). That is
# checked on its own in drain.test.sh; NAT (conntrack) removes servers at
# any time. The sequences are pseudo-random with a fixed seed.
#   churn.test.sh BUILD_DIR SOURCE_DIR      (root)
. "$2/tests/e2e/lib.sh" "$1" "$2"
STEPS=${E2E_CHURN_STEPS:-100}

# next_state STATE AGE SAFE: sets NEXT to the next state of rs2/rs3 ("-"
# absent, a weight, or "drain"), chosen at random (no subshell, so that
# the RANDOM sequence is one). SAFE=1 (DR) removes a server only after it
# has been drained for 2 steps or more (see the header).
next_state() {
  local r=$((RANDOM % 6)) w=$((RANDOM % 5 + 1))
  NEXT=$w
  case $1 in
    -) [ $r -lt 3 ] && NEXT=- ;;
    drain)
      if [ $r -lt 2 ] && { [ "$3" = 0 ] || [ "$2" -ge 2 ]; }; then NEXT=-
      elif [ $r -lt 4 ]; then NEXT=drain; fi ;;
    *)
      if [ $r -lt 1 ] && [ "$3" = 0 ]; then NEXT=-
      elif [ $r -lt 2 ]; then NEXT=drain; fi ;;
  esac
}

# steps SAFE: STEPS lines of servers ("ADDR=WEIGHT[=drain] ..."), rs1
# always up, each line different from the one before; counts into
# ADDED/REMOVED/DRAINED.
steps() {
  local addr=(192.168.1.11 192.168.1.12) st=(- -) age=(0 0) new i j sig prev=""
  ADDED=0 REMOVED=0 DRAINED=0 STEP_LINES=()
  RANDOM=4242
  for i in $(seq "$STEPS"); do
    while :; do
      sig="192.168.1.10=$((RANDOM % 5 + 1))" new=()
      for j in 0 1; do
        next_state "${st[j]}" "${age[j]}" "$1"
        new+=("$NEXT")
        case $NEXT in
          -) ;;
          drain) sig+=" ${addr[j]}=1=drain" ;;
          *) sig+=" ${addr[j]}=$NEXT" ;;
        esac
      done
      [ "$sig" != "$prev" ] && break
    done
    for j in 0 1; do
      [ "${st[j]}" = - ] && [ "${new[j]}" != - ] && ADDED=$((ADDED + 1))
      [ "${st[j]}" != - ] && [ "${new[j]}" = - ] && REMOVED=$((REMOVED + 1))
      [ "${st[j]}" != drain ] && [ "${new[j]}" = drain ] && DRAINED=$((DRAINED + 1))
      if [ "${new[j]}" = drain ] && [ "${st[j]}" = drain ]; then
        age[j]=$((age[j] + 1))
      else
        age[j]=0
      fi
      st[j]=${new[j]}
    done
    prev=$sig
    STEP_LINES+=("$sig")
  done
}

# configs MODE VIP SCHED DIR SAFE: $DIR/0.json (rs1 only) .. $DIR/N.json
# (N = STEPS), from steps, with one jq run.
configs() {
  local mode=$1 vip=$2 sched=$3 dir=$4 i=0 line
  steps "$5"
  while IFS= read -r line; do
    printf '%s\n' "$line" >"$dir/$i.json"
    i=$((i + 1))
  done < <(jq -nc --arg m "$mode" --arg v "$vip" --arg s "$sched" '
    ["192.168.1.10=1"] + $ARGS.positional | .[] | split(" ")
    | {version: 1, director: {interface: "eth0"},
       services: [{name: "web", vip: $v, protocol: "tcp", ports: [80],
         mode: $m, scheduler: $s,
         real_servers: map(split("=") | {address: .[0], weight: (.[1] | tonumber)}
           + (if .[2] then {state: .[2]} else {} end))}]}' --args "${STEP_LINES[@]}")
}

# churn: applies 1..STEPS into $P-dir; prints "failures total_ms".
churn() {
  local i bad=0 t0=${EPOCHREALTIME/./}
  for i in $(seq "$STEPS"); do
    e2e_apply "$P" dir "$1/$i.json" >/dev/null || bad=$((bad + 1))
  done
  echo "$bad $(((${EPOCHREALTIME/./} - t0) / 1000))"
}

# stream_ok JSON: some traffic, no failure at all, more than one server.
stream_ok() {
  echo "$1"
  [ "$(jf "$1" .total)" -gt 200 ] && [ "$(jf "$1" .failed)" = 0 ] &&
    [ "$(jf "$1" .resets)" = 0 ] && [ "$(jf "$1" '.rs | length')" -gt 1 ]
}

# long_ok JSON: 20 opened, none broken.
long_ok() {
  echo "$1"
  [ "$(jf "$1" .opened)" = 20 ] && [ "$(jf "$1" .broken)" = 0 ]
}

# scenario MODE TOPOLOGY VIP SCHED
scenario() {
  local mode=$1 topo=$2 vip=$3 sched=$4 dir=$E2E_WORK/$1 st long r
  mkdir -p "$dir"
  local safe=0
  [ "$mode" = dr ] && safe=1
  configs "$mode" "$vip" "$sched" "$dir" $safe
  e2e_cfg "$dir/all.json" '{"interface": "eth0"}' \
    "$(e2e_svc web "$mode" tcp "$vip" 80 - "$sched" 192.168.1.10=1 192.168.1.11=1 192.168.1.12=1)"
  e2e_check "$mode: $topo topology" e2e_topo "$topo" || return 1
  local spec="--tcp RSIP:80"
  [ "$mode" = dr ] && spec="--tcp $vip:80"
  e2e_check "$mode: lvsnft apply (rs1 only), servers up" \
    e2e_up "$P" "$mode" "$dir/0.json" "$spec" --hold "$dir/all.json" || return 1
  e2e_spawn_client "$P" long --tcp "$vip:80" --long 20 --duration 600 --source-ports 40000-40019
  sleep 0.5
  e2e_spawn_client "$P" st --tcp "$vip:80" --stream 600 --parallel 8 --hold-ms 20
  sleep 0.3
  r=$(churn "$dir")
  sleep 0.3
  e2e_collect st stop
  e2e_collect long stop
  e2e_check "$mode: $STEPS applies under load all succeed" test "${r% *}" = 0 &&
    e2e_info "$STEPS applies in ${r#* } ms ($((${r#* } / STEPS)) ms each); rs2/rs3: $ADDED added, $REMOVED removed, $DRAINED drained"
  e2e_check "$mode: stream of new connections: zero failed, zero resets" stream_ok "$st" &&
    e2e_info "stream: $(jf "$st" .total) connections, $(jf "$st" .failed) failed, $(jf "$st" .resets) resets, per server $(jf "$st" .rs)"
  e2e_check "$mode: 20 long connections on rs1: none broken" long_ok "$long" &&
    e2e_info "long: $(jf "$long" .exchanges) exchanges, $(jf "$long" .broken) broken"
  e2e_check "$mode: lvsnft diff: in sync with the last config" \
    e2e_lv diff "$P" dir -c "$dir/$STEPS.json"
  topo_destroy "$P"
}

scenario nat nat 192.168.10.100 wrr
scenario dr dr 192.168.1.100 mh
e2e_done churn
