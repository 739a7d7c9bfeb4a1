#!/bin/bash
# lvsnft's VM harness: boots Debian 12's cloud kernel (6.1: ipip, IPVS and
# every nftables module) under QEMU software emulation and runs one bash
# script in it as root.
#
#   tests/vm/vmrun.sh SCRIPT [FILE|DIR...]
#
# Inside the VM: /lab holds SCRIPT, every FILE/DIR (by basename),
# tests/lib/topo.sh as /lab/topo.sh and tests/vm/vm_lib.sh as
# /lab/vm_lib.sh; /lab is the working directory and on PATH. Binaries
# among the FILEs get their shared libraries copied (ldd).
# Available: bash, busybox applets, the host's ip, nft, ipvsadm, iputils
# ping and, when installed, keepalived (bench/run kacheck); busybox's own
# `ip` applet is removed so `ip` is iproute2.
# The modules lab scenarios need are loaded before SCRIPT starts, and
# module autoloading works (/sbin/modprobe). No network device, no disk.
# The script's output is printed; the exit status is the script's (124:
# VM timed out, 125: VM did not report a status).
#
# Environment: LVSNFT_VM_CACHE (kernel + initramfs cache, default
# $HOME/.cache/lvsnft-vm), LVSNFT_VM_TIMEOUT (s, default 600),
# LVSNFT_VM_MEM (MiB, default 1024), LVSNFT_VM_SMP (default 1),
# LVSNFT_VM_QUIET=1 (no timing line on stderr), LVSNFT_VM_CONSOLE=FILE
# (keep the whole console output there).
# Needs root only for apt-get when a package is missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
CACHE=${LVSNFT_VM_CACHE:-$HOME/.cache/lvsnft-vm}
MODULES="veth bridge dummy nf_tables nft_fwd_netdev nft_numgen
  nft_hash nft_ct nft_nat nft_chain_nat nft_masq nft_limit
  nft_objref nft_reject_inet nft_redir nf_conntrack nf_nat ipip tunnel4
  ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_dh ip_vs_mh
  ip_vs_ftp"
# Not loaded at boot, but there for modprobe/autoloading.
EXTRA_MODULES="ip6_tunnel sit ip_gre gre macvlan ipvlan vxlan geneve"
HOST_BINS="/usr/sbin/ip /usr/sbin/nft /usr/sbin/ipvsadm /usr/bin/ping /bin/bash
  $(ls /usr/sbin/keepalived 2>/dev/null)"

die() {
  echo "vmrun: $*" >&2
  exit 125
}

# Installs the Debian packages the harness uses when one is missing.
ensure_packages() {
  local p missing=()
  for p in qemu-system-x86 busybox-static cpio kmod nftables iproute2 \
    ipvsadm iputils-ping; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "vmrun: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2 ||
    { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install \
      -y -qq --no-install-recommends "${missing[@]}" >&2; } ||
    die "cannot install ${missing[*]}"
}

# Downloads and unpacks linux-image-cloud-amd64 into $CACHE/root once.
ensure_kernel() {
  local tmp dep k
  if [ -d "$CACHE/root/boot" ]; then
    k=$(kernel_version)
    [ -f "$CACHE/root/lib/modules/$k/modules.dep" ] || depmod -b "$CACHE/root" "$k"
    return
  fi
  tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
  (cd "$tmp" && { apt-get download linux-image-cloud-amd64 >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get download linux-image-cloud-amd64; }; }) >&2 ||
    die "apt-get download linux-image-cloud-amd64 failed"
  dep=$(dpkg-deb -f "$tmp"/linux-image-cloud-amd64_*.deb Depends |
    tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep '^linux-image-' | head -n 1)
  (cd "$tmp" && apt-get download "$dep") >/dev/null 2>&1 ||
    die "apt-get download $dep failed"
  dpkg-deb -x "$tmp/$dep"_*.deb "$tmp/root"
  mv "$tmp/root" "$CACHE/root"
  rm -rf "$tmp"
  ensure_kernel
}

kernel_version() { ls "$CACHE/root/lib/modules" | head -n 1; }

# copy_libs DEST FILE...: the shared libraries of ELF files into DEST/lib.
copy_libs() {
  local dest=$1 lib
  shift
  for lib in $(for f in "$@"; do ldd "$f" 2>/dev/null || true; done |
    awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/lib64\// {print $1}' |
    sort -u); do
    mkdir -p "$dest$(dirname "$lib")"
    cp -L "$lib" "$dest$lib"
  done
}

# module_closure KVER: the .ko paths (relative) of the lab modules, the
# extra ones, the nftables/conntrack/NAT/IPVS family (for autoloading) and
# everything they depend on.
module_closure() {
  local mdir="$CACHE/root/lib/modules/$1" m
  {
    (cd "$mdir" && find kernel/net/netfilter kernel/net/ipv4/netfilter \
      kernel/net/ipv6/netfilter kernel/net/bridge/netfilter -name '*.ko' \
      ! -name 'xt_*' ! -name 'ipt_*' ! -name 'ip6t_*' ! -name 'ebt_*' \
      2>/dev/null)
    for m in $MODULES $EXTRA_MODULES; do
      awk -F: -v m="/$m.ko" 'substr($1, length($1) - length(m) + 1) == m {print $1}' \
        "$mdir/modules.dep"
    done
  } | sort -u | awk 'NR == FNR {want[$1] = 1; next} {k = $1; sub(":$", "", k)}
    k in want {print k; for (i = 2; i <= NF; i++) print $i}' \
    - "$mdir/modules.dep" | sort -u
}

# The /init of the VM: mounts, modules, then SCRIPT under bash; markers
# around its output carry the uptime and the exit status.
write_init() {
  cat >"$1/init" <<INIT
#!/bin/sh
export PATH=/lab:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LAB=/lab
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp; mount -t tmpfs run /run
mkdir -p /run/netns /var /root; ln -s /run /var/run
ip link set lo up
echo "=== lvsnft-vm modules \$(cut -d" " -f1 /proc/uptime)"
missing=""
for m in $(echo $MODULES); do
  grep -q "/\$m.ko\$" /lib/modules/\$(uname -r)/modules.builtin ||
    modprobe \$m 2>/dev/null || missing="\$missing \$m"
done
echo "=== lvsnft-vm start \$(cut -d' ' -f1 /proc/uptime) \$(uname -r)"
[ -n "\$missing" ] && echo "vmrun: modules not loaded:\$missing" >&2
cd /lab && bash "/lab/\$(cat /lab/.script)"
echo "=== lvsnft-vm exit \$?"
poweroff -f
INIT
  chmod +x "$1/init"
}

# build_base DIR: busybox, bash, iproute2, nft, ipvsadm, ping, their
# libraries and the module closure, as an initramfs tree in DIR.
build_base() {
  local w=$1 k a b
  k=$(kernel_version)
  mkdir -p "$w"/{bin,sbin,usr/sbin,usr/bin,proc,sys,dev,tmp,run,etc,lab}
  cp /bin/busybox "$w/bin/"
  for a in $("$w/bin/busybox" --list); do
    [ -e "$w/bin/$a" ] || ln -s busybox "$w/bin/$a"
  done
  rm -f "$w/bin/ip" "$w/bin/ping" "$w/bin/bash"
  ln -s /bin/busybox "$w/sbin/modprobe"
  for b in $HOST_BINS; do cp -L "$b" "$w/usr/sbin/"; done
  copy_libs "$w" $HOST_BINS
  echo "root:x:0:0:root:/root:/bin/sh" >"$w/etc/passwd"
  mkdir -p "$w/lib/modules/$k"
  (cd "$CACHE/root/lib/modules/$k" && module_closure "$k" |
    cpio -pdm --quiet "$w/lib/modules/$k")
  cp "$CACHE/root/lib/modules/$k"/modules.{builtin,builtin.modinfo,order} "$w/lib/modules/$k/"
  depmod -b "$w" "$k"
  write_init "$w"
}

# base_image: the cached base archive, rebuilt when the kernel, the host
# tools or this script change. Prints its path.
base_image() {
  local key img w
  key=$( (kernel_version; cat "$0"
    for b in $HOST_BINS /bin/busybox; do stat -L -c '%n %s %Y' "$b"; done) |
    md5sum | cut -c1-12)
  img="$CACHE/base-$key.cpio.gz"
  if [ ! -f "$img" ]; then
    w=$(mktemp -d "$CACHE/base.XXXXXX")
    build_base "$w"
    (cd "$w" && find . | cpio -o -H newc --quiet | gzip -1 >"$img.tmp")
    mv "$img.tmp" "$img"
    rm -rf "$w"
    find "$CACHE" -maxdepth 1 -name 'base-*.cpio.gz' ! -newer "$img" \
      ! -name "base-$key.cpio.gz" -delete
  fi
  echo "$img"
}

# lab_image OUT SCRIPT FILE...: the per-run archive: /lab and libraries.
lab_image() {
  local out=$1 script=$2 w f elves=()
  shift 2
  w=$(mktemp -d)
  mkdir -p "$w/lab"
  cp "$script" "$w/lab/"
  basename "$script" >"$w/lab/.script"
  cp "$SRC/tests/lib/topo.sh" "$w/lab/topo.sh"
  cp "$SRC/tests/vm/vm_lib.sh" "$w/lab/vm_lib.sh"
  for f in "$@"; do
    [ -e "$f" ] || die "no such file: $f"
    cp -a "$f" "$w/lab/"
    if [ -f "$f" ] && head -c 4 "$f" | grep -q ELF; then elves+=("$f"); fi
  done
  [ ${#elves[@]} -eq 0 ] || copy_libs "$w" "${elves[@]}"
  (cd "$w" && find . | cpio -o -H newc --quiet | gzip -1 >"$out")
  rm -rf "$w"
}

# qemu_boot INITRD: runs the VM (no KVM: the guest crashes under it here),
# console on stdout, then a "=== qemu status N" line.
qemu_boot() {
  local st=0
  timeout "${LVSNFT_VM_TIMEOUT:-600}" qemu-system-x86_64 \
    -accel tcg -cpu max -m "${LVSNFT_VM_MEM:-1024}" -smp "${LVSNFT_VM_SMP:-1}" \
    -kernel "$CACHE/root/boot/vmlinuz-$(kernel_version)" -initrd "$1" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1" \
    -nographic -nodefaults -serial stdio -no-reboot </dev/null 2>&1 || st=$?
  echo
  echo "=== qemu status $st"
}

# run_vm INITRD: boots, streams the script's output, sets VM_RC, VM_BOOT
# (s until the script started), VM_RUN (s the script took) and the guest's
# uptime when /init began loading modules (VM_KBOOT) and when the script
# started (VM_UPTIME).
run_vm() {
  local line t0 tb="" te="" rc="" log
  VM_UPTIME="?" VM_KBOOT="?"
  log="$WORK/console.log"
  t0=$EPOCHREALTIME
  while IFS= read -r line; do
    line=${line%$'\r'}
    echo "$line" >>"$log"
    case $line in
      *"=== lvsnft-vm modules "*) VM_KBOOT=${line#*=== lvsnft-vm modules } ;;
      *"=== lvsnft-vm start "*)
        tb=$EPOCHREALTIME
        VM_UPTIME=${line#*=== lvsnft-vm start }
        VM_UPTIME=${VM_UPTIME%% *}
        ;;
      *"=== lvsnft-vm exit "*)
        rc=${line#*=== lvsnft-vm exit }
        te=$EPOCHREALTIME
        ;;
      *) [ -n "$tb" ] && [ -z "$rc" ] && printf '%s\n' "$line" ;;
    esac
  done < <(qemu_boot "$1")
  VM_BOOT=$(elapsed "$t0" "${tb:-$EPOCHREALTIME}")
  VM_RUN=$(elapsed "${tb:-$EPOCHREALTIME}" "${te:-$EPOCHREALTIME}")
  [ -z "${LVSNFT_VM_CONSOLE:-}" ] || cp "$log" "$LVSNFT_VM_CONSOLE"
  if [ -n "$rc" ]; then VM_RC=$rc; return; fi
  VM_RC=125
  grep -q '=== qemu status 124' "$log" && VM_RC=124
  echo "vmrun: the VM gave no exit status (rc $VM_RC); console tail:" >&2
  tail -n 30 "$log" >&2
}

# elapsed T0 T1: seconds between two $EPOCHREALTIME values, 1 decimal.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }

main() {
  [ $# -ge 1 ] && [ -f "$1" ] || {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
  }
  local t0=$EPOCHREALTIME base tprep
  mkdir -p "$CACHE"
  ensure_packages
  exec 9>"$CACHE/.lock"
  flock 9
  ensure_kernel
  base=$(base_image)
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  cp "$base" "$WORK/initrd.img"
  flock -u 9
  lab_image "$WORK/lab.cpio.gz" "$@"
  cat "$WORK/lab.cpio.gz" >>"$WORK/initrd.img"
  tprep=$(elapsed "$t0" "$EPOCHREALTIME")
  run_vm "$WORK/initrd.img"
  [ "${LVSNFT_VM_QUIET:-0}" = 1 ] ||
    echo "vmrun: kernel $(kernel_version), prepare ${tprep}s, boot ${VM_BOOT}s" \
      "(guest: kernel ${VM_KBOOT}s, after modules ${VM_UPTIME}s)," \
      "script ${VM_RUN}s, total $(elapsed "$t0" "$EPOCHREALTIME")s, exit $VM_RC" >&2
  exit "$VM_RC"
}

main "$@"
