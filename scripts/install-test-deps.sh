#!/usr/bin/env bash
# install-test-deps.sh - install everything scripts/test.sh needs (Debian 12).
#
# Idempotent: packages already installed are not fetched again, so a second
# run does no apt-get work at all. Runs apt-get as root, through sudo when not
# root. Installs:
#   apt : build-essential cmake ninja-build pkg-config clang libclang-dev
#         libcriterion-dev valgrind binutils python3 python3-dev python3-pip
#         libffi-dev; git (the format lane and the mutation scripts list the
#         tracked files with it, and a minimal Debian 12 has none);
#         libtsan2 (gcc's ThreadSanitizer runtime; clang's is in
#         libclang-rt-14-dev); cross compilers (C and C++) for i686, aarch64
#         and armhf with their libcs, and qemu-user (layout tables, the qemu
#         lane); abigail-tools (the abi-baseline lane). Not gcc-multilib: it
#         conflicts with the cross compilers. spin and debootstrap (the
#         proofs lane; CBMC itself comes from Debian 13 in a debootstrapped
#         root that scripts/prove.sh makes and caches in
#         /var/cache/bcsc/cbmc-root). libuv1-dev (the libuv peer benchmark,
#         bench/peers/libuv/, built only when pkg-config finds libuv).
#         python3-pytest (the python lane), unless the `python3` on PATH
#         imports pytest already.
#   pip : cffi pycparser, only if `python3` cannot import them already;
#         gcovr 8.8 (the coverage lane's floor was measured with it), only
#         if `python3 -m gcovr` is missing
# and Rust: a cargo already on PATH (or in ~/.cargo/bin, rustup's) is used
# as it is; with none, Debian 12's cargo-web (1.96 from bookworm-security,
# which every Debian 12 install lists; Debian's `cargo` is 1.65). Either way
# the cargo found must be 1.88 or later: bcsc-sys needs 1.85, the peer
# benchmarks' embassy crates (heapless 0.9) 1.88 (D88).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config binutils git
  clang libclang-dev
  libcriterion-dev valgrind clang-format libclang-rt-14-dev libtsan2
  gcc-i686-linux-gnu g++-i686-linux-gnu libc6-dev-i386-cross
  gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross
  gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf libc6-dev-armhf-cross
  qemu-user abigail-tools swig
  python3 python3-dev python3-pip libffi-dev
  spin debootstrap
  libuv1-dev
)

if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  packages+=(cargo-web)
fi
# (Before python3 is installed, nothing imports pytest: both come.)
if ! python3 -c 'import pytest' 2>/dev/null; then
  packages+=(python3-pytest)
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  as_root=()
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && [ ${#as_root[@]} -eq 0 ]; then
    echo "install-test-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "install-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq >/dev/null
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-test-deps: apt packages already installed"
fi

if python3 -c 'import cffi, pycparser' 2>/dev/null; then
  echo "install-test-deps: python cffi/pycparser present"
else
  echo "install-test-deps: installing cffi pycparser with pip"
  if ! python3 -m pip install --quiet cffi pycparser 2>/dev/null; then
    # Debian 12 marks the system Python as externally managed (PEP 668).
    python3 -m pip install --quiet --break-system-packages cffi pycparser
  fi
fi

if python3 -c 'import pytest' 2>/dev/null; then
  echo "install-test-deps: python pytest $(python3 -m pytest --version 2>&1 | awk '{ print $2 }') present"
else
  echo "install-test-deps: python3 cannot import pytest after installing python3-pytest" \
       "(is \`python3\` on PATH Debian's?)" >&2
  exit 1
fi

if python3 -m gcovr --version >/dev/null 2>&1; then
  echo "install-test-deps: $(python3 -m gcovr --version | head -n1) present"
else
  echo "install-test-deps: installing gcovr 8.8 with pip"
  if ! python3 -m pip install --quiet gcovr==8.8 2>/dev/null; then
    python3 -m pip install --quiet --break-system-packages gcovr==8.8
  fi
fi

# The rust lane builds bcsc-sys (rust-version 1.85) and the peer crates
# (embassy-executor 0.10 -> heapless 0.9: 1.88; 0.9.0 and 0.9.1 do not
# build with 1.85 either).
cargo_version=$(cargo --version | awk '{ print $2 }')
if [ "$(printf '%s\n' 1.88.0 "$cargo_version" | sort -V | head -n1)" != 1.88.0 ]; then
  echo "install-test-deps: $(command -v cargo) is cargo $cargo_version; the rust" \
       "lane needs 1.88 or later (rustup, or Debian 12's cargo-web from" \
       "bookworm-security, 1.96: is bookworm-security in the apt sources?" \
       "bookworm main's 1.85 is too old for the peer benchmarks)" >&2
  exit 1
fi
echo "install-test-deps: $(cargo --version)"
