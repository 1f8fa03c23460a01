#!/usr/bin/env bash
# fresh-debian-check.sh - the README's two commands on a fresh Debian 12:
# a minimal root made with debootstrap, a clone of this repository's HEAD
# in it, and the command run there as root in a chroot. On demand, not CI
# (it is CI on a machine with nothing installed: ~20 minutes on 2 cores).
#
#   scripts/fresh-debian-check.sh [demo|test] [ROOT]
#
#   demo   scripts/demo.sh
#   test   CI=true bash .ci/run (= scripts/test.sh --install; the default)
#   ROOT   where the root is made (default /var/tmp/bcsc-fresh-bookworm);
#          it must not exist yet, and it is left there afterwards
#
# The root gets nothing but debootstrap's minbase, the clone, ../shared if
# it is beside the repository (.ci/run's setting), the host's
# /etc/resolv.conf, and, if the host has them, its extra certificate
# authorities (/usr/local/share/ca-certificates) and /etc/pip.conf: a
# machine behind a proxy that re-signs TLS needs them for pip and cargo,
# and a fresh machine there would have them too. No Rust, no git, no
# compiler: the commands must install what they need (D88). The root's
# apt sources are a standard Debian 12's (bookworm, bookworm-updates,
# bookworm-security); the CBMC root of the proofs lane is made inside it,
# from scratch.
#
# Needs root (debootstrap, mount, chroot) and debootstrap
# (scripts/install-test-deps.sh installs it).
set -euo pipefail

cd "$(dirname "$0")/.."
what=${1:-test}
root_dir=${2:-/var/tmp/bcsc-fresh-bookworm}
case "$what" in
  demo) command='bash scripts/demo.sh' ;;
  test) command='CI=true bash .ci/run' ;;
  *) echo "fresh-debian-check: unknown command '$what' (demo or test)" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "fresh-debian-check: needs root" >&2; exit 1; }
command -v debootstrap >/dev/null 2>&1 ||
  { echo "fresh-debian-check: debootstrap missing" >&2; exit 1; }
[ ! -e "$root_dir" ] ||
  { echo "fresh-debian-check: $root_dir exists; give another ROOT" >&2; exit 1; }

echo "fresh-debian-check: debootstrap bookworm (minbase) into $root_dir"
debootstrap --variant=minbase bookworm "$root_dir" http://deb.debian.org/debian \
  >"$root_dir.debootstrap.log" 2>&1 ||
  { tail -20 "$root_dir.debootstrap.log"; exit 1; }

# The apt sources every Debian 12 install lists (the installer, cloud and
# container images): debootstrap writes bookworm main alone, which lacks
# the security archive's updates (cargo-web 1.96 among them, D88).
cat >"$root_dir/etc/apt/sources.list" <<'SOURCES'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES

git clone -q "$PWD" "$root_dir/root/bcsc"
[ -d ../shared ] && cp -r ../shared "$root_dir/root/shared"
cp /etc/resolv.conf "$root_dir/etc/"
if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
  mkdir -p "$root_dir/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/* "$root_dir/usr/local/share/ca-certificates/"
fi
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$root_dir/etc/pip.conf"

mounts=(proc sys dev dev/pts)
unmount() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "$root_dir/${mounts[i]}" 2>/dev/null || true
  done
}
trap unmount EXIT
mount -t proc proc "$root_dir/proc"
mount --bind /sys "$root_dir/sys"
mount --bind /dev "$root_dir/dev"
mount --bind /dev/pts "$root_dir/dev/pts"

# The certificate bundle the root will have once ca-certificates is in
# (python3-pip brings it), with the host's authorities added.
bundle=/etc/ssl/certs/ca-certificates.crt
echo "fresh-debian-check: $command (in the root, as root)"
start=$SECONDS
rc=0
chroot "$root_dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  SSL_CERT_FILE=$bundle PIP_CERT=$bundle REQUESTS_CA_BUNDLE=$bundle \
  CURL_CA_BUNDLE=$bundle GIT_SSL_CAINFO=$bundle \
  bash -c "cd /root/bcsc && $command" || rc=$?
echo "fresh-debian-check: $what exited $rc after $((SECONDS - start)) s"
exit "$rc"
