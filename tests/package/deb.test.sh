#!/usr/bin/env bash
# `cpack -G DEB` builds lvsnft_<version>_<arch>.deb, checked as a user of
# the package would meet it:
#  - control (dpkg-deb -I): name, version, Section net, Maintainer, and a
#    Depends naming the package of every shared library the binary needs
#    (each NEEDED soname found with dpkg -S on this system), no maintainer
#    script (so nothing enables or starts a unit), conffile
#    /etc/lvsnft/lvsnft.json;
#  - contents (dpkg-deb -c): binary, units in /lib/systemd/system,
#    schema, man pages, completion, copyright, no test program;
#  - lintian, when installed: no error (warnings and infos are printed);
#  - Depends resolve on this system: `apt-get install --simulate ./DEB`;
#  - installed into a throw-away root: `dpkg --root` would need a whole
#    base system in that root (dpkg's database, the libraries and the
#    shell its scripts run), so the package is unpacked with `dpkg-deb -x`
#    (what dpkg does with the files; there are no maintainer scripts to
#    run) and the unpacked binary runs against this host's libraries, the
#    ones apt just showed satisfy Depends: `lvsnft --version`, `validate`
#    of the shipped config and examples, and `systemd-analyze verify` of
#    the unpacked units, which must name /usr/sbin/lvsnft.
#   deb.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/topo.sh"
. "$src/tests/package/lib.sh"
command -v cpack >/dev/null && command -v dpkg-deb >/dev/null ||
  { echo "skip: cpack or dpkg-deb missing"; exit 77; }
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
version=$("$build/lvsnft" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
deb=$work/lvsnft_${version}_${arch}.deb

cpack_deb() {
  cpack -G DEB -B "$work" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log"; return 1; }
}
topo_check "cpack -G DEB makes $(basename "$deb")" cpack_deb
topo_check "... and the file exists" test -s "$deb"
[ -s "$deb" ] || { topo_summary deb; exit 1; }
dpkg-deb -I "$deb" >"$work/info"
dpkg-deb -f "$deb" >"$work/control"
field() { dpkg-deb -f "$deb" "$1"; }
topo_check "control: Package lvsnft, Version $version, Section net" \
  test "$(field Package) $(field Version) $(field Section)" = "lvsnft $version net"
has_fields() { [ -n "$(field Maintainer)" ] && [ -n "$(field Description)" ]; }
topo_check "control: Maintainer and Description set" has_fields
# The package owning the file the loader picks for each NEEDED soname.
depends_cover_needed() {
  local deps lib path pkg bad=0
  deps=$(field Depends | tr ',' '\n' | awk '{print $1}')
  for lib in $(objdump -p "$build/lvsnft" | awk '$1 == "NEEDED" {print $2}'); do
    # ldd names the loader by its path alone ("/lib64/ld-linux-x86-64.so.2
    # (0x...)"), which a binary with libgcc linked in NEEDs directly.
    path=$(ldd "$build/lvsnft" | awk -v l="$lib" '
      $1 == l {print $3} $2 != "=>" && $1 ~ ("/" l "$") {print $1}')
    [ -n "$path" ] || { echo "ldd does not resolve $lib"; bad=1; continue; }
    pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "${path#/usr}" 2>/dev/null ||
      dpkg -S "/usr$path" 2>/dev/null)
    pkg=${pkg%%:*}
    [ -n "$pkg" ] || { echo "no package owns $lib ($path)"; bad=1; continue; }
    echo "$deps" | grep -qx "$pkg" || { echo "Depends lacks $pkg ($lib)"; bad=1; }
  done
  return $bad
}
topo_check "Depends: $(field Depends)" depends_cover_needed
names_libs() { field Depends | grep -q libnftnl && field Depends | grep -q libmnl; }
topo_check "Depends names libnftnl and libmnl" names_libs
topo_check "no maintainer scripts (nothing enabled or started)" \
  sh -c "! grep -qE '^ +[0-9]+ bytes, +[0-9]+ lines +\*? *(pre|post)(inst|rm)' '$work/info'"
topo_check "conffiles: /etc/lvsnft/lvsnft.json" \
  sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles | grep -qx /etc/lvsnft/lvsnft.json"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\.||' >"$work/contents"
for path in /usr/sbin/lvsnft /lib/systemd/system/lvsnft.service \
  /lib/systemd/system/lvsnft-director.service \
  /lib/systemd/system/lvsnft-rs-setup.service /etc/lvsnft/lvsnft.json \
  /usr/share/lvsnft/lvsnft-config.schema.json \
  /usr/share/man/man8/lvsnft.8.gz /usr/share/man/man5/lvsnft.json.5.gz \
  /usr/share/bash-completion/completions/lvsnft \
  /usr/share/doc/lvsnft/copyright /usr/share/doc/lvsnft/changelog.gz \
  /usr/share/doc/lvsnft/examples/nat.json; do
  topo_check "contents: $path" grep -qx "$path" "$work/contents"
done
topo_check "contents: nothing under /usr/local, no test program" \
  sh -c "! grep -E '^/usr/local|lvsnft-test|lvsnft_gen|lvsnft_echo|bench' '$work/contents'"

if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$deb" >"$work/lintian" 2>&1
  sed 's/^/  lintian: /' "$work/lintian"
  topo_check "lintian: no error (E:) tag" sh -c "! grep -q '^E:' '$work/lintian'"
else
  echo "note: lintian not installed (apt-get install lintian), not run"
fi

simulate() {
  apt-get install --simulate "$deb" >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log"; return 1; }
  grep -q '^Inst lvsnft' "$work/apt.log" || { cat "$work/apt.log"; return 1; }
}
topo_check "apt-get install --simulate: Depends resolve here" simulate

root=$work/root
topo_check "dpkg-deb -x into a throw-away root" dpkg-deb -x "$deb" "$root"
topo_check "unpacked lvsnft --version: lvsnft $version" \
  test "$("$root/usr/sbin/lvsnft" --version)" = "lvsnft $version"
topo_check "unpacked binary is stripped" \
  sh -c "! objdump -h '$root/usr/sbin/lvsnft' | grep -q debug_info"
validate_shipped() {
  local f
  for f in "$root/etc/lvsnft/lvsnft.json" "$root"/usr/share/doc/lvsnft/examples/*.json; do
    "$root/usr/sbin/lvsnft" validate -c "$f" || return 1
  done
}
topo_check "unpacked lvsnft validate: /etc/lvsnft/lvsnft.json and every example" validate_shipped
topo_check "unpacked units run /usr/sbin/lvsnft (and /bin/kill), nothing else" \
  diff <(exec_bins "$root"/lib/systemd/system/*.service) \
  <(printf '%s\n' /bin/kill /usr/sbin/lvsnft)
if command -v systemd-analyze >/dev/null; then
  topo_check "systemd-analyze verify: the unpacked units, no complaint" \
    verify_units "$root" "$root/lib/systemd/system"
fi
echo "figures: $(basename "$deb") $(stat -c %s "$deb") bytes"
topo_summary deb
