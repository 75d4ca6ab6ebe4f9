#!/usr/bin/env bash
# Builds the brotli 1.0.9 command line from Debian's source package (brotli_1.0.9.orig.tar.gz;
# Debian's two patches touch only pkg-config files and Python tests, so none applies here).
# The whole program is built, encoder included, as Debian ships it; the brotlid task runs it
# only to decompress. The WASI build uses the compatibility layer (guest-tools/wasi-compat/cc)
# for chmod/chown, which WASI lacks, and for EISDIR when an input is a directory. Sources
# compile by relative path in sorted order, so that rebuilds give the same bytes. Usage:
# build.sh wasi|native OUT_DIR; writes OUT_DIR/brotli.wasm or OUT_DIR/brotli. wasi needs clang
# with wasi-libc (apt-get install -y --no-install-recommends clang lld wasi-libc
# libclang-rt-dev-wasm32); native needs a C compiler.
set -euo pipefail
target=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$("$here/../fetch-source.sh" \
    http://deb.debian.org/debian/pool/main/b/brotli/brotli_1.0.9.orig.tar.gz \
    f9e8d81d0405ba66d181529af42a3354f838c939095ff99930da6aa9cdf6fe46)
tar -xzf "$tarball" -C "$work"
cd "$work/brotli-1.0.9"
sources=$(LC_ALL=C ls c/common/*.c c/dec/*.c c/enc/*.c c/tools/brotli.c)
case $target in
    wasi)
        # shellcheck disable=SC2086
        "$here/../wasi-compat/cc" -O2 -Ic/include -o "$out/brotli.wasm" $sources -lm
        ;;
    native)
        # shellcheck disable=SC2086
        cc -O2 -Ic/include -o "$out/brotli" $sources -lm
        ;;
    *) echo "usage: build.sh wasi|native OUT_DIR" >&2; exit 2 ;;
esac
