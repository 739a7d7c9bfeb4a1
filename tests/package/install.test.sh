#!/usr/bin/env bash
# `cmake --install` into throw-away roots (DESTDIR), checked file by file:
#  - prefix /usr/local (the README's): exactly the expected files, the
#    units name /usr/local/sbin/lvsnft and /usr/local/share/doc/lvsnft,
#    no test program installed, and the installed binary runs and
#    validates the installed examples and /etc/lvsnft/lvsnft.json;
#  - a re-install keeps an edited /etc/lvsnft/lvsnft.json;
#  - prefix /usr: the units go to /lib/systemd/system and name /usr/sbin;
#  - `systemd-analyze verify` accepts the installed units (--root), and the
#    one-shot director unit follows nftables.service (After=, PartOf=,
#    ReloadPropagatedFrom=) while no unit is enabled anywhere.
#   install.test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
. "$src/tests/lib/topo.sh"
. "$src/tests/package/lib.sh"
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
version=$("$build/lvsnft" --version | awk '{print $2}')

install_to() { # ROOT PREFIX
  DESTDIR=$1 cmake --install "$build" --prefix "$2" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; return 1; }
}
files_of() { (cd "$1" && find . -type f -o -type l | sed 's|^\./|/|' | sort); }

r=$work/local
topo_check "cmake --install --prefix /usr/local (DESTDIR)" install_to "$r" /usr/local
cat >"$work/expected" <<EOF2
/etc/lvsnft/lvsnft.json
/usr/local/lib/systemd/system/lvsnft-director.service
/usr/local/lib/systemd/system/lvsnft-rs-setup.service
/usr/local/lib/systemd/system/lvsnft.service
/usr/local/sbin/lvsnft
/usr/local/share/bash-completion/completions/lvsnft
/usr/local/share/lvsnft/lvsnft-config.schema.json
/usr/local/share/man/man5/lvsnft.json.5.gz
/usr/local/share/man/man8/lvsnft.8.gz
EOF2
(cd "$src" && ls README.md docs/*.md examples/*.json) |
  sed 's|^docs/||; s|^|/usr/local/share/doc/lvsnft/|' >>"$work/expected"
printf '%s\n' /usr/local/share/doc/lvsnft/copyright \
  /usr/local/share/doc/lvsnft/changelog.gz >>"$work/expected"
sort -o "$work/expected" "$work/expected"
topo_check "installed files are exactly the expected ones" \
  diff <(files_of "$r") "$work/expected"
topo_check "no test program installed (lvsnft-test, lvsnft_gen, lvsnft_echo, bench)" \
  sh -c "! find '$r' -name 'lvsnft-test' -o -name 'lvsnft_gen*' -o -name 'lvsnft_echo*' -o -name '*bench*' | grep -q ."
units=$r/usr/local/lib/systemd/system
topo_check "units run /usr/local/sbin/lvsnft (and /bin/kill), nothing else" \
  diff <(exec_bins "$units"/*.service) <(printf '%s\n' /bin/kill /usr/local/sbin/lvsnft)
topo_check "units: no @PLACEHOLDER@ left" sh -c "! grep -n '@' '$units'/*.service"
topo_check "units: Documentation= names the installed docs" \
  grep -q 'file:/usr/local/share/doc/lvsnft/daemon.md' "$units/lvsnft.service"
topo_check "installed binary: --version is $version" \
  test "$("$r/usr/local/sbin/lvsnft" --version)" = "lvsnft $version"
validate_all() {
  local f
  for f in "$r"/usr/local/share/doc/lvsnft/examples/*.json "$r/etc/lvsnft/lvsnft.json"; do
    "$r/usr/local/sbin/lvsnft" validate -q -c "$f" || { echo "invalid: $f"; return 1; }
  done
}
topo_check "installed binary validates every installed example and /etc config" validate_all
topo_check "installed man page renders" \
  sh -c "MANWIDTH=80 man -l '$r/usr/local/share/man/man8/lvsnft.8.gz' | grep -q 'EXIT STATUS'"

echo '{"version": 1, "services": [], "director": {}}' >"$r/etc/lvsnft/lvsnft.json"
cp "$r/etc/lvsnft/lvsnft.json" "$work/edited"
topo_check "re-install" install_to "$r" /usr/local
topo_check "re-install keeps the edited /etc/lvsnft/lvsnft.json" \
  cmp "$r/etc/lvsnft/lvsnft.json" "$work/edited"

u=$work/usr
topo_check "cmake --install --prefix /usr (DESTDIR)" install_to "$u" /usr
topo_check "prefix /usr: units in /lib/systemd/system run /usr/sbin/lvsnft" \
  diff <(exec_bins "$u"/lib/systemd/system/*.service) <(printf '%s\n' /bin/kill /usr/sbin/lvsnft)

director=$units/lvsnft-director.service
for line in After=.*nftables.service PartOf=nftables.service \
  ReloadPropagatedFrom=nftables.service; do
  topo_check "director unit: $line" grep -qx "$line" "$director"
done
topo_check "no unit is enabled (no .wants/.requires links installed)" \
  sh -c "! find '$r' '$u' -name '*.wants' -o -name '*.requires' | grep -q ."
if command -v systemd-analyze >/dev/null; then
  topo_check "systemd-analyze verify: the installed units, no complaint" \
    verify_units "$r" "$units"
else
  echo "note: systemd-analyze missing, unit verification not run"
fi
topo_summary install
