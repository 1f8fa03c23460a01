#!/usr/bin/env bash
# install-build-deps.sh - install what building bcsc and its C examples needs
# on Debian 12: a C and C++ compiler (the build compiles every public header
# as C++ too), CMake, Ninja and pkg-config.
#
# Idempotent and quiet: when every package is installed it does nothing but
# say so. Runs apt-get as root, through sudo when not root.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-build-deps: build tools already installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-build-deps: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi

echo "install-build-deps: installing ${missing[*]}"
# apt's chatter goes to a log that is shown only if something fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" apt-get update -qq &&
       "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
     >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-build-deps: apt-get failed" >&2
  exit 1
fi
