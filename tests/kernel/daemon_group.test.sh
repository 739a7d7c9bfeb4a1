#!/usr/bin/env bash
# lvsnft daemon --control-group: the control socket becomes mode 0660 owned
# by the group (in a directory the daemon makes 0710 for that group), and
# members of the group (primary or supplementary) are served while other
# users are refused by SO_PEERCRED; an unknown group is a precise error
# (exit 1) before anything reaches the kernel. A throw-away group is made
# with groupadd and removed at exit; the clients are a throw-away uid
# (setpriv), with and without the group.
#   daemon_group.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/daemon.sh"
daemon_need setpriv groupadd
daemon_init lvdg
GROUP=lvg$$
USER_ID=$((61000 + $$ % 3000))
cfg=$src/examples/nat.json
sock=$work/ctl/control.sock
daemon_at_exit() { groupdel "$GROUP" 2>/dev/null; }

daemon_netns "$NS"
groupadd "$GROUP" || { echo "FAIL: groupadd $GROUP"; exit 1; }
gid=$(getent group "$GROUP" | cut -d: -f3)
chmod 755 "$work"
as_user() { setpriv --reuid "$USER_ID" "$@" "$lvsnft" ctl --control-socket "$sock" status; }
has_table() { ip netns exec "$NS" nft list table inet lvsnft >/dev/null 2>&1; }

# --- unknown group: precise error, exit 1, kernel untouched --------------
"$lvsnft" daemon -c "$cfg" --netns "$NS" --state-dir "$state" \
  --control-socket "$sock" --control-group "nosuch$GROUP" >"$work/unknown.out" 2>&1
rc=$?
topo_check "unknown group: exit 1" test "$rc" = 1
topo_check "unknown group: precise error" \
  grep -qx "lvsnft: daemon: --control-group: no group named \"nosuch$GROUP\"" "$work/unknown.out"
topo_check "unknown group: nothing written to the kernel" topo_not has_table

# --- a group: socket 0660 of that group ----------------------------------
daemon_start --control-socket "$sock" --control-group "$GROUP"
topo_check "daemon up (socket exists)" topo_wait_for 10 test -S "$sock"
topo_check "socket mode 0660" test "$(stat -c %a "$sock")" = 660
topo_check "socket group is $GROUP" test "$(stat -c %G "$sock")" = "$GROUP"
topo_check "socket directory 0710 of $GROUP" \
  test "$(stat -c '%a %G' "$work/ctl")" = "710 $GROUP"
topo_check "uid $USER_ID with $GROUP as a supplementary group: served" \
  as_user --regid 65534 --groups "$gid"
topo_check "uid $USER_ID with $GROUP as primary group: served" \
  as_user --regid "$gid" --clear-groups
as_user --regid 65534 --clear-groups >"$work/other.out" 2>&1
topo_check "uid $USER_ID outside $GROUP: file modes keep it out (0710 dir, 0660 socket)" \
  grep -q "Permission denied" "$work/other.out"
chmod 711 "$work/ctl"
chmod 666 "$sock"
as_user --regid 65534 --clear-groups >"$work/other.out" 2>&1
topo_check "uid $USER_ID outside $GROUP on an open socket: refused by SO_PEERCRED" \
  grep -q "^error: permission denied: only root, the daemon's user and the control group" "$work/other.out"
topo_check "refusal logged" grep -q "control: refused client uid $USER_ID" "$work/daemon.log"
topo_summary daemon_group
